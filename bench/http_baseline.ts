/*
| The trivial-route ceiling: requests per second and p99 latency of
| `/health/live` (and of any other paths in BENCH_HTTP_PATHS, comma
| separated) with autocannon, 32 connections for 10 s by default, against
| the HTTP server started as its own process (bin/server.ts) on its own
| port and database. Requests carry no cookie, like a load balancer's
| probe. After the run it prints how many rows the `sessions` table holds:
| a route that needs no session must leave none behind.
| Run with bench/http_baseline.sh (a fresh database per run).
*/
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { withApp } from './boot.js'
import { startBenchServer } from './bench_server.js'

const PATHS = (process.env.BENCH_HTTP_PATHS ?? '/health/live').split(',').filter(Boolean)
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 32)
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10)
const port = Number(process.env.PORT)
const base = `http://127.0.0.1:${port}`

type AutocannonResult = {
  requests: { average: number; total: number }
  latency: { average: number; p50: number; p99: number; max: number }
  non2xx: number
  errors: number
  timeouts: number
}

async function cannon(path: string): Promise<AutocannonResult> {
  const child = spawn(
    'autocannon',
    ['--json', '-c', String(CONNECTIONS), '-d', String(SECONDS), `${base}${path}`],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  )
  let json = ''
  child.stdout.on('data', (chunk) => (json += chunk))
  const [code] = await once(child, 'exit')
  if (code !== 0) throw new Error(`autocannon exited with ${code}`)
  return JSON.parse(json) as AutocannonResult
}

const server = await startBenchServer(base)

try {
  await withApp(async () => {
    const { default: db } = await import('@adonisjs/lucid/services/db')
    const sessions = async () => {
      const [row] = await db.from('sessions').count('* as total')
      return Number(row.total)
    }
    const dialect = db.connection().dialect.name
    console.log(`${dialect}: ${CONNECTIONS} connections, ${SECONDS} s per path, no cookies`)
    for (const path of PATHS) {
      const before = await sessions()
      const result = await cannon(path)
      const after = await sessions()
      console.log(
        [
          `  ${path}`,
          `${result.requests.average.toFixed(0)} req/s`,
          `p50 ${result.latency.p50} ms`,
          `p99 ${result.latency.p99} ms`,
          `max ${result.latency.max} ms`,
          `${result.requests.total} requests`,
          `non-2xx ${result.non2xx}`,
          `errors ${result.errors + result.timeouts}`,
          `sessions rows ${before} -> ${after}`,
        ].join(', ')
      )
    }
  })
} finally {
  await server.stop()
}
