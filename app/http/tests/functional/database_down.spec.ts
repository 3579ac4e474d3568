import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'

/** A port nothing listens on (taken from the system, then let go) */
async function unusedPort() {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

/*
| The web server as its own process (as `node bin/server.js` runs in
| production), with PostgreSQL configured on a port where nothing listens:
| what a load balancer and a browser see while the database is down.
*/
test.group('The database is down', () => {
  test('ready answers 503 without details, and pages answer 503, not 200', async ({ assert }) => {
    const [port, databasePort] = [await unusedPort(), await unusedPort()]
    const env: Record<string, string | undefined> = {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      DB_CONNECTION: 'postgres',
      PG_HOST: '127.0.0.1',
      PG_PORT: String(databasePort),
      PG_USER: 'nobody',
      PG_DB_NAME: 'nothing_here',
    }
    delete env.REDIS_HOST
    const server = spawn(process.execPath, ['--import', '@poppinss/ts-exec', 'bin/server.ts'], {
      cwd: app.makePath(),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let log = ''
    server.stdout.on('data', (chunk) => (log += chunk))
    server.stderr.on('data', (chunk) => (log += chunk))
    const base = `http://127.0.0.1:${port}`
    try {
      let live: Response | undefined
      for (let attempt = 0; attempt < 150 && !live; attempt++) {
        live = await fetch(`${base}/health/live`).catch(() => undefined)
        if (!live) await sleep(100)
      }
      assert.equal(live?.status, 200, log)

      const ready = await fetch(`${base}/health/ready`)
      assert.equal(ready.status, 503)
      const report = (await ready.json()) as { status: string; checks: Record<string, unknown>[] }
      assert.equal(report.status, 'error')
      const database = report.checks.find((check) => String(check.name).startsWith('Database'))
      assert.deepEqual(database, { name: 'Database health check (postgres)', status: 'error' })
      assert.notInclude(JSON.stringify(report), String(databasePort))
      assert.notInclude(JSON.stringify(report), 'ECONNREFUSED')

      for (const path of ['/', '/login']) {
        const page = await fetch(`${base}${path}`, { headers: { accept: 'text/html' } })
        assert.equal(page.status, 503, path)
        const text = await page.text()
        assert.include(text, 'ただいま表示できません', path)
        assert.notInclude(text, 'ECONNREFUSED', path)
      }
      // What went wrong is in the log, for the operator
      assert.include(log, 'ECONNREFUSED')
    } finally {
      server.kill('SIGTERM')
      if (server.exitCode === null) await once(server, 'exit')
    }
  }).timeout(20_000)
})
