import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { readdir, readFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import BrowserSession from '#tests/helpers/browser_session'
import { signedIn } from '#tests/helpers/staff_console'
import { settledCsvJob } from '#tests/helpers/csv_jobs'
import CsvJobs from '#csv/csv_jobs'
import CsvJob from '#csv/csv_job'

/*
| Files are accepted only by the resident CSV upload, only from signed-in
| staff; the request's temporary file is private and gone when the request
| ends, and the stored upload is deleted once no job needs it. A multipart
| body anywhere else is refused (415, translated) before anything is written.
*/

const HEADER = '利用者ID,氏,名,氏（カナ）,名（カナ）,電話番号,子の出産予定日,子の生年月日,多胎'

/** Folders a multipart body could land in */
const FOLDERS = [tmpdir(), app.tmpPath(), app.tmpPath('uploads'), CsvJobs.directory()]

/** Files written since `since` whose content holds the marker, in any of those folders */
async function filesWith(marker: string, since: number) {
  const found: string[] = []
  for (const folder of FOLDERS) {
    const names = await readdir(folder).catch(() => [] as string[])
    for (const name of names) {
      const path = join(folder, name)
      const info = await stat(path).catch(() => null)
      if (!info?.isFile() || info.mtimeMs < since || info.size > 8_000_000) continue
      const content = await readFile(path).catch(() => null)
      if (content?.includes(marker)) found.push(path)
    }
  }
  return found
}

/** A big file carrying a marker */
function payload(marker: string, megabytes = 2) {
  return Buffer.concat([Buffer.from(marker), Buffer.alloc(megabytes * 1024 * 1024, 'x')])
}

function multipart(
  client: ApiClient,
  browser: BrowserSession | null,
  url: string,
  bytes: Buffer,
  accept = 'text/html'
) {
  let request = client.post(url).redirects(0).header('accept', accept)
  if (browser) {
    request = request
      .header('cookie', [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; '))
      .header('x-xsrf-token', decodeURIComponent(browser.cookies.get('XSRF-TOKEN') ?? ''))
  }
  return request.field('email', 'a@example.jp').file('file', bytes, {
    filename: 'data.csv',
    contentType: 'text/csv',
  })
}

/** The job a redirect leads to */
function jobIdOf(response: { header(name: string): string | undefined }) {
  return Number(/\/csv\/jobs\/(\d+)$/.exec(response.header('location') ?? '')![1])
}

/** Staff upload a one-row CSV with this resident ID; returns the settled preview */
async function staffUpload(client: ApiClient, staff: BrowserSession, row: string) {
  const bytes = Buffer.from(`\uFEFF${HEADER}\r\n${row}\r\n`)
  const response = await multipart(client, staff, '/m/minato/csv/imports', bytes)
  response.assertStatus(302)
  return settledCsvJob(jobIdOf(response))
}

test.group('Uploads: only the CSV import, only signed in, nothing left behind', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a multipart body to the sign-in page: 415 in Japanese, no file written', async ({
    client,
    assert,
  }) => {
    const marker = `marker-${randomBytes(8).toString('hex')}`
    const since = Date.now() - 1000
    for (let i = 0; i < 3; i++) {
      const response = await multipart(client, null, '/login', payload(marker))
      response.assertStatus(415)
      assert.include(response.text(), 'ファイルはここには送れません')
    }
    const json = await multipart(client, null, '/register', payload(marker), 'application/json')
    json.assertStatus(415)
    assert.include(json.body().errors[0].message, 'ファイルはここには送れません')
    assert.deepEqual(await filesWith(marker, since), [])
  })

  test('signed in, a multipart body to any other route is refused too', async ({
    client,
    assert,
  }) => {
    const marker = `marker-${randomBytes(8).toString('hex')}`
    const since = Date.now() - 1000
    const resident = await signedIn(client, 'hanako@example.jp')
    const staff = await signedIn(client, 'staff@minato.example')
    const toChildren = await multipart(client, resident, '/m/minato/my/children', payload(marker))
    toChildren.assertStatus(415)
    const toExports = await multipart(client, staff, '/m/minato/csv/exports', payload(marker))
    toExports.assertStatus(415)
    assert.deepEqual(await filesWith(marker, since), [])
  })

  test('the CSV upload without a sign-in, or by a resident, writes nothing', async ({
    client,
    assert,
  }) => {
    const marker = `marker-${randomBytes(8).toString('hex')}`
    const since = Date.now() - 1000
    const anonymous = new BrowserSession(client)
    await anonymous.get('/login')
    const signedOut = await multipart(client, anonymous, '/m/minato/csv/imports', payload(marker))
    assert.oneOf(signedOut.status(), [302, 401])
    const resident = await signedIn(client, 'hanako@example.jp')
    const refused = await multipart(client, resident, '/m/minato/csv/imports', payload(marker))
    assert.oneOf(refused.status(), [302, 403, 404])
    assert.deepEqual(await filesWith(marker, since), [])
  })

  test("staff's upload: no temporary file after the request, the stored copy private and deleted after the job", async ({
    client,
    assert,
  }) => {
    const marker = `CSV-${randomBytes(4).toString('hex').toUpperCase()}`
    const since = Date.now() - 1000
    const staff = await signedIn(client, 'staff@minato.example')
    // A row with an error: the preview cannot be committed, so the upload is not needed after it
    const job = await staffUpload(client, staff, `${marker},山田,花子,やまだ,ハナコ,,,,`)
    assert.equal(job.status, 'done')
    assert.isAbove((job.result!.report as { errorCount: number }).errorCount, 0)
    assert.deepEqual(await filesWith(marker, since), [])
  })

  test('a clean upload is kept (0600) until its commit, then deleted', async ({
    client,
    assert,
  }) => {
    const marker = `CSV-${randomBytes(4).toString('hex').toUpperCase()}`
    const since = Date.now() - 1000
    const staff = await signedIn(client, 'staff@minato.example')
    const preview = await staffUpload(client, staff, `${marker},佐藤,一郎,サトウ,イチロウ,,,,`)
    const id = preview.id
    assert.equal(preview.status, 'done')

    const kept = await filesWith(marker, since)
    assert.deepEqual(kept, [CsvJobs.pathOf(String(preview.params.upload))])
    const info = await stat(kept[0])
    assert.equal(info.mode & 0o777, 0o600)

    await staff.get(`/m/minato/csv/jobs/${id}`)
    const commit = await staff.post(`/m/minato/csv/jobs/${id}/commit`)
    commit.assertStatus(302)
    const commitId = jobIdOf(commit)
    const done = await settledCsvJob(commitId)
    assert.equal(done.status, 'done')
    assert.deepEqual(await filesWith(marker, since), [])
    assert.isNotNull(await CsvJob.find(commitId))
  })
})
