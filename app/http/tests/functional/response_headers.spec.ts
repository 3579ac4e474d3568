import { randomBytes } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import testUtils from '@adonisjs/core/services/test_utils'
import env from '#start/env'
import { signedIn } from '#tests/helpers/staff_console'
import { settledCsvJob } from '#tests/helpers/csv_jobs'

/*
| Privacy headers: no page's address leaks to other sites in full, the
| browser features a page may use are limited (the camera stays allowed for
| the app itself: residents scan a visit QR at /scan), and nothing a
| signed-in person saw (or downloaded) is kept in a browser's or proxy's cache.
*/

type Headers = { get(name: string): string | null | undefined }

function assertPrivacyHeaders(
  assert: import('@japa/assert').Assert,
  headers: Headers,
  options: { cache: boolean }
) {
  assert.equal(headers.get('referrer-policy'), 'strict-origin-when-cross-origin')
  const permissions = headers.get('permissions-policy') ?? ''
  assert.include(permissions, 'camera=(self)')
  for (const feature of ['microphone=()', 'geolocation=()', 'payment=()', 'usb=()']) {
    assert.include(permissions, feature)
  }
  if (options.cache) assert.include(headers.get('cache-control') ?? '', 'no-store')
}

function headersOf(response: { header(name: string): string | undefined }): Headers {
  return { get: (name) => response.header(name) }
}

test.group('Response headers: referrer, permissions, no-store', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the login page', async ({ client, assert }) => {
    const response = await client.get('/login')
    response.assertStatus(200)
    assertPrivacyHeaders(assert, headersOf(response), { cache: true })
  })

  test("a resident's home", async ({ client, assert }) => {
    const browser = await signedIn(client, 'hanako@example.jp')
    const response = await browser.get('/')
    response.assertStatus(200)
    assertPrivacyHeaders(assert, headersOf(response), { cache: true })
  })

  test("a staff page with residents' data", async ({ client, assert }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    const response = await browser.get('/m/minato/residents')
    response.assertStatus(200)
    assertPrivacyHeaders(assert, headersOf(response), { cache: true })
  })

  test('a CSV download', async ({ client, assert }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    const started = await browser.post('/m/minato/csv/exports', {
      format: 'facility_month',
      month: '2026-11',
      encoding: 'utf8_bom',
    })
    started.assertStatus(302)
    const id = Number(/\/csv\/jobs\/(\d+)$/.exec(started.header('location') ?? '')![1])
    const job = await settledCsvJob(id)
    assert.equal(job.status, 'done')
    const file = await browser.download(`/m/minato/csv/jobs/${id}/download`)
    assert.equal(file.status, 200)
    assert.include(file.headers.get('content-type') ?? '', 'text/csv')
    assertPrivacyHeaders(assert, file.headers, { cache: true })
  })

  test('a 404 and a static asset carry the referrer and permissions policies too', async ({
    assert,
  }) => {
    const base = `http://${env.get('HOST')}:${env.get('PORT')}`
    const missing = await fetch(`${base}/no-such-page`)
    assert.equal(missing.status, 404)
    assertPrivacyHeaders(assert, missing.headers, { cache: true })
    const asset = await fetch(`${base}/favicon.svg`)
    assert.equal(asset.status, 200)
    assertPrivacyHeaders(assert, asset.headers, { cache: false })
  })

  test('built assets (hashed names) are kept for good; other public files are revalidated', async ({
    assert,
    cleanup,
  }) => {
    const base = `http://${env.get('HOST')}:${env.get('PORT')}`
    // What `node ace build` writes: public/assets/<name>-<hash>.js
    const name = `probe-${randomBytes(4).toString('hex')}.js`
    const file = app.publicPath('assets', name)
    await mkdir(app.publicPath('assets'), { recursive: true })
    await writeFile(file, 'export {}\n')
    cleanup(() => rm(file, { force: true }))

    const built = await fetch(`${base}/assets/${name}`)
    assert.equal(built.status, 200)
    assert.equal(built.headers.get('cache-control'), 'public, max-age=31536000, immutable')
    const icon = await fetch(`${base}/favicon.svg`)
    assert.equal(icon.headers.get('cache-control'), 'public, max-age=0')
  })
})
