import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'

/**
 * An ace command as an operator runs it on a server with no .env (an empty
 * ENV_PATH folder): the database settings and the keys only, no PORT,
 * HOST, APP_URL, LOG_LEVEL or SESSION_DRIVER.
 */
async function runWithoutWebEnv(args: string[]) {
  const emptyFolder = await mkdtemp(join(tmpdir(), 'tomoni-no-env-'))
  const pick = (names: string[]) =>
    Object.fromEntries(names.filter((name) => process.env[name]).map((n) => [n, process.env[n]]))
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ENV_PATH: emptyFolder,
    NODE_ENV: 'production',
    APP_KEY: 'an-operator-key-0123456789abcdef',
    AUDIT_HMAC_KEY: process.env.AUDIT_HMAC_KEY,
    ...pick(['DB_CONNECTION', 'SQLITE_FILE', 'PG_HOST', 'PG_PORT', 'PG_USER', 'PG_PASSWORD']),
    ...pick(['PG_DB_NAME', 'PG_SSL']),
  }
  try {
    const child = spawn(process.execPath, ['ace', ...args], {
      cwd: app.makePath(),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const [code] = await once(child, 'exit')
    return { code: code as number, output }
  } finally {
    await rm(emptyFolder, { recursive: true, force: true })
  }
}

test.group('Operator commands without the web settings', () => {
  test('ledger:verify runs with the database settings and keys only; queue:work, which mails links, asks for APP_URL', async ({
    assert,
  }) => {
    const [verify, worker] = await Promise.all([
      runWithoutWebEnv(['ledger:verify']),
      runWithoutWebEnv(['queue:work']),
    ])
    assert.equal(verify.code, 0, verify.output)
    assert.include(verify.output, 'Ledger consistent')
    assert.notInclude(verify.output, 'Missing environment variable')
    assert.equal(worker.code, 1, worker.output)
    assert.include(worker.output, 'Missing environment variable "APP_URL"')
  }).timeout(20_000)
})
