import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'

/**
 * The app served the way `npm start` serves it: `node ace serve` (the
 * Vite dev server mounted in the HTTP server) as a separate process, on a
 * free port, with its own migrated SQLite file under tmp/ (where
 * `npm start` keeps its database) and its own APP_KEY.
 */
export type ServedApp = {
  url: string
  databaseFile: string
  output: () => string
  stop: () => Promise<void>
}

export async function freePort() {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

export async function serveApp(name: string, nodeEnv: 'development' | 'production') {
  const folder = `tmp/served-${name}-${process.pid}`
  await rm(app.makePath(folder), { recursive: true, force: true })
  await mkdir(app.makePath(folder), { recursive: true })
  const databaseFile = `${folder}/app.sqlite3`
  const port = await freePort()
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: nodeEnv,
    PORT: String(port),
    HOST: 'localhost',
    APP_URL: `http://localhost:${port}`,
    APP_KEY: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
    DB_CONNECTION: 'sqlite',
    SQLITE_FILE: databaseFile,
    MAIL_MAILER: 'outbox',
    QUEUE_NAME: `tomoni-served-${name}-${process.pid}`,
  }
  delete env.REDIS_HOST

  const migration = spawnSync(process.execPath, ['ace', 'migration:run', '--force'], {
    cwd: app.makePath(),
    env,
    encoding: 'utf8',
  })
  if (migration.status !== 0) {
    throw new Error(`migration failed:\n${migration.stdout}\n${migration.stderr}`)
  }

  const child: ChildProcess = spawn(process.execPath, ['ace', 'serve'], {
    cwd: app.makePath(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: `ace serve` starts the HTTP server as a child
    detached: true,
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = once(child, 'exit')

  const url = `http://localhost:${port}`
  const stop = async () => {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {
        // already gone
      }
      await Promise.race([exited, sleep(10_000)])
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // gone
      }
    }
    await rm(app.makePath(folder), { recursive: true, force: true })
  }

  for (let waited = 0; ; waited += 250) {
    if (child.exitCode !== null) throw new Error(`ace serve exited:\n${output}`)
    if (waited > 120_000) {
      await stop()
      throw new Error(`ace serve did not answer in time:\n${output}`)
    }
    const ready = await fetch(`${url}/health/ready`).catch(() => null)
    if (ready?.status === 200) break
    await sleep(250)
  }
  return { url, databaseFile, output: () => output, stop } satisfies ServedApp
}
