/*
| Signs in as the demo resident, then loads the home page with 32
| connections and, back to back, /health/live of the same server (the
| anchor), twice each; prints the medians and one BENCH line.
*/
import autocannon from 'autocannon'

const base = process.env.APP_URL
const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32)
const db = process.env.DB_CONNECTION

/** Cookies as a browser keeps them, from Set-Cookie headers */
function cookiesOf(response, jar = new Map()) {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';')
    const [name, ...value] = pair.split('=')
    jar.set(name, value.join('='))
  }
  return jar
}
const cookieHeader = (jar) => [...jar].map(([name, value]) => `${name}=${value}`).join('; ')

async function signIn() {
  const page = await fetch(`${base}/login`)
  const jar = cookiesOf(page)
  const response = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/json',
      'cookie': cookieHeader(jar),
      'x-xsrf-token': decodeURIComponent(jar.get('XSRF-TOKEN') ?? ''),
    },
    body: JSON.stringify({ email: 'hanako@example.jp', password: 'tomoni-demo-2026' }),
  })
  cookiesOf(response, jar)
  const home = await fetch(`${base}/`, {
    headers: { cookie: cookieHeader(jar) },
    redirect: 'manual',
  })
  if (home.status !== 200) throw new Error(`home answered ${home.status} after sign-in`)
  return cookieHeader(jar)
}

function load(path, headers = {}) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: `${base}${path}`, connections, duration: seconds, headers },
      (error, result) => (error ? reject(error) : resolve(result))
    )
  })
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

const cookie = await signIn()
const home = []
const live = []
for (let round = 0; round < 2; round++) {
  live.push(await load('/health/live'))
  home.push(await load('/', { cookie }))
}
for (const [label, runs] of [
  ['/health/live', live],
  ['home', home],
]) {
  for (const run of runs) {
    console.log(
      `${label}: ${run.requests.average.toFixed(0)} req/s, p99 ${run.latency.p99} ms, ` +
        `non-2xx ${run.non2xx}, errors ${run.errors}`
    )
  }
}
const homeRate = median(home.map((run) => run.requests.average))
const liveRate = median(live.map((run) => run.requests.average))
const homeP99 = median(home.map((run) => run.latency.p99))
const ratio = homeRate / liveRate
const failed = home.some((run) => run.non2xx > 0 || run.errors > 0)
console.log(
  `BENCH ${JSON.stringify({
    path: `resident home, ${connections} concurrent`,
    db,
    figure: `${homeRate.toFixed(0)} req/s, p99 ${homeP99} ms`,
    anchor: `/health/live ${liveRate.toFixed(0)} req/s`,
    ratio,
    goal: '≥ 35 %, p99 < 100 ms',
    met: !failed && ratio >= 0.35 && homeP99 < 100,
  })}`
)
