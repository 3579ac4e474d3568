import { messagesOf } from '#tests/helpers/client_messages'
import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import iconv from 'iconv-lite'
import BrowserSession from '#tests/helpers/browser_session'
import { createSecondTenant } from '#tests/helpers/tenants'
import { settledCsvJob } from '#tests/helpers/csv_jobs'
import { aozoraExportJob } from '#tests/helpers/tenant_routes/provider_history'
import { detailsOf } from '#tests/helpers/staff_console'
import {
  HOME_HELP,
  POSTPARTUM,
  aozoraStation,
  grantLot,
  ledgerVisit,
  usageResident,
} from '#tests/helpers/usage_fixtures'
import { DEMO_PASSWORD } from '#database/demo_data'
import Municipality from '#tenancy/municipality'
import Resident from '#residents/resident'
import CsvJob from '#csv/csv_job'
import User from '#identity/user'
import { chainKeyFor } from '#audit/audit_event_input'

const HEADER = '利用者ID,氏,名,氏（カナ）,名（カナ）,電話番号,子の出産予定日,子の生年月日,多胎'
const CLEAN = [
  'CSV-1001,山田,花子,ヤマダ,ハナコ,090-1234-5678,令和8年12月1日,,0',
  'CSV-1002,佐藤,一郎,サトウ,イチロウ,,,,',
]
const WITH_ERRORS = [
  'CSV-2001,山田,花子,やまだ,ハナコ,,,,',
  'CSV-2002,佐藤,一郎,サトウ,イチロウ,12345,,,',
  'CSV-2003,鈴木,結衣,スズキ,ユイ,,2026/13/40,,',
]

function csvBytes(lines: string[], encoding: 'utf8_bom' | 'cp932' = 'utf8_bom') {
  const text = [HEADER, ...lines].map((line) => `${line}\r\n`).join('')
  return encoding === 'cp932' ? iconv.encode(text, 'cp932') : Buffer.from(`\uFEFF${text}`)
}

async function countOf(query: { count: (column: string) => any }) {
  const [row] = await query.count('* as total')
  return Number(row.$extras.total)
}

async function minato() {
  return Municipality.findByOrFail('slug', 'minato')
}

async function signedIn(client: ApiClient, email = 'staff@minato.example') {
  const browser = new BrowserSession(client)
  await browser.signIn(email, DEMO_PASSWORD)
  await browser.get('/m/minato/csv')
  return browser
}

/** A multipart upload as the page's form sends it, with the browser's cookies and CSRF token */
async function upload(
  client: ApiClient,
  browser: BrowserSession,
  bytes: Buffer,
  filename = 'residents.csv',
  slug = 'minato'
) {
  const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  return client
    .post(`/m/${slug}/csv/imports`)
    .redirects(0)
    .header('cookie', cookie)
    .header('x-xsrf-token', decodeURIComponent(browser.cookies.get('XSRF-TOKEN') ?? ''))
    .header('referer', `/m/${slug}/csv`)
    .file('file', bytes, { filename, contentType: 'text/csv' })
}

function jobIdFrom(location: string | undefined) {
  const match = /\/csv\/jobs\/(\d+)$/.exec(location ?? '')
  if (!match) throw new Error(`not redirected to a job: ${location}`)
  return Number(match[1])
}

/** Uploads, waits for the check, returns the job page's props */
async function previewed(client: ApiClient, browser: BrowserSession, bytes: Buffer) {
  const response = await upload(client, browser, bytes)
  response.assertStatus(302)
  const id = jobIdFrom(response.header('location'))
  await settledCsvJob(id)
  const page = await browser.get(`/m/minato/csv/jobs/${id}`)
  page.assertStatus(200)
  page.assertInertiaComponent('usage/staff/csv/show')
  return page.body().props.job
}

async function committed(browser: BrowserSession, previewId: number) {
  const response = await browser.post(`/m/minato/csv/jobs/${previewId}/commit`)
  response.assertStatus(302)
  const id = jobIdFrom(response.header('location'))
  await settledCsvJob(id)
  const page = await browser.get(`/m/minato/csv/jobs/${id}`)
  return page.body().props.job
}

async function exportJob(browser: BrowserSession, form: Record<string, unknown>) {
  const response = await browser.post('/m/minato/csv/exports', form)
  response.assertStatus(302)
  const id = jobIdFrom(response.header('location'))
  const job = await settledCsvJob(id)
  return job
}

async function auditActions(municipalityId: number, since: number) {
  const rows = await db
    .from('audit_events')
    .where('chain_key', chainKeyFor(municipalityId))
    .where('sequence', '>', since)
    .orderBy('sequence')
  return rows
}

async function lastSequence(municipalityId: number) {
  const row = await db
    .from('audit_events')
    .where('chain_key', chainKeyFor(municipalityId))
    .max('sequence as last')
    .first()
  return Number(row?.last ?? 0)
}

test.group('Staff CSV: import', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the page offers the upload, the exports and the recent jobs', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client)
    const page = await browser.get('/m/minato/csv')
    page.assertStatus(200)
    page.assertInertiaComponent('usage/staff/csv/index')
    const props = page.body().props
    assert.equal(props.maxMegabytes, 50)
    assert.includeMembers(
      props.formats.map((format: { value: string }) => format.value),
      [
        'facility_month',
        'facility_month_totals',
        'resident_history',
        'plugin:postpartum_support:facility_usage',
        'plugin:single_parent_home_help:provider_usage',
      ]
    )
    assert.include(
      props.facilities.map((facility: { name: string }) => facility.name),
      'あおぞら 芝浦ステーション'
    )
    assert.deepEqual(props.jobs, [])
  })

  test('a file with errors: every row error in Japanese and in English, and no commit', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client)
    const job = await previewed(client, browser, csvBytes(WITH_ERRORS))
    assert.equal(job.status, 'done')
    assert.equal(job.progress.percent, 100)
    const report = job.report
    assert.isFalse(report.canCommit)
    assert.equal(report.errorCount, 3)
    assert.deepEqual(
      report.problems.map((problem: { row: number; column: string }) => [
        problem.row,
        problem.column,
      ]),
      [
        [2, '氏（カナ）'],
        [3, '電話番号'],
        [4, '子の出産予定日'],
      ]
    )
    assert.match(report.problems[0].reason, /カタカナで入力してください/)
    assert.match(report.outcome, /エラーが3件あるため/)

    await browser.put('/locale', { locale: 'en' })
    const englishPage = await browser.get(`/m/minato/csv/jobs/${job.id}`)
    const english = englishPage.body().props.job.report
    assert.match(english.problems[0].reason, /katakana only/)
    assert.match(english.problems[2].reason, /cannot be read as a date|no such day/)
    assert.match(english.outcome, /Nothing was imported because of 3 errors/)

    // Committing is refused, and nothing is registered
    const refused = await browser.post(`/m/minato/csv/jobs/${job.id}/commit`)
    refused.assertStatus(302)
    assert.match(refused.header('location') ?? '', new RegExp(`/csv/jobs/${job.id}$`))
    assert.equal(await countOf(CsvJob.query().where('kind', 'resident_import_commit')), 0)
    assert.isNull(await Resident.findBy('residentNumber', 'CSV-2002'))
  })

  test('a clean file: preview, commit, residents exist; the same file again changes nothing', async ({
    client,
    assert,
  }) => {
    const city = await minato()
    const browser = await signedIn(client)
    const preview = await previewed(client, browser, csvBytes(CLEAN, 'cp932'))
    assert.isTrue(preview.report.canCommit)
    assert.equal(preview.report.toCreate, 2)
    assert.equal(preview.report.encoding, 'Shift_JIS（CP932）')
    assert.isNull(await Resident.findBy('residentNumber', 'CSV-1001'))

    const before = await lastSequence(city.id)
    const result = await committed(browser, preview.id)
    assert.equal(result.kind, 'resident_import_commit')
    assert.equal(result.status, 'done')
    assert.isTrue(result.report.committed)
    assert.equal(result.report.outcome, '登録しました（新規 2 件、更新 0 件、変更なし 0 件）。')
    const hanako = await Resident.findByOrFail('residentNumber', 'CSV-1001')
    assert.equal(hanako.municipalityId, city.id)
    assert.equal(hanako.phone, '090-1234-5678')
    const events = await auditActions(city.id, before)
    const imported = events.find((event) => event.action === 'residents.imported')
    const staff = await User.findByOrFail('email', 'staff@minato.example')
    assert.equal(Number(imported.actor_user_id), staff.id)
    assert.equal(imported.destination, `csv_job:${result.id}`)

    // Clicking again goes to the same commit
    const again = await browser.post(`/m/minato/csv/jobs/${preview.id}/commit`)
    assert.equal(jobIdFrom(again.header('location')), result.id)

    const secondPreview = await previewed(client, browser, csvBytes(CLEAN, 'cp932'))
    assert.equal(secondPreview.report.unchanged, 2)
    const second = await committed(browser, secondPreview.id)
    assert.equal(second.report.outcome, 'すべて登録済みの内容と同じでした。何も変更していません。')
    assert.equal(await countOf(Resident.query().where('resident_number', 'CSV-1001')), 1)
  })

  test("an import job's page shows residents' data: each view is audited", async ({
    client,
    assert,
  }) => {
    const city = await minato()
    const browser = await signedIn(client)
    const job = await previewed(client, browser, csvBytes(WITH_ERRORS))
    const before = await lastSequence(city.id)
    for (let view = 0; view < 2; view++) {
      const page = await browser.get(`/m/minato/csv/jobs/${job.id}`)
      page.assertStatus(200)
    }
    const events = await auditActions(city.id, before)
    const viewed = events.filter((event) => event.action === 'csv_job.viewed')
    assert.lengthOf(viewed, 2)
    const staff = await User.findByOrFail('email', 'staff@minato.example')
    assert.equal(Number(viewed[0].actor_user_id), staff.id)
    assert.equal(viewed[0].actor_role, 'municipal_staff')
    assert.equal(viewed[0].purpose, 'resident_import')
    assert.equal(viewed[0].destination, 'tenant.csv.jobs.show')
    assert.deepInclude(detailsOf(viewed[0]), {
      csv_job_id: job.id,
      kind: 'resident_import_preview',
      rows: job.report.rows,
    })
  })

  test("the progress bar's poll of a job at work is not recorded; the poll that brings its rows is", async ({
    client,
    assert,
  }) => {
    const city = await minato()
    const browser = await signedIn(client)
    const job = await previewed(client, browser, csvBytes(WITH_ERRORS))
    const url = `/m/minato/csv/jobs/${job.id}`
    const poll = () => browser.reload(url, 'usage/staff/csv/show', ['job'])
    const viewedSince = async (sequence: number) => {
      const events = await auditActions(city.id, sequence)
      return events.filter((event) => event.action === 'csv_job.viewed')
    }

    await CsvJob.query().where('id', job.id).update({ status: 'running' })
    const before = await lastSequence(city.id)
    for (let second = 0; second < 3; second++) {
      const polled = await poll()
      polled.assertStatus(200)
      assert.equal(polled.body().props.job.status, 'running')
    }
    assert.lengthOf(await viewedSince(before), 0)

    // Finished: the next poll shows the rows and their errors, on the record
    await CsvJob.query().where('id', job.id).update({ status: 'done' })
    const finished = await poll()
    assert.equal(finished.body().props.job.report.rows, job.report.rows)
    assert.lengthOf(await viewedSince(before), 1)
  })

  test("a provider's export is not a staff job: 404 on the staff pages, audited", async ({
    client,
    assert,
  }) => {
    const city = await minato()
    const browser = await signedIn(client)
    const providerJob = await aozoraExportJob(city)
    const before = await lastSequence(city.id)
    const response = await browser.get(`/m/minato/csv/jobs/${providerJob.id}`)
    response.assertStatus(404)
    const events = await auditActions(city.id, before)
    assert.deepEqual(
      events.map((event) => [event.action, event.outcome]),
      [['csv_job.not_found', 'denied']]
    )
  })

  test('a ward-sized file of more than 5 MB goes through the console; the rows are the guard', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client)
    // 8.4 MB, as a ward's yearly file in CP932: one resident whose name is
    // far too long, so the check answers quickly with a row error
    const bytes = iconv.encode(
      `${HEADER}\r\nMN-900001,港,${'長'.repeat(4_200_000)},ミナト,ハナコ,,,,\r\n`,
      'cp932'
    )
    assert.isAbove(bytes.length, 8 * 1024 * 1024)
    const job = await previewed(client, browser, bytes)
    assert.equal(job.status, 'done')
    assert.isAbove(job.report.errorCount, 0)
  }).timeout(60_000)

  test('no CSV, too large, empty or no file: refused with the reason, nothing started', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client)
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])
    const cases: [Buffer, RegExp][] = [
      [png, /CSVファイルではありません/],
      [Buffer.alloc(50.5 * 1024 * 1024, 0x41), /ファイルが大きすぎます|50 ?MB/],
      [Buffer.alloc(0), /空です|空の/],
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), /Excel/],
    ]
    for (const [bytes, reason] of cases) {
      const response = await upload(client, browser, bytes, 'data.csv')
      response.assertStatus(302)
      assert.equal(response.header('location'), '/m/minato/csv')
      const page = await browser.get('/m/minato/csv')
      assert.match(page.body().props.errors.file, reason)
    }
    // Far larger files stop at the body parser, with the same reason
    const huge = await upload(client, browser, Buffer.alloc(52 * 1024 * 1024, 0x41))
    huge.assertStatus(413)
    assert.include(huge.text(), '"kind":"too_large"')
    const messages = await messagesOf(client, await browser.get('/m/minato/csv'))
    assert.include(messages['ui.errors.too_large.body'], '50MB以下のファイルを選んでください')

    const missing = await browser.post('/m/minato/csv/imports', {})
    missing.assertStatus(302)
    const page = await browser.get('/m/minato/csv')
    assert.match(page.body().props.errors.file, /CSVファイル/)
    assert.equal(await countOf(CsvJob.query()), 0)
  })
})

test.group('Staff CSV: export and download', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function november() {
    const city = await minato()
    const { provider, facility } = await aozoraStation()
    const at = { providerId: provider.id, facilityId: facility.id }
    const mother = await usageResident(city, { familyName: '港', givenName: '花子' })
    await grantLot(city, mother, POSTPARTUM)
    await ledgerVisit(city, mother, POSTPARTUM, {
      service: 'home_helper',
      date: '2026-11-04',
      minutes: 120,
      ...at,
    })
    const parent = await usageResident(city, { familyName: '+芝', givenName: '太郎' })
    await grantLot(city, parent, HOME_HELP, 'VII')
    await ledgerVisit(city, parent, HOME_HELP, {
      service: 'childcare',
      date: '2026-11-06',
      minutes: 180,
      ...at,
    })
    return { city, facility, mother, parent }
  }

  async function download(browser: BrowserSession, job: CsvJob) {
    const file = await browser.download(`/m/minato/csv/jobs/${job.id}/download`)
    assert200(file.status)
    return file
  }

  function assert200(status: number) {
    if (status !== 200) throw new Error(`download answered ${status}`)
  }

  test('施設別利用実績 in CP932: file name per RFC 6266, content, download audited', async ({
    client,
    assert,
  }) => {
    const { city } = await november()
    const browser = await signedIn(client)
    const before = await lastSequence(city.id)
    const job = await exportJob(browser, {
      format: 'facility_month',
      month: '2026-11',
      encoding: 'cp932',
    })
    assert.equal(job.status, 'done')
    assert.equal(job.kind, 'export_facility_month')

    const jobPage = await browser.get(`/m/minato/csv/jobs/${job.id}`)
    const page = jobPage.body().props.job
    assert.isTrue(page.downloadable)
    assert.equal(page.rows, 2)

    const file = await download(browser, job)
    assert.equal(file.headers.get('content-type'), 'text/csv; charset=Shift_JIS')
    assert.equal(
      file.headers.get('content-disposition'),
      `attachment; filename="facility_usage_${city.code}_2026-11.csv"; ` +
        `filename*=UTF-8''${encodeURIComponent(`施設別利用実績_${city.code}_2026-11.csv`)}`
    )
    const text = iconv.decode(file.body, 'cp932')
    const lines = text.trimEnd().split('\r\n')
    assert.equal(lines.length, 3)
    assert.match(lines[0], /^施設,事業者,利用日,開始時刻,利用者ID,氏名,事業,サービス/)
    assert.include(lines[1], '港 花子')
    assert.include(lines[2], "'+芝 太郎")
    // Tier VII: ¥1,290 an hour, three hours
    assert.match(lines[2], /,3,2025-04,VII,3870,/)

    const events = await auditActions(city.id, before)
    const requested = events.find((event) => event.action === 'csv.export_requested')
    assert.include(requested.details, '"format":"facility_month"')
    assert.include(requested.details, '"encoding":"cp932"')
    const downloaded = events.find((event) => event.action === 'csv.downloaded')
    assert.equal(downloaded.destination, `file:施設別利用実績_${city.code}_2026-11.csv`)
    assert.equal(downloaded.actor_role, 'municipal_staff')
  })

  test('a municipality that writes dates in 和暦 gets its visit days so in the file', async ({
    client,
    assert,
  }) => {
    const { city } = await november()
    await city.merge({ dateStyle: 'japanese_era' }).save()
    const browser = await signedIn(client)
    const job = await exportJob(browser, {
      format: 'facility_month',
      month: '2026-11',
      encoding: 'cp932',
    })
    const file = await download(browser, job)
    const lines = iconv.decode(file.body, 'cp932').trimEnd().split('\r\n')
    assert.include(lines[1], ',令和8年11月4日,')
    assert.include(lines[2], ',令和8年11月6日,')
    assert.notInclude(lines.join('\n'), '2026-11-0')
  })

  test('CP932: characters it cannot hold are named on the job page before the download', async ({
    client,
    assert,
  }) => {
    const { city, facility } = await november()
    const yoshida = await usageResident(city, { familyName: '𠮷田', givenName: '剝子' })
    await grantLot(city, yoshida, POSTPARTUM)
    await ledgerVisit(city, yoshida, POSTPARTUM, {
      service: 'home_helper',
      date: '2026-11-10',
      minutes: 60,
      providerId: facility.providerId,
      facilityId: facility.id,
    })
    const browser = await signedIn(client)
    const job = await exportJob(browser, {
      format: 'facility_month',
      month: '2026-11',
      encoding: 'cp932',
    })
    const jobPage = await browser.get(`/m/minato/csv/jobs/${job.id}`)
    const shown = jobPage.body().props.job
    assert.isTrue(shown.downloadable)
    assert.match(
      shown.replaced,
      /^CP932（Shift_JIS）で書けない文字 2 文字を「\?」に置き換えました（𠮷、剝）。該当する行：\d+。/
    )
    const file = await download(browser, job)
    const lines = iconv.decode(file.body, 'cp932').trimEnd().split('\r\n')
    const line = lines.findIndex((text) => text.includes('?田 ?子')) + 1
    assert.isAbove(line, 1)
    assert.include(shown.replaced, `該当する行：${line}。`)

    // In UTF-8 nothing is replaced, and nothing is said
    const utf8 = await exportJob(browser, {
      format: 'facility_month',
      month: '2026-11',
      encoding: 'utf8_bom',
    })
    const utf8Page = await browser.get(`/m/minato/csv/jobs/${utf8.id}`)
    assert.isNull(utf8Page.body().props.job.replaced)
  })

  test('totals, resident history and each plugin format download with their content', async ({
    client,
    assert,
  }) => {
    const { city, mother } = await november()
    const browser = await signedIn(client, 'admin@minato.example')

    const totals = await exportJob(browser, {
      format: 'facility_month_totals',
      month: '2026-11',
      encoding: 'utf8_bom',
    })
    const totalsFile = await download(browser, totals)
    const totalsText = totalsFile.body.toString('utf8')
    assert.isTrue(totalsText.startsWith('\uFEFF施設,事業者,事業,サービス,件数'))
    assert.include(totalsText, '育児援助,1,3,3870')

    const before = await lastSequence(city.id)
    const history = await exportJob(browser, {
      format: 'resident_history',
      resident_number: mother.residentNumber,
      encoding: 'utf8_bom',
    })
    assert.equal(history.fileName, `利用履歴_${city.code}_${mother.residentNumber}.csv`)
    const historyFile = await download(browser, history)
    const historyText = historyFile.body.toString('utf8')
    assert.include(historyText, '交付')
    assert.include(historyText, '2026-11-04')
    const audited = await auditActions(city.id, before)
    for (const action of ['csv.export_requested', 'csv.downloaded']) {
      const event = audited.find((candidate) => candidate.action === action)
      assert.equal(Number(event.subject_resident_id), mother.id, action)
    }

    const postpartum = await exportJob(browser, {
      format: 'plugin:postpartum_support:facility_usage',
      month: '2026-11',
      encoding: 'utf8_bom',
    })
    assert.equal(postpartum.kind, 'export_plugin_postpartum_support')
    const postpartumFile = await download(browser, postpartum)
    const postpartumText = postpartumFile.body.toString('utf8')
    assert.isTrue(
      postpartumText.startsWith('\uFEFF利用日,開始時刻,利用者ID,氏名,サービス,利用時間')
    )
    assert.include(postpartumText, '家事支援（ホームヘルパー）')
    assert.notInclude(postpartumText, '育児援助')

    const homeHelp = await exportJob(browser, {
      format: 'plugin:single_parent_home_help:provider_usage',
      month: '2026-11',
      encoding: 'cp932',
    })
    const homeHelpFile = await download(browser, homeHelp)
    const homeHelpText = iconv.decode(homeHelpFile.body, 'cp932')
    assert.include(homeHelpText, '自己負担額（円）')
    assert.include(homeHelpText, ',VII,3870,')
  })

  test('the form is checked: month, resident, facility and format', async ({ client, assert }) => {
    const browser = await signedIn(client)
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ format: 'facility_month', encoding: 'utf8_bom' }, 'month', /対象月/],
      [{ format: 'facility_month', month: '2026-13', encoding: 'utf8_bom' }, 'month', /形式/],
      [{ format: 'resident_history', encoding: 'utf8_bom' }, 'resident_number', /利用者ID/],
      [
        { format: 'resident_history', resident_number: 'NOPE-1', encoding: 'utf8_bom' },
        'resident_number',
        /登録されていません/,
      ],
      [
        { format: 'facility_month', month: '2026-11', facility: 999999, encoding: 'utf8_bom' },
        'facility',
        /選べません/,
      ],
      [{ format: 'plugin:nope:x', month: '2026-11', encoding: 'utf8_bom' }, 'format', /選べません/],
      [
        { format: 'facility_month', month: '2026-11', encoding: 'latin1' },
        'encoding',
        /文字コード/,
      ],
    ]
    for (const [form, field, message] of cases) {
      const response = await browser.post('/m/minato/csv/exports', form)
      response.assertStatus(302)
      const page = await browser.get('/m/minato/csv')
      assert.match(page.body().props.errors[field] ?? '', message, JSON.stringify(form))
    }
    assert.equal(await countOf(CsvJob.query()), 0)
  })

  test('a resident of another municipality cannot be exported from here', async ({
    client,
    assert,
  }) => {
    const { municipality: shinjuku } = await createSecondTenant()
    const outsider = await usageResident(shinjuku)
    const browser = await signedIn(client)
    await browser.post('/m/minato/csv/exports', {
      format: 'resident_history',
      resident_number: outsider.residentNumber,
      encoding: 'utf8_bom',
    })
    const page = await browser.get('/m/minato/csv')
    assert.match(page.body().props.errors.resident_number, /登録されていません/)
  })
})

test.group('Staff CSV: who may', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('providers and residents get 403 on every CSV action, audited', async ({
    client,
    assert,
  }) => {
    const city = await minato()
    for (const email of ['owner@aozora.example', 'helper@aozora.example', 'hanako@example.jp']) {
      const browser = new BrowserSession(client)
      await browser.signIn(email, DEMO_PASSWORD)
      await browser.get('/')
      const page = await browser.get('/m/minato/csv')
      page.assertStatus(403)
      const exported = await browser.post('/m/minato/csv/exports', {
        format: 'facility_month',
        month: '2026-11',
        encoding: 'utf8_bom',
      })
      // A refused form post goes back with the translated 403 message
      assert.oneOf(exported.status(), [302, 403], email)
      const before = await lastSequence(city.id)
      const uploaded = await upload(client, browser, csvBytes(CLEAN))
      assert.oneOf(uploaded.status(), [302, 403], email)
      const [denied] = await auditActions(city.id, before)
      assert.equal(denied.action, 'authz.denied')
      assert.equal(denied.destination, 'tenant.csv.imports.store')
    }
    assert.equal(await countOf(CsvJob.query()), 0)
    assert.isNull(await Resident.findBy('residentNumber', 'CSV-1001'))
  })

  test("another municipality's job is 404, even to its own staff at their own address", async ({
    client,
  }) => {
    const browser = await signedIn(client)
    const job = await exportJob(browser, {
      format: 'facility_month',
      month: '2026-11',
      encoding: 'utf8_bom',
    })
    const { admin } = await createSecondTenant()
    const intruder = new BrowserSession(client)
    await intruder.signIn(admin.email, DEMO_PASSWORD)
    await intruder.get('/m/shinjuku/csv')
    for (const path of [
      `/m/shinjuku/csv/jobs/${job.id}`,
      `/m/shinjuku/csv/jobs/${job.id}/download`,
    ]) {
      const response = await intruder.get(path)
      response.assertStatus(404)
    }
    const commit = await intruder.post(`/m/shinjuku/csv/jobs/${job.id}/commit`)
    commit.assertStatus(404)
  })
})
