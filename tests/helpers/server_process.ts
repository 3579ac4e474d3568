import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import { copyFile, mkdir, rm } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { freePort } from '#tests/helpers/served_app'

/*
| The production HTTP server (bin/server.ts) as its own process, the way an
| operator runs it, on a free port and its own SQLite file holding the full
| demo data (residents' visits and hours too), with the in-process queue
| and its log lines in a file of its own. For what only a real process
| shows: its log output, and what it does on SIGTERM.
*/

export type ServerProcess = {
  url: string
  databaseFile: string
  logFile: string
  child: ChildProcess
  exited: Promise<[number | null, NodeJS.Signals | null]>
  output: () => string
  /** A Lucid connection to the server's database, for reading what it did */
  database: () => ReturnType<typeof db.connection>
  stop: () => Promise<void>
}

const root = () => app.makePath()
let template: Promise<string> | undefined

function ace(args: string[], extraEnv: Record<string, string>) {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...extraEnv }
  delete childEnv.REDIS_HOST
  const result = spawnSync(process.execPath, ['ace', ...args], {
    cwd: root(),
    env: childEnv,
    encoding: 'utf8',
  })
  if (result.status !== 0) {
    throw new Error(`ace ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`)
  }
}

/**
 * A migrated SQLite file with the demo data as `npm start` seeds it, made
 * once per test run: a copy of the suite's database when it is SQLite
 * (migrated and seeded already), else migrated afresh; then the demo's
 * hours and visits, which the suite's seed leaves out.
 */
function demoTemplate() {
  template ??= (async () => {
    const folder = app.makePath(`tmp/server-process-${process.pid}`)
    await mkdir(folder, { recursive: true })
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }))
    const file = `${folder}/template.sqlite3`
    const sqliteEnv = { DB_CONNECTION: 'sqlite', SQLITE_FILE: file }
    if (db.connection().dialect.name === 'sqlite3') {
      await db.rawQuery(`VACUUM INTO '${file.replaceAll("'", "''")}'`)
    } else {
      ace(['migration:run', '--force'], { ...sqliteEnv, NODE_ENV: 'test' })
    }
    ace(['db:seed', '--files', './database/seeders/demo_seeder.ts'], {
      ...sqliteEnv,
      NODE_ENV: 'development',
    })
    return file
  })()
  return template
}

export async function startServerProcess(name: string): Promise<ServerProcess> {
  const folder = app.makePath(`tmp/server-process-${process.pid}/${name}`)
  await rm(folder, { recursive: true, force: true })
  await mkdir(folder, { recursive: true })
  const databaseFile = `${folder}/app.sqlite3`
  await copyFile(await demoTemplate(), databaseFile)
  const logFile = `${folder}/server.log`
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`

  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_URL: url,
    // The suite's keys: the demo staff's TOTP secrets are encrypted with APP_KEY
    APP_KEY: env.get('APP_KEY').release(),
    AUDIT_HMAC_KEY: env.get('AUDIT_HMAC_KEY').release(),
    AUDIT_ANCHOR_DIR: `${folder}/anchors`,
    DB_CONNECTION: 'sqlite',
    SQLITE_FILE: databaseFile,
    CSV_JOBS_DIR: `${folder}/csv_jobs`,
    MAIL_MAILER: 'outbox',
    LOG_LEVEL: 'debug',
    LOG_FILE: logFile,
    LOG_PRETTY: 'false',
  }
  delete childEnv.REDIS_HOST

  const child = spawn(process.execPath, ['--import', '@poppinss/ts-exec', 'bin/server.ts'], {
    cwd: root(),
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>

  const connectionName = `server_process_${name}`
  const database = () => {
    if (!db.manager.has(connectionName)) {
      const sqlite = app.config.get<Record<string, unknown>>('database.connections.sqlite')
      db.manager.add(connectionName, {
        ...sqlite,
        connection: { filename: databaseFile },
      } as never)
    }
    return db.connection(connectionName)
  }

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
    if (db.manager.has(connectionName)) await db.manager.close(connectionName, true)
    await rm(folder, { recursive: true, force: true })
  }

  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`the server exited:\n${output}`)
    if (waited > 30_000) {
      await stop()
      throw new Error(`the server did not answer in time:\n${output}`)
    }
    const live = await fetch(`${url}/health/live`).catch(() => null)
    if (live?.ok) break
    await sleep(100)
  }
  return { url, databaseFile, logFile, child, exited, output: () => output, database, stop }
}
