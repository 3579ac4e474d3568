/*
| First contentful paint of the resident's home in Chromium with the CPU
| slowed 4× (as a mid-range phone), signed in as the demo resident: a cold
| load (empty cache, as when the app is opened from a QR code the first
| time) and a warm one (the scripts and messages cached), the median of
| BENCH_FCP_RUNS each. Its anchor is the same browser painting a static
| page of the same server (/favicon.svg) under the same throttle. Run by
| bench/resident_home.sh against its production server.
*/
import { chromium } from 'playwright'

const base = process.env.APP_URL
const runs = Number(process.env.BENCH_FCP_RUNS ?? 5)
const THROTTLE = 4
const GOAL_MS = 1000
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
})
try {
  const signIn = await browser.newContext()
  const page = await signIn.newPage()
  await page.goto(`${base}/login`)
  await page.getByLabel('メールアドレス', { exact: true }).fill('hanako@example.jp')
  await page.getByLabel('パスワード', { exact: true }).fill('tomoni-demo-2026')
  await page.getByRole('button', { name: 'ログインする' }).click()
  await page.waitForURL((url) => url.pathname !== '/login')
  const cookies = await signIn.cookies()
  await signIn.close()

  /** FCP of one load of path, in ms; cold: a fresh context (empty cache) */
  async function paint(context, path) {
    const tab = await context.newPage()
    const cdp = await context.newCDPSession(tab)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE })
    await tab.goto(`${base}${path}`, { waitUntil: 'load' })
    const fcp = await tab.evaluate(
      () =>
        new Promise((resolve) => {
          new PerformanceObserver((list) => {
            const entry = list.getEntriesByName('first-contentful-paint')[0]
            if (entry) resolve(entry.startTime)
          }).observe({ type: 'paint', buffered: true })
        })
    )
    await tab.close()
    return fcp
  }

  const cold = []
  const warm = []
  const anchor = []
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
    await context.addCookies(cookies)
    cold.push(await paint(context, '/'))
    warm.push(await paint(context, '/'))
    anchor.push(await paint(context, '/favicon.svg'))
    await context.close()
  }
  const coldMs = median(cold)
  const warmMs = median(warm)
  const anchorMs = median(anchor)
  console.log(
    `FCP at ${THROTTLE}× CPU: cold ${cold.map(Math.round).join(', ')} ms; ` +
      `warm ${warm.map(Math.round).join(', ')} ms; static page ${anchor.map(Math.round).join(', ')} ms`
  )
  console.log(
    `BENCH ${JSON.stringify({
      path: `resident home FCP, ${THROTTLE}× CPU (cold / warm)`,
      db: process.env.DB_CONNECTION,
      figure: `${Math.round(coldMs)} / ${Math.round(warmMs)} ms`,
      anchor: `static page ${Math.round(anchorMs)} ms`,
      ratio: anchorMs / coldMs,
      goal: `< ${GOAL_MS} ms`,
      met: coldMs < GOAL_MS,
    })}`
  )
} finally {
  await browser.close()
}
