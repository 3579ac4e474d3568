/*
| `npm start`: the embedded default in one command. Prepares .env (with a
| fresh APP_KEY) on first run, migrates, seeds the demo data (idempotent),
| then serves on PORT (3333 unless .env or the environment says otherwise)
| with the Vite dev server.
| Running it again reuses .env and the SQLite file.
*/
import { spawnSync, spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { serverAddress } from './server_address.js'

const root = new URL('../', import.meta.url)
const envFile = new URL('.env', root)

if (!existsSync(envFile)) {
  const template = readFileSync(new URL('.env.example', root), 'utf8')
  const key = randomBytes(32).toString('base64url')
  writeFileSync(envFile, template.replace(/^APP_KEY=.*$/m, `APP_KEY=${key}`), { mode: 0o600 })
  console.log('Created .env with a new APP_KEY')
}

// The audit trail's HMAC key, beside APP_KEY: a new .env gets one, and so
// does an older .env written before the audit chain was keyed. A key that
// is there is never replaced (the chain was written with it).
const envText = readFileSync(envFile, 'utf8')
const auditKey = envText.match(/^AUDIT_HMAC_KEY=(.*)$/m)
if (!auditKey || auditKey[1].trim() === '') {
  const line = `AUDIT_HMAC_KEY=${randomBytes(32).toString('base64url')}`
  const updated = auditKey
    ? envText.replace(/^AUDIT_HMAC_KEY=.*$/m, line)
    : `${envText.trimEnd()}\n${line}\n`
  writeFileSync(envFile, updated, { mode: 0o600 })
  console.log('Added a new AUDIT_HMAC_KEY to .env')
}

function ace(...args) {
  const result = spawnSync(process.execPath, ['ace', ...args], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error(`\n"node ace ${args.join(' ')}" failed (exit ${result.status}).`)
    process.exit(result.status ?? 1)
  }
}

ace('migration:run', '--force')
ace('db:seed', '--files', './database/seeders/demo_seeder.ts')

const address = serverAddress(readFileSync(envFile, 'utf8'))
console.log(`\n  Tomoni is starting on ${address} (demo accounts listed above)\n`)

// Its own process group, so that stopping `npm start` also stops the HTTP
// server that `ace serve` starts as a grandchild.
const server = spawn(process.execPath, ['ace', 'serve'], {
  cwd: root,
  // No stdin: a background process group must not read the terminal.
  stdio: ['ignore', 'inherit', 'inherit'],
  detached: true,
})
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    try {
      process.kill(-server.pid, signal)
    } catch {
      // already gone
    }
  })
}
server.on('exit', (code) => process.exit(code ?? 0))
