import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import iconv from 'iconv-lite'
import { parse } from 'csv-parse/sync'
import type BrowserSession from '#tests/helpers/browser_session'
import { settledCsvJob } from '#tests/helpers/csv_jobs'
import { events, lastAuditEventId, signedIn } from '#tests/helpers/staff_console'
import { minato } from '#tests/helpers/programs'
import { createSecondTenant } from '#tests/helpers/tenants'
import { aozoraExportJob, otherProvidersVisit } from '#tests/helpers/tenant_routes/provider_history'
import {
  HOME_HELP,
  POSTPARTUM,
  aozoraStation,
  ledgerVisit,
  residentWithLot,
} from '#tests/helpers/usage_fixtures'
import CsvJob from '#csv/csv_job'

/**
 * November 2026 in Minato: at Aozora's station a postpartum visit
 * (approved) and one waiting, single-parent visits with co-payment tier
 * VII (¥1,290 an hour) by a resident whose name a spreadsheet would run
 * as a formula; at another provider (みどりケア) a visit the same month.
 */
async function november() {
  const city = await minato()
  const { provider, facility } = await aozoraStation()
  const at = { providerId: provider.id, facilityId: facility.id }
  const mother = await residentWithLot(city, { familyName: '港', givenName: '花子' }, POSTPARTUM)
  const approved = await ledgerVisit(city, mother, POSTPARTUM, {
    service: 'home_helper',
    date: '2026-11-04',
    minutes: 120,
    ...at,
  })
  await ledgerVisit(city, mother, POSTPARTUM, {
    service: 'doula',
    date: '2026-11-05',
    minutes: 60,
    status: 'reserved',
    ...at,
  })
  const parent = await residentWithLot(
    city,
    { familyName: '=HYPERLINK("x")', givenName: '太郎' },
    HOME_HELP,
    'VII'
  )
  await ledgerVisit(city, parent, HOME_HELP, {
    service: 'childcare',
    date: '2026-11-06',
    minutes: 180,
    ...at,
  })
  const { other, stranger, othersVisit } = await otherProvidersVisit(city, 'II')
  return { city, provider, facility, mother, parent, stranger, other, approved, othersVisit }
}

async function providerStaff(
  client: Parameters<typeof signedIn>[0],
  email = 'owner@aozora.example'
) {
  const browser = await signedIn(client, email)
  await browser.get('/m/minato/provider/history')
  return browser
}

/** Requests an export and waits for its job */
async function exported(browser: BrowserSession, form: Record<string, unknown>) {
  const response = await browser.post('/m/minato/provider/exports', form)
  response.assertStatus(302)
  const match = /\/provider\/exports\/(\d+)$/.exec(response.header('location') ?? '')
  if (!match) throw new Error(`not redirected to a job: ${response.header('location')}`)
  return settledCsvJob(Number(match[1]))
}

function rowsOf(text: string) {
  return parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][]
}

test.group('Provider console: monthly history', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the month per facility and program, with totals and co-payments; viewing is audited', async ({
    client,
    assert,
  }) => {
    const { city, facility, mother, parent, stranger } = await november()
    const before = await lastAuditEventId()
    for (const email of ['owner@aozora.example', 'helper@aozora.example']) {
      const browser = await signedIn(client, email)
      const page = await browser.get('/m/minato/provider/history?month=2026-11')
      page.assertStatus(200)
      page.assertInertiaComponent('providers/provider/history/index')
      const props = page.body().props
      assert.deepEqual(props.filters, { month: '2026-11', facility: '', program: '' })
      assert.deepEqual(
        props.groups.map((entry: any) => [entry.facility, entry.program]),
        [
          ['あおぞら 芝浦ステーション', '産前産後家事・育児支援サービス'],
          ['あおぞら 芝浦ステーション', 'ひとり親家庭ホームヘルプサービス'],
        ]
      )
      const [postpartum, homeHelp] = props.groups
      assert.deepEqual(
        postpartum.visits.map((visit: any) => [visit.residentNumber, visit.status, visit.minutes]),
        [
          [mother.residentNumber, 'posted', 120],
          [mother.residentNumber, 'reserved', 60],
        ]
      )
      assert.isFalse(postpartum.hasCopayment)
      assert.deepInclude(postpartum.totals, { visits: 1, minutes: 120, copaymentYen: null })
      assert.isTrue(homeHelp.hasCopayment)
      assert.equal(homeHelp.visits[0].residentName, `${parent.familyName} ${parent.givenName}`)
      assert.equal(homeHelp.visits[0].service, '育児援助')
      assert.equal(homeHelp.visits[0].copaymentYen, 3870)
      assert.deepInclude(homeHelp.totals, { visits: 1, minutes: 180, copaymentYen: 3870 })
      // Another provider's visit of the same month is nowhere
      assert.notInclude(JSON.stringify(props.groups), stranger.residentNumber)
      assert.deepEqual(props.facilities, [{ id: facility.id, name: 'あおぞら 芝浦ステーション' }])
      assert.includeMembers(
        props.exportForm.formats.map((format: any) => format.value),
        ['facility_month', 'plugin:single_parent_home_help:provider_usage']
      )
    }
    const viewed = await events(city.id, 'provider.history_viewed', before)
    assert.lengthOf(viewed, 2)
    const details = JSON.parse(viewed[0].details)
    assert.equal(details.month, '2026-11')
    assert.deepEqual(
      details.resident_ids,
      [mother.id, parent.id].sort((a, b) => a - b)
    )
    assert.equal(viewed[0].actor_role, 'provider_staff')
    assert.equal(viewed[1].actor_role, 'provider_admin')
  })

  test('filters by facility and program', async ({ client, assert }) => {
    const { facility } = await november()
    const browser = await providerStaff(client)
    const byProgram = await browser.get(
      '/m/minato/provider/history?month=2026-11&program=single_parent_home_help:home_help'
    )
    assert.deepEqual(
      byProgram.body().props.groups.map((entry: any) => entry.program),
      ['ひとり親家庭ホームヘルプサービス']
    )
    const byFacility = await browser.get(
      `/m/minato/provider/history?month=2026-11&facility=${facility.id}`
    )
    assert.lengthOf(byFacility.body().props.groups, 2)
    const october = await browser.get('/m/minato/provider/history?month=2026-10')
    assert.deepEqual(october.body().props.groups, [])
  })

  test('bad filters are explained in Japanese; another provider’s facility is 404, audited', async ({
    client,
    assert,
  }) => {
    const { city, other } = await november()
    const browser = await providerStaff(client)
    for (const query of ['month=2026-13', 'facility=abc', 'program=postpartum_support:nope']) {
      const response = await browser.get(`/m/minato/provider/history?${query}`)
      assert.equal(response.status(), 302, query)
    }
    await browser.get('/m/minato/provider/history')
    await browser.get('/m/minato/provider/history?month=2026-13')
    let page = await browser.get('/m/minato/provider/history')
    page.assertStatus(200)
    assert.equal(
      page.body().props.errors.month,
      '対象月は 2026-11 のように年-月で入力してください。'
    )
    await browser.get('/m/minato/provider/history?program=postpartum_support:nope')
    page = await browser.get('/m/minato/provider/history')
    assert.equal(
      page.body().props.errors.program,
      'この事業者が契約している制度から選んでください。'
    )

    const before = await lastAuditEventId()
    const foreign = await browser.get(`/m/minato/provider/history?facility=${other.facility.id}`)
    foreign.assertStatus(404)
    const denied = await events(city.id, 'provider.facility_not_found', before)
    assert.lengthOf(denied, 1)
    assert.equal(denied[0].outcome, 'denied')
  })

  test('municipal staff and residents are refused the provider console (403)', async ({
    client,
    assert,
  }) => {
    const city = await minato()
    const job = await aozoraExportJob(city)
    for (const email of ['admin@minato.example', 'staff@minato.example', 'hanako@example.jp']) {
      const browser = await signedIn(client, email)
      for (const path of [
        '/m/minato/provider/history',
        `/m/minato/provider/exports/${job.id}`,
        `/m/minato/provider/exports/${job.id}/download`,
      ]) {
        const response = await browser.get(path)
        assert.equal(response.status(), 403, `${email} ${path}`)
      }
      await browser.get('/m/minato')
      const posted = await browser.post('/m/minato/provider/exports', {
        format: 'facility_month',
        month: '2026-11',
        facility: 1,
        encoding: 'utf8_bom',
      })
      assert.oneOf(posted.status(), [302, 403], email)
    }
    assert.equal(
      await CsvJob.query()
        .where('kind', 'like', 'provider_export_%')
        .count('* as n')
        .then((rows) => Number(rows[0].$extras.n)),
      1
    )
  })
})

test.group('Provider console: CSV export of the month', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('施設別利用実績 in CP932: only this provider’s rows, formulas neutralised, audited', async ({
    client,
    assert,
  }) => {
    const { city, facility } = await november()
    const browser = await providerStaff(client)
    const before = await lastAuditEventId()
    const job = await exported(browser, {
      format: 'facility_month',
      month: '2026-11',
      facility: facility.id,
      encoding: 'cp932',
    })
    assert.equal(job.status, 'done')
    assert.equal(job.kind, 'provider_export_facility_month')

    const page = await browser.get(`/m/minato/provider/exports/${job.id}`)
    page.assertStatus(200)
    page.assertInertiaComponent('providers/provider/history/export')
    assert.equal(page.body().props.job.kindLabel, '施設別利用実績')
    assert.isTrue(page.body().props.job.downloadable)

    const file = await browser.download(`/m/minato/provider/exports/${job.id}/download`)
    assert.equal(file.status, 200)
    assert.equal(file.headers.get('content-type'), 'text/csv; charset=Shift_JIS')
    assert.equal(
      file.headers.get('content-disposition'),
      `attachment; filename="facility_usage_${city.code}_2026-11.csv"; ` +
        `filename*=UTF-8''${encodeURIComponent(`施設別利用実績_${city.code}_2026-11.csv`)}`
    )
    const rows = rowsOf(iconv.decode(file.body, 'cp932'))
    assert.deepEqual(rows[0].slice(0, 3), ['施設', '事業者', '利用日'])
    // Approved visits only, both Aozora's; みどりケア's is not there
    assert.lengthOf(rows, 3)
    assert.isTrue(rows.slice(1).every((row) => row[1] === 'あおぞら家事支援サービス'))
    assert.notInclude(JSON.stringify(rows), '白金')
    assert.include(rows[2][5], `'=HYPERLINK("x") 太郎`)
    assert.equal(rows[2][11], '3870')

    const requested = await events(city.id, 'provider.csv_export_requested', before)
    assert.lengthOf(requested, 1)
    assert.include(requested[0].details, '"format":"facility_month"')
    assert.include(requested[0].details, `"facility_id":${facility.id}`)
    const downloaded = await events(city.id, 'provider.csv_downloaded', before)
    assert.lengthOf(downloaded, 1)
    assert.equal(downloaded[0].destination, `file:施設別利用実績_${city.code}_2026-11.csv`)
    assert.equal(downloaded[0].actor_role, 'provider_admin')
  })

  test('the plugin’s declared format in UTF-8 with BOM, with co-payments', async ({
    client,
    assert,
  }) => {
    const { facility } = await november()
    const browser = await providerStaff(client, 'helper@aozora.example')
    const job = await exported(browser, {
      format: 'plugin:single_parent_home_help:provider_usage',
      month: '2026-11',
      facility: facility.id,
      encoding: 'utf8_bom',
    })
    assert.equal(job.kind, 'provider_export_plugin_single_parent_home_help')
    const file = await browser.download(`/m/minato/provider/exports/${job.id}/download`)
    assert.equal(file.status, 200)
    assert.equal(file.headers.get('content-type'), 'text/csv; charset=utf-8')
    const text = file.body.toString('utf8')
    assert.isTrue(text.startsWith('\uFEFF利用日,開始時刻,利用者ID'))
    const rows = rowsOf(text)
    assert.lengthOf(rows, 2)
    assert.deepEqual(rows[1].slice(6, 9), ['VII', '3870', 'あおぞら家事支援サービス'])
    assert.notInclude(text, '白金')
  })

  test('refused: another provider’s facility (404, audited), an unknown format, a bad month', async ({
    client,
    assert,
  }) => {
    const { city, facility, other } = await november()
    const browser = await providerStaff(client)
    const count = () =>
      CsvJob.query()
        .count('* as n')
        .then((rows) => Number(rows[0].$extras.n))
    const jobsBefore = await count()
    const before = await lastAuditEventId()
    const foreign = await browser.post('/m/minato/provider/exports', {
      format: 'facility_month',
      month: '2026-11',
      facility: other.facility.id,
      encoding: 'utf8_bom',
    })
    assert.equal(foreign.status(), 404)
    assert.lengthOf(await events(city.id, 'provider.facility_not_found', before), 1)

    await browser.get('/m/minato/provider/history')
    const staffFormat = await browser.post('/m/minato/provider/exports', {
      format: 'resident_history',
      month: '2026-11',
      facility: facility.id,
      encoding: 'utf8_bom',
    })
    assert.equal(staffFormat.status(), 302)
    let page = await browser.get('/m/minato/provider/history')
    assert.equal(page.body().props.errors.format, 'この事業者が出力できる内容から選んでください。')

    await browser.post('/m/minato/provider/exports', {
      format: 'facility_month',
      month: '11月',
      facility: facility.id,
      encoding: 'utf16',
    })
    page = await browser.get('/m/minato/provider/history')
    assert.properties(page.body().props.errors, ['month', 'encoding'])
    assert.equal(await count(), jobsBefore)
  })

  test('jobs stay with their provider: not another provider’s, not the municipality’s, and back', async ({
    client,
    assert,
  }) => {
    const { city } = await november()
    const aozoraJob = await aozoraExportJob(city)

    // Another provider's staff: 404, audited
    const midori = await providerStaff(client, 'midori@example.jp')
    const before = await lastAuditEventId()
    for (const path of [
      `/m/minato/provider/exports/${aozoraJob.id}`,
      `/m/minato/provider/exports/${aozoraJob.id}/download`,
    ]) {
      const response = await midori.get(path)
      assert.equal(response.status(), 404, path)
    }
    assert.lengthOf(await events(city.id, 'provider.csv_job_not_found', before), 2)
    const midoriPage = await midori.get('/m/minato/provider/history')
    assert.deepEqual(midoriPage.body().props.jobs, [])

    // The municipality's staff: the provider's job is not theirs
    const staff = await signedIn(client, 'staff@minato.example')
    const staffJob = await staff.get(`/m/minato/csv/jobs/${aozoraJob.id}`)
    assert.equal(staffJob.status(), 404)
    const staffFile = await staff.download(`/m/minato/csv/jobs/${aozoraJob.id}/download`)
    assert.equal(staffFile.status, 404)
    const csvPage = await staff.get('/m/minato/csv')
    assert.notInclude(
      csvPage.body().props.jobs.map((job: { id: number }) => job.id),
      aozoraJob.id
    )

    // ... and the provider does not reach the municipality's jobs
    const municipal = await CsvJob.create({
      municipalityId: city.id,
      kind: 'export_facility_month',
      status: 'done',
      progressDone: 0,
      progressTotal: 0,
      params: { request: { format: 'facility_month', month: '2026-11' }, encoding: 'utf8_bom' },
      requestedByUserId: aozoraJob.requestedByUserId,
    })
    const owner = await providerStaff(client)
    const refused = await owner.get(`/m/minato/provider/exports/${municipal.id}`)
    assert.equal(refused.status(), 404)
    const ownPage = await owner.get('/m/minato/provider/history')
    assert.deepEqual(
      ownPage.body().props.jobs.map((job: { id: number }) => job.id),
      [aozoraJob.id]
    )

    // Another municipality's Aozora job is not found here either
    const { municipality: shinjuku } = await createSecondTenant()
    const elsewhere = await aozoraExportJob(shinjuku)
    const notHere = await owner.get(`/m/minato/provider/exports/${elsewhere.id}`)
    assert.equal(notHere.status(), 404)
    await db.from('csv_jobs').where('id', elsewhere.id).delete()
  })
})
