import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import iconv from 'iconv-lite'
import BrowserSession from '#tests/helpers/browser_session'
import { createSecondTenant } from '#tests/helpers/tenants'
import { DEMO_PASSWORD } from '#database/demo_data'
import Municipality from '#tenancy/municipality'
import Resident from '#residents/resident'
import AuditTrail from '#audit/audit_trail'
import { chainKeyFor } from '#audit/audit_event_input'
import User from '#identity/user'
import { detailsOf } from '#tests/helpers/staff_console'

async function minato() {
  return Municipality.findByOrFail('slug', 'minato')
}

async function signedIn(client: any, email: string) {
  const browser = new BrowserSession(client)
  await browser.signIn(email, DEMO_PASSWORD)
  return browser
}

/** A member of staff opened MN-000101's page: what resident.viewed records */
async function residentViewedByStaff() {
  const city = await minato()
  const resident = await Resident.findByOrFail('residentNumber', 'MN-000101')
  const staff = await User.findByOrFail('email', 'staff@minato.example')
  await AuditTrail.record({
    municipalityId: city.id,
    action: 'resident.viewed',
    actorUserId: staff.id,
    actorRole: 'municipal_staff',
    subjectResidentId: resident.id,
    purpose: 'resident_record',
    source: { channel: 'web', ip: '192.0.2.1' },
    destination: 'tenant.residents.show',
  })
  return { city, resident, staff }
}

async function latestEvent(municipalityId: number | null) {
  return db
    .from('audit_events')
    .where('chain_key', chainKeyFor(municipalityId))
    .orderBy('sequence', 'desc')
    .first()
}

test.group('Audit viewer', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an administrator reads the trail, and the reading is itself recorded', async ({
    client,
    assert,
  }) => {
    const city = await minato()
    const resident = await Resident.findByOrFail('residentNumber', 'MN-000101')
    await AuditTrail.record({
      municipalityId: city.id,
      action: 'resident.viewed',
      subjectResidentId: resident.id,
      source: { channel: 'web', ip: '192.0.2.1' },
    })
    const browser = await signedIn(client, 'admin@minato.example')
    const page = await browser.get('/m/minato/audit?resident_number=MN-000101')
    page.assertStatus(200)
    page.assertInertiaComponent('audit_viewer/index')
    const { result } = page.body().props
    assert.equal(result.total, 1)
    assert.equal(result.events[0].action, 'resident.viewed')
    assert.equal(result.events[0].residentNumber, 'MN-000101')

    const viewed = await latestEvent(city.id)
    assert.equal(viewed.action, 'audit.viewed')
    assert.equal(viewed.actor_role, 'municipal_admin')
    assert.equal(viewed.destination, 'tenant.audit.index')
  })

  test('each event reads as words: what, who, whose record, why, on which screen', async ({
    client,
    assert,
  }) => {
    const { city, resident, staff } = await residentViewedByStaff()
    const browser = await signedIn(client, 'admin@minato.example')
    const page = await browser.get('/m/minato/audit?resident_number=MN-000101')
    const { result, actions, residentNames } = page.body().props
    assert.isTrue(residentNames)
    assert.deepInclude(result.events[0], {
      title: '住民情報の閲覧',
      outcomeLabel: '成功',
      actorName: staff.fullName,
      roleLabel: '自治体職員',
      residentNumber: 'MN-000101',
      residentName: `${resident.familyName} ${resident.givenName}`,
      purposeLabel: '住民記録の確認',
      destinationLabel: '住民の詳細',
      channelLabel: 'Web画面',
    })
    // The filter offers actions by the same words
    assert.deepInclude(actions, { value: 'resident.viewed', label: '住民情報の閲覧' })

    // The list showed a name: its own record says whose
    const viewed = await latestEvent(city.id)
    assert.equal(viewed.action, 'audit.viewed')
    assert.deepEqual(detailsOf(viewed).residents_shown, [resident.id])
  })

  test('in English, the same event in English words', async ({ client, assert }) => {
    await residentViewedByStaff()
    const browser = await signedIn(client, 'admin@minato.example')
    await browser.put('/locale', { locale: 'en' })
    const page = await browser.get('/m/minato/audit?resident_number=MN-000101')
    const { result, actions } = page.body().props
    assert.deepInclude(result.events[0], {
      title: 'Resident record viewed',
      outcomeLabel: 'Success',
      roleLabel: 'Municipal staff',
      purposeLabel: 'Resident record',
      destinationLabel: 'Resident details',
      channelLabel: 'Web',
    })
    assert.deepInclude(actions, { value: 'resident.viewed', label: 'Resident record viewed' })
  })

  test('filters by action and by day (Japan time)', async ({ client, assert }) => {
    const browser = await signedIn(client, 'admin@minato.example')
    await browser.get('/m/minato/audit')
    const page = await browser.get(
      '/m/minato/audit?action=audit.viewed&from=2000-01-01&to=2000-01-02'
    )
    assert.equal(page.body().props.result.total, 0)
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date())
    const todays = await browser.get(
      `/m/minato/audit?action=audit.viewed&from=${today}&to=${today}`
    )
    assert.isAtLeast(todays.body().props.result.total, 1)
  })

  test('a date range that ends before it starts is explained', async ({ client, assert }) => {
    const browser = await signedIn(client, 'admin@minato.example')
    await browser.get('/m/minato/audit')
    const response = await browser.get('/m/minato/audit?from=2026-05-10&to=2026-05-01')
    response.assertStatus(302)
    const page = await browser.get('/m/minato/audit')
    assert.match(page.body().props.errors.to, /終了日/)
  })

  test('a typed URL with a bad range opens the trail without it, the error shown', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'admin@minato.example')
    const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    // No referer: nothing to go back to
    const response = await client
      .get('/m/minato/audit?from=2026-05-10&to=2026-05-01')
      .redirects(0)
      .header('cookie', cookie)
    response.assertStatus(302)
    assert.equal(response.header('location'), '/m/minato/audit')
    const page = await browser.get('/m/minato/audit')
    assert.match(page.body().props.errors.to, /終了日/)
  })

  test('the staff menu offers the audit trail exactly to those its policy lets in', async ({
    client,
    assert,
  }) => {
    for (const [email, offered] of [
      ['admin@minato.example', true],
      ['staff@minato.example', false],
    ] as const) {
      const browser = await signedIn(client, email)
      const page = await browser.get('/m/minato/residents')
      page.assertStatus(200)
      assert.equal(page.body().props.tenant.can.readAuditTrail, offered, email)
    }
  })

  test('staff who are not administrators get 403, and the refusal is recorded', async ({
    client,
    assert,
  }) => {
    const city = await minato()
    for (const email of ['staff@minato.example', 'hanako@example.jp', 'owner@aozora.example']) {
      const browser = await signedIn(client, email)
      const response = await browser.get('/m/minato/audit')
      response.assertStatus(403)
      response.assertInertiaComponent('http/error_status')
      const denied = await latestEvent(city.id)
      assert.equal(denied.action, 'authz.denied')
      assert.equal(denied.outcome, 'denied')
    }
  })

  test("another municipality's administrator gets 404, recorded in Minato's trail", async ({
    client,
    assert,
  }) => {
    const city = await minato()
    const { admin } = await createSecondTenant()
    const browser = await signedIn(client, admin.email)
    const response = await browser.get('/m/minato/audit')
    response.assertStatus(404)
    const attempt = await latestEvent(city.id)
    assert.equal(attempt.action, 'tenancy.access_denied')
    assert.equal(Number(attempt.actor_user_id), admin.id)
    // and they do see their own
    const own = await browser.get('/m/shinjuku/audit')
    own.assertStatus(200)
  })

  test('CSV export: UTF-8 with BOM, formulas neutralized, export recorded', async ({
    client,
    assert,
  }) => {
    const city = await minato()
    await AuditTrail.record({
      municipalityId: city.id,
      action: 'resident.viewed',
      source: { channel: 'web', ip: '192.0.2.9' },
      destination: '=HYPERLINK("http://evil.example","x")',
    })
    const browser = await signedIn(client, 'admin@minato.example')
    const file = await browser.download('/m/minato/audit/export')
    assert.equal(file.status, 200)
    assert.match(file.headers.get('content-type') ?? '', /text\/csv; charset=utf-8/)
    assert.match(
      file.headers.get('content-disposition') ?? '',
      /attachment; filename="audit_131032_\d{8}-\d{4}\.csv"/
    )
    assert.deepEqual([...file.body.subarray(0, 3)], [0xef, 0xbb, 0xbf])
    const lines = file.body.subarray(3).toString('utf8').split('\r\n')
    assert.equal(
      lines[0],
      '日時（日本時間）,連番,操作,結果,操作者,役割,利用者ID,目的,接続元,経路,表示・出力先,' +
        '操作コード,目的コード,表示・出力先コード'
    )
    assert.isTrue(
      lines.some((line) => line.includes(`"'=HYPERLINK(""http://evil.example"",""x"")"`))
    )
    assert.isFalse(lines.some((line) => /,=HYPERLINK/.test(line)))

    const exported = await db
      .from('audit_events')
      .where({ chain_key: chainKeyFor(city.id), action: 'audit.exported' })
      .first()
    assert.match(exported.destination, /^file:audit_131032_/)
  })

  test('CSV export: the words of the page, then the recorded codes; numbers, not names', async ({
    client,
    assert,
  }) => {
    const { resident, staff } = await residentViewedByStaff()
    const browser = await signedIn(client, 'admin@minato.example')
    const file = await browser.download('/m/minato/audit/export?resident_number=MN-000101')
    const lines = file.body.subarray(3).toString('utf8').split('\r\n')
    const row = lines[1].split(',')
    assert.deepEqual(row.slice(2), [
      '住民情報の閲覧',
      '成功',
      staff.fullName,
      '自治体職員',
      'MN-000101',
      '住民記録の確認',
      '192.0.2.1',
      'Web画面',
      '住民の詳細',
      'resident.viewed',
      'resident_record',
      'tenant.residents.show',
    ])
    assert.notInclude(file.body.toString('utf8'), resident.familyName)

    // Its own export is named as a file in the next one
    const next = await browser.download('/m/minato/audit/export?action=audit.exported')
    const exported = next.body.subarray(3).toString('utf8').split('\r\n')[1]
    assert.match(
      exported,
      /,監査ログのCSV出力,成功,.*,監査ログの確認,.*,CSVファイル（audit_131032_\d{8}-\d{4}\.csv）,/
    )
  })

  test('CSV export in Shift_JIS (CP932) for Excel', async ({ client, assert }) => {
    const browser = await signedIn(client, 'admin@minato.example')
    const file = await browser.download('/m/minato/audit/export?encoding=cp932')
    assert.equal(file.status, 200)
    assert.match(file.headers.get('content-type') ?? '', /charset=Shift_JIS/)
    assert.notEqual(file.body[0], 0xef, 'no UTF-8 BOM in a Shift_JIS file')
    const text = iconv.decode(file.body, 'cp932')
    assert.isTrue(text.startsWith('日時（日本時間）,連番,操作,結果,操作者'))
    assert.include(text, '監査ログのCSV出力')
    assert.include(text, 'audit.exported')
  })

  test('an unknown encoding is refused with a clear message', async ({ client, assert }) => {
    const browser = await signedIn(client, 'admin@minato.example')
    await browser.get('/m/minato/audit')
    const response = await browser.send(
      'get',
      '/m/minato/audit/export?encoding=utf16',
      undefined,
      false
    )
    response.assertStatus(302)
    const page = await browser.get('/m/minato/audit')
    assert.equal(page.body().props.errors.encoding, '文字コードの値が選択肢にありません。')
  })
})
