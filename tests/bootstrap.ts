import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { assert } from '@japa/assert'
import { apiClient } from '@japa/api-client'
import { browserClient } from '@japa/browser-client'
import { pluginAdonisJS } from '@japa/plugin-adonisjs'
import type { Config } from '@japa/runner/types'
import app from '@adonisjs/core/services/app'
import testUtils from '@adonisjs/core/services/test_utils'
import { inertiaApiClient } from '@adonisjs/inertia/plugins/api_client'
import { chromium } from 'playwright'
import DemoData from '#database/demo_data'
import Outbox from '#mail/outbox'
import limiter from '@adonisjs/limiter/services/main'
import { FAKE_CAMERA_FILE, showNothing } from '#tests/helpers/fake_camera'

/*
| Debian's Chromium drives the browser suite. Without it, a developer's run
| says so and skips the browser tests; CI (CI set) refuses to go on.
*/
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const chromiumAvailable = existsSync(CHROMIUM_PATH)

/*
| No session/auth/shield test doubles: they swap in a memory session store.
| Tests sign in through the real pages (tests/helpers/browser_session.ts),
| so sessions, CSRF and cookies are the ones users get.
*/
export const plugins: Config['plugins'] = [
  assert(),
  pluginAdonisJS(app),
  apiClient(),
  inertiaApiClient(app),
  browserClient({
    runInSuites: ['browser'],
    launcher: (config) => {
      // The fake camera's file must exist when Chromium starts.
      showNothing()
      return chromium.launch({
        ...config,
        executablePath: CHROMIUM_PATH,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          // A fake back camera for the visit QR scanner: it plays this
          // process's Y4M file, which tests rewrite (tests/helpers/fake_camera.ts).
          '--use-fake-device-for-media-stream',
          '--use-fake-ui-for-media-stream',
          `--use-file-for-fake-video-capture=${FAKE_CAMERA_FILE}`,
        ],
      })
    },
  }),
]

export const runnerHooks: Required<Pick<Config, 'setup' | 'teardown'>> = {
  setup: [
    () => testUtils.db().migrate(),
    // The demo data is the shared fixture; tests roll their own changes back.
    () => DemoData.seed(),
    () => rm(Outbox.directory, { recursive: true, force: true }),
    async () => {
      // With Redis configured, jobs really go through BullMQ: run a worker here.
      const queue = await app.container.make('queue')
      if (queue.driver !== 'redis') return
      await queue.bullQueue().obliterate({ force: true })
      queue.startWorker()
    },
  ],
  teardown: [],
}

export const configureSuite: Config['configureSuite'] = (suite) => {
  // Throttle counters are written on whatever connection is current (the
  // test's transaction, or the pool for tests without one, whose rows
  // stay): start every test with none.
  const clearThrottles = () => limiter.clear(['database'])
  suite.onGroup((group) => group.each.setup(clearThrottles))
  suite.onTest((test) => test.setup(clearThrottles))

  if (['browser', 'functional'].includes(suite.name)) {
    suite.setup(() => testUtils.httpServer().start())
  }
  if (suite.name === 'browser' && !chromiumAvailable) {
    if (process.env.CI) {
      throw new Error(`Chromium not found at ${CHROMIUM_PATH}: CI must run the browser suite`)
    }
    console.warn(
      `\n  Browser suite skipped: Chromium not found at ${CHROMIUM_PATH}.` +
        `\n  Install it with: apt-get install -y chromium\n`
    )
    const reason = 'Chromium not installed (apt-get install -y chromium)'
    suite.onTest((test) => test.skip(true, reason))
    suite.onGroup((group) => group.tap((test) => test.skip(true, reason)))
  }
}
