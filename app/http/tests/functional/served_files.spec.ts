import { test } from '@japa/runner'
import { existsSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'
import { serveApp, type ServedApp } from '#tests/helpers/served_app'

/*
| `npm start` runs `node ace serve`: the Vite dev server inside the HTTP
| server. Only the front end's sources (and its packages) may come out of
| it; the database, CSV files, the outbox, the server's code and the
| project's settings never do, in development or production mode.
*/

async function statusOf(served: ServedApp, path: string) {
  const response = await get(served, path)
  return response.status
}

async function get(served: ServedApp, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${served.url}${path}`, { redirect: 'manual', headers })
  return {
    status: response.status,
    text: await response.text(),
    type: response.headers.get('content-type') ?? '',
  }
}

/** Files that exist on disk while the server runs, and must not be served */
async function secretPaths(served: ServedApp, probe: string) {
  const db = served.databaseFile
  const absoluteDb = app.makePath(db)
  for (const file of [db, `${db}-wal`, `tmp/csv_jobs/${probe}.csv`, `tmp/outbox/${probe}.json`]) {
    if (!existsSync(app.makePath(file))) throw new Error(`${file} should exist for this test`)
  }
  return [
    `/${db}`,
    `/${db}-wal`,
    `/${db}?raw`,
    `/${db}?import`,
    `/${db}?url`,
    `/@fs${absoluteDb}`,
    `/@fs${absoluteDb}?raw`,
    `/@fs${absoluteDb}-wal`,
    `/tmp/csv_jobs/${probe}.csv`,
    `/tmp/csv_jobs/${probe}.csv?raw`,
    `/tmp/outbox/${probe}.json`,
    `/tmp/outbox/${probe}.json?import`,
    '/app/identity/user.ts',
    '/app/identity/user.ts?raw',
    '/app/identity/user.ts?import',
    `/@fs${app.makePath('app/identity/user.ts')}`,
    '/@id/app/identity/user.ts',
    '/start/env.ts',
    '/config/database.ts',
    '/plugins/sample_program/plugin.ts',
    '/package.json',
    '/package.json?raw',
    '/package.json?import',
    '/.env.test',
    '/.env.example',
    '/.env.test?raw',
    '/vite.config.ts',
  ]
}

test.group('Served files: what `npm start` lets out', (group) => {
  const probe = randomBytes(16).toString('hex')
  let development: ServedApp
  let production: ServedApp

  group.setup(async () => {
    await mkdir(app.tmpPath('csv_jobs'), { recursive: true })
    await writeFile(app.tmpPath(`csv_jobs/${probe}.csv`), '利用者ID,氏名\nMN-000001,港 花子\n')
    await mkdir(app.tmpPath('outbox'), { recursive: true })
    await writeFile(
      app.tmpPath(`outbox/${probe}.json`),
      JSON.stringify({ to: 'probe@example.jp', subject: 'probe', text: 'https://reset/secret' })
    )
    ;[development, production] = await Promise.all([
      serveApp('dev', 'development'),
      serveApp('prod', 'production'),
    ])
    return async () => {
      await Promise.all([development?.stop(), production?.stop()])
      await rm(app.tmpPath(`csv_jobs/${probe}.csv`), { force: true })
      await rm(app.tmpPath(`outbox/${probe}.json`), { force: true })
    }
  })

  for (const mode of ['development', 'production'] as const) {
    test(`${mode}: the database, CSV files, outbox, server code and settings answer 404`, async ({
      assert,
    }) => {
      const served = mode === 'development' ? development : production
      const leaks: string[] = []
      for (const path of await secretPaths(served, probe)) {
        const response = await get(served, path)
        if (response.status !== 404 || response.text.includes('SQLite format 3')) {
          leaks.push(`${path} → ${response.status}`)
        }
      }
      assert.deepEqual(leaks, [])
    }).timeout(120_000)

    test(`${mode}: the front end still loads through Vite`, async ({ assert }) => {
      const served = mode === 'development' ? development : production
      const page = await get(served, '/login')
      assert.equal(page.status, 200)
      assert.include(page.text, '/resources/js/app.ts')

      // The entry and the packages it imports (pre-bundled by Vite). When
      // Vite re-bundles them meanwhile (another server shares its cache) it
      // answers 504 and the browser reloads: so does this test.
      let statuses: string[] = []
      for (let attempt = 0; attempt < 10; attempt++) {
        const entry = await get(served, '/resources/js/app.ts')
        assert.equal(entry.status, 200)
        assert.include(entry.type, 'javascript')
        assert.include(entry.text, 'createInertiaApp')
        const imports = [...entry.text.matchAll(/from "(\/node_modules\/[^"]+)"/g)].map((m) => m[1])
        assert.isAbove(imports.length, 0)
        statuses = []
        for (const path of imports) statuses.push(`${path} ${await statusOf(served, path)}`)
        if (!statuses.some((status) => status.endsWith(' 504'))) break
        await sleep(2000)
      }
      assert.isTrue(
        statuses.every((status) => status.endsWith(' 200')),
        statuses.join('\n')
      )
      for (const path of [
        '/@vite/client',
        '/resources/css/app.css',
        '/resources/js/layouts/app_shell.vue',
        '/plugins/sample_program/ui/pages/notes.vue',
        '/favicon.svg',
      ]) {
        assert.equal(await statusOf(served, path), 200, path)
      }
    }).timeout(120_000)
  }

  test('development: the outbox opens on this machine only', async ({ assert }) => {
    const local = await get(development, '/dev/outbox')
    assert.equal(local.status, 200)
    assert.include(local.text, 'probe@example.jp')

    // Through a proxy on this machine, for someone else (X-Forwarded-For
    // is trusted from loopback only)
    const forwarded = await get(development, '/dev/outbox', {
      'X-Forwarded-For': '203.0.113.7',
    })
    assert.equal(forwarded.status, 404)
    assert.notInclude(forwarded.text, 'probe@example.jp')
  }).timeout(60_000)

  test('production: there is no outbox, even on this machine', async ({ assert }) => {
    const response = await get(production, '/dev/outbox')
    assert.equal(response.status, 404)
    assert.notInclude(response.text, 'probe@example.jp')
  }).timeout(60_000)

  test('the demo relying party (app/demo_rp) is served in development, never in production', async ({
    assert,
  }) => {
    for (const path of ['/demo-rp', '/demo-rp/sign-in', '/demo-rp/callback?code=x&state=y']) {
      const response = await get(production, path)
      assert.equal(response.status, 404, path)
      assert.notInclude(response.text, 'tomoni-demo-rp', path)
    }
    const page = await get(development, '/demo-rp')
    assert.equal(page.status, 200)
    assert.include(page.text, 'tomoni-demo-rp')
  }).timeout(60_000)
})
