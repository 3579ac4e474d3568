import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { createSecondTenant } from '#tests/helpers/tenants'
import { DateTime } from 'luxon'
import { waitForMail, linkIn } from '#tests/helpers/mailbox'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'
import Provider from '#tenancy/provider'
import Facility from '#tenancy/facility'
import ProviderContract from '#providers/provider_contract'
import Membership from '#identity/membership'
import User from '#identity/user'
import { chainKeyFor } from '#audit/audit_event_input'
import { latestEvent, signedIn } from '#tests/helpers/staff_console'
import { minato } from '#tests/helpers/programs'
import AccountInvitation from '#tenancy/account_invitation'

const HELPER = 'postpartum_support/postpartum/home_helper'
const DOULA = 'postpartum_support/postpartum/doula'
const HOUSEWORK = 'single_parent_home_help/home_help/housework'

async function aozora() {
  return Provider.findByOrFail('nameJa', 'あおぞら家事支援サービス')
}

/** Municipal staff on Aozora's page of the console */
async function aozoraPageAsStaff(client: ApiClient) {
  const provider = await aozora()
  const browser = await signedIn(client, 'staff@minato.example')
  const base = `/m/minato/providers/${provider.id}`
  await browser.get(base)
  return { provider, browser, base }
}

function details(event: { details: unknown }) {
  return typeof event.details === 'string' ? JSON.parse(event.details) : event.details
}

/** A provider contracted only in Shinjuku, with a facility */
async function shinjukuProvider() {
  const { municipality } = await createSecondTenant()
  const provider = await Provider.create({ nameJa: '新宿ケア', nameEn: 'Shinjuku Care' })
  const facility = await Facility.create({
    providerId: provider.id,
    nameJa: '新宿ケア 本店',
    nameEn: 'Shinjuku Care Main',
  })
  await ProviderContract.create({
    municipalityId: municipality.id,
    providerId: provider.id,
    pluginId: 'postpartum_support',
    programCode: 'postpartum',
    services: ['home_helper'],
  })
  return { provider, facility }
}

test.group('Staff console: providers', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('staff see the contracted providers, their facilities, contracts and staff', async ({
    client,
    assert,
  }) => {
    const provider = await aozora()
    const { provider: foreign } = await shinjukuProvider()
    const browser = await signedIn(client, 'staff@minato.example')
    const list = await browser.get('/m/minato/providers')
    list.assertStatus(200)
    list.assertInertiaComponent('providers/staff/index')
    const { providers } = list.body().props
    assert.deepEqual(
      providers.map((row: { id: number }) => row.id),
      [provider.id]
    )
    assert.notInclude(JSON.stringify(providers), foreign.nameJa)
    assert.deepEqual(providers[0].facilities, ['あおぞら 芝浦ステーション'])
    assert.includeMembers(providers[0].programs, ['産前産後家事・育児支援サービス'])

    const page = await browser.get(`/m/minato/providers/${provider.id}`)
    page.assertStatus(200)
    page.assertInertiaComponent('providers/staff/show')
    const props = page.body().props
    assert.equal(props.provider.name, 'あおぞら家事支援サービス')
    assert.equal(props.facilities[0].address, '東京都港区芝浦1-1-1')
    assert.includeMembers(props.contracted, [HELPER, DOULA, HOUSEWORK])
    const postpartum = props.programs.find(
      (program: { key: string }) => program.key === 'postpartum_support/postpartum'
    )
    assert.deepEqual(postpartum.services, [
      { key: HELPER, name: '家事支援（ホームヘルパー）' },
      { key: DOULA, name: '家事・育児支援（産後ドゥーラ）' },
    ])
    assert.deepEqual(
      props.staff.map((person: { email: string; role: string }) => [person.email, person.role]),
      [
        ['owner@aozora.example', 'provider_admin'],
        ['helper@aozora.example', 'provider_staff'],
      ]
    )
  })

  test('an administrator registers a provider with its contract, audited', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'admin@minato.example')
    await browser.get('/m/minato/providers/new')
    const response = await browser.post('/m/minato/providers', {
      name_ja: 'ひかり産後ケア',
      name_en: 'Hikari Postnatal Care',
      phone: '03-1234-5678',
      services: [DOULA, HELPER],
    })
    const provider = await Provider.findByOrFail('nameJa', 'ひかり産後ケア')
    response.assertStatus(302)
    response.assertHeader('location', `/m/minato/providers/${provider.id}`)
    const contracts = await ProviderContract.query().where('provider_id', provider.id)
    assert.deepEqual(
      contracts.map((contract) => contract.services),
      [['home_helper', 'doula']]
    )
    const event = await latestEvent()
    assert.equal(event.action, 'provider.registered')
    assert.equal(event.actor_role, 'municipal_admin')
    assert.equal(event.destination, 'tenant.providers.store')
    assert.deepEqual(details(event).contracts, [HELPER, DOULA])
    const page = await browser.get(`/m/minato/providers/${provider.id}`)
    assert.equal(page.body().props.provider.phone, '03-1234-5678')
  })

  test('bad input is explained at the field and nothing is registered', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    const before = await Provider.query().count('* as total').first()

    await browser.get('/m/minato/providers/new')
    await browser.post('/m/minato/providers', {
      name_ja: '',
      name_en: 'x'.repeat(161),
      phone: '電話して',
      services: [HELPER],
    })
    let page = await browser.get('/m/minato/providers/new')
    assert.equal(page.body().props.errors.name_ja, '名称（日本語）を入力してください。')
    assert.equal(page.body().props.errors.name_en, '名称（英語）は160文字以内で入力してください。')
    assert.equal(page.body().props.errors.phone, '電話番号の形式が正しくありません。')

    await browser.post('/m/minato/providers', { name_ja: 'a', name_en: 'a', services: [] })
    page = await browser.get('/m/minato/providers/new')
    assert.equal(page.body().props.errors.services, '契約するサービスを1つ以上選んでください。')

    await browser.post('/m/minato/providers', {
      name_ja: 'a',
      name_en: 'a',
      services: ['postpartum_support/postpartum/massage'],
    })
    page = await browser.get('/m/minato/providers/new')
    assert.equal(
      page.body().props.errors.services,
      'この制度にはないサービスが選ばれています（massage）。'
    )

    await browser.post('/m/minato/providers', {
      name_ja: 'a',
      name_en: 'a',
      services: ['<script>'],
    })
    page = await browser.get('/m/minato/providers/new')
    assert.equal(page.body().props.errors.services, '選ばれたサービスの形式が正しくありません。')

    await browser.post('/m/minato/providers', { name_ja: 'a', name_en: 'a', services: 'nope' })
    page = await browser.get('/m/minato/providers/new')
    assert.exists(page.body().props.errors.services)

    const after = await Provider.query().count('* as total').first()
    assert.equal(Number(after!.$extras.total), Number(before!.$extras.total))
  })

  test('details, facilities and contracts are edited, each change audited', async ({
    client,
    assert,
  }) => {
    const provider = await aozora()
    const browser = await signedIn(client, 'staff@minato.example')
    const base = `/m/minato/providers/${provider.id}`
    await browser.get(base)

    const updated = await browser.put(base, {
      name_ja: 'あおぞら家事支援サービス',
      name_en: 'Aozora Home Support Co.',
      phone: '03-0000-9999',
    })
    updated.assertHeader('location', base)
    await provider.refresh()
    assert.equal(provider.nameEn, 'Aozora Home Support Co.')
    let event = await latestEvent()
    assert.equal(event.action, 'provider.updated')
    assert.sameMembers(details(event).changed, ['name_en', 'phone'])

    await browser.post(`${base}/facilities`, {
      name_ja: 'あおぞら 白金ステーション',
      name_en: 'Aozora Shirokane Station',
      address: '東京都港区白金1-1-1',
    })
    const added = await Facility.findByOrFail('nameJa', 'あおぞら 白金ステーション')
    assert.equal(added.providerId, provider.id)
    event = await latestEvent()
    assert.equal(event.action, 'facility.added')
    assert.equal(details(event).facility_id, added.id)

    await browser.put(`${base}/facilities/${added.id}`, {
      name_ja: 'あおぞら 白金高輪ステーション',
      name_en: 'Aozora Shirokane-Takanawa Station',
      phone: '03-0000-2222',
    })
    await added.refresh()
    assert.equal(added.nameJa, 'あおぞら 白金高輪ステーション')
    assert.isNull(added.address)
    event = await latestEvent()
    assert.equal(event.action, 'facility.updated')

    await browser.put(`${base}/contracts`, { services: [DOULA] })
    const contracts = await ProviderContract.query().where('provider_id', provider.id)
    assert.deepEqual(
      contracts.map((contract) => [contract.pluginId, contract.services]),
      [['postpartum_support', ['doula']]]
    )
    event = await latestEvent()
    assert.equal(event.action, 'provider.contracts_changed')
    assert.includeMembers(details(event).removed, [HELPER, HOUSEWORK])

    // an empty contract is refused and changes nothing
    await browser.put(`${base}/contracts`, { services: [] })
    const page = await browser.get(base)
    assert.equal(page.body().props.errors.services, '契約するサービスを1つ以上選んでください。')
    assert.deepEqual(page.body().props.contracted, [DOULA])

    // facility form errors
    await browser.post(`${base}/facilities`, { name_ja: '', name_en: '', phone: 'abc' })
    const invalid = await browser.get(base)
    assert.equal(invalid.body().props.errors.name_ja, '名称（日本語）を入力してください。')
    assert.equal(invalid.body().props.errors.phone, '電話番号の形式が正しくありません。')
  })

  test('provider staff are invited by mail and listed with their role', async ({
    client,
    assert,
  }) => {
    const { provider, browser, base } = await aozoraPageAsStaff(client)
    const since = new Date()
    const response = await browser.post(`${base}/staff`, {
      email: 'Shinjin@Aozora.example',
      full_name: '青空 新人',
      role: 'provider_staff',
    })
    response.assertHeader('location', base)
    // Nothing is granted until the invitee accepts from the mail
    assert.isNull(await User.findBy('email', 'shinjin@aozora.example'))
    const mail = await waitForMail('shinjin@aozora.example', since)
    assert.include(mail.text, 'あおぞら家事支援サービス（港区）の事業者スタッフとして')
    const event = await latestEvent()
    assert.equal(event.action, 'provider.staff_invited')
    assert.notProperty(details(event), 'user_id')
    assert.equal(details(event).role, 'provider_staff')

    const user = await User.create({
      email: 'shinjin@aozora.example',
      password: DEMO_PASSWORD,
      fullName: '青空 新人',
      emailVerifiedAt: DateTime.now(),
    })
    const invitee = new BrowserSession(client)
    await invitee.signIn(user.email, DEMO_PASSWORD)
    await invitee.get(linkIn(mail))
    await invitee.post(linkIn(mail))
    const membership = await Membership.query().where('user_id', user.id).firstOrFail()
    assert.equal(membership.role, 'provider_staff')
    assert.equal(membership.providerId, provider.id)

    const page = await browser.get(base)
    assert.deepInclude(
      page
        .body()
        .props.staff.map((person: { email: string; role: string }) => [person.email, person.role]),
      ['shinjin@aozora.example', 'provider_staff']
    )

    // a municipal role cannot be handed out here
    await browser.post(`${base}/staff`, {
      email: 'x@aozora.example',
      full_name: 'x',
      role: 'municipal_admin',
    })
    const invalid = await browser.get(base)
    assert.equal(invalid.body().props.errors.role, '権限の値が選択肢にありません。')
    assert.isNull(await User.findBy('email', 'x@aozora.example'))
  })

  test('pending invitations are listed with address, role and state, nothing about an account', async ({
    client,
    assert,
  }) => {
    const { provider, browser, base } = await aozoraPageAsStaff(client)
    const since = new Date()
    // One address with an account (a resident's), one without
    for (const [email, role] of [
      ['hanako@example.jp', 'provider_admin'],
      ['nobody@aozora.example', 'provider_staff'],
    ]) {
      await browser.post(`${base}/staff`, { email, full_name: '招待 する人', role })
    }
    // An invitation to the same provider in another municipality is not listed here
    const { municipality: shinjuku } = await createSecondTenant()
    await db.transaction((trx) =>
      AccountInvitation.issue(
        { email: 'shinjuku@aozora.example', fullName: 'x', locale: 'ja' },
        { municipalityId: shinjuku.id, providerId: provider.id, role: 'provider_staff' },
        { userId: null, role: null },
        trx
      )
    )

    const listed = async () => {
      const page = await browser.get(base)
      page.assertStatus(200)
      return page.body().props
    }
    let props = await listed()
    assert.deepEqual(
      props.invitations.map((row: Record<string, unknown>) => ({ ...row, id: undefined })),
      [
        { id: undefined, email: 'hanako@example.jp', role: 'provider_admin', expired: false },
        { id: undefined, email: 'nobody@aozora.example', role: 'provider_staff', expired: false },
      ]
    )
    // Whether the address has an account changes nothing: not its name, not the staff list
    const hanako = await User.findByOrFail('email', 'hanako@example.jp')
    assert.notInclude(JSON.stringify(props), hanako.fullName)
    assert.notInclude(
      props.staff.map((person: { email: string }) => person.email),
      'hanako@example.jp'
    )

    // Past 72 hours it is shown as expired
    await db
      .from('invitations')
      .where('email', 'nobody@aozora.example')
      .update({ expires_at: DateTime.now().minus({ minutes: 1 }).toSQL() })
    props = await listed()
    assert.deepEqual(
      props.invitations.map((row: { email: string; expired: boolean }) => [row.email, row.expired]),
      [
        ['hanako@example.jp', false],
        ['nobody@aozora.example', true],
      ]
    )

    // Accepted, it leaves the invitations for the staff list
    const mail = await waitForMail('hanako@example.jp', since)
    const invitee = new BrowserSession(client)
    await invitee.signIn('hanako@example.jp', DEMO_PASSWORD)
    await invitee.get(linkIn(mail))
    await invitee.post(linkIn(mail))
    props = await listed()
    assert.deepEqual(
      props.invitations.map((row: { email: string }) => row.email),
      ['nobody@aozora.example']
    )
    assert.deepInclude(
      props.staff.map((person: { email: string; role: string }) => [person.email, person.role]),
      ['hanako@example.jp', 'provider_admin']
    )
  })

  test('a provider contracted only elsewhere is 404 here, for every action', async ({
    client,
    assert,
  }) => {
    const { provider, facility } = await shinjukuProvider()
    const own = await aozora()
    const [ownFacility] = await own.related('facilities').query()
    const browser = await signedIn(client, 'admin@minato.example')
    await browser.get('/m/minato/providers')
    const base = `/m/minato/providers/${provider.id}`
    const body = { name_ja: 'x', name_en: 'x', email: 'a@b.example', full_name: 'a' }
    const attempts = [
      await browser.get(base),
      await browser.put(base, body),
      await browser.post(`${base}/facilities`, body),
      await browser.put(`${base}/facilities/${facility.id}`, body),
      await browser.put(`${base}/contracts`, { services: [HELPER] }),
      await browser.post(`${base}/staff`, { ...body, role: 'provider_staff' }),
      // a facility of another provider under a visible one
      await browser.put(`/m/minato/providers/${own.id}/facilities/${facility.id}`, body),
      await browser.get('/m/minato/providers/999999'),
    ]
    for (const response of attempts) response.assertStatus(404)
    await provider.refresh()
    assert.equal(provider.nameJa, '新宿ケア')
    await ownFacility.refresh()
    assert.equal(ownFacility.nameJa, 'あおぞら 芝浦ステーション')
    assert.isNull(await User.findBy('email', 'a@b.example'))
  })

  test('provider staff and residents get 403 on every providers screen; changes are refused', async ({
    client,
    assert,
  }) => {
    const provider = await aozora()
    const city = await minato()
    const base = `/m/minato/providers/${provider.id}`
    for (const email of ['owner@aozora.example', 'helper@aozora.example', 'hanako@example.jp']) {
      const browser = await signedIn(client, email)
      await browser.get('/')
      for (const url of ['/m/minato/providers', '/m/minato/providers/new', base]) {
        const response = await browser.get(url)
        response.assertStatus(403)
        response.assertInertiaComponent('http/error_status')
      }
      const deniedBefore = await db
        .from('audit_events')
        .where('chain_key', chainKeyFor(city.id))
        .where('action', 'authz.denied')
      // Form submissions are refused the framework's way: back, with the
      // translated refusal, and on the record.
      const attempts = [
        await browser.post('/m/minato/providers', {
          name_ja: 'x',
          name_en: 'x',
          services: [HELPER],
        }),
        await browser.put(base, { name_ja: 'x', name_en: 'x' }),
        await browser.post(`${base}/facilities`, { name_ja: 'x', name_en: 'x' }),
        await browser.put(`${base}/contracts`, { services: [HELPER] }),
        await browser.post(`${base}/staff`, {
          email: 'evil@example.jp',
          full_name: 'x',
          role: 'provider_admin',
        }),
      ]
      for (const response of attempts) assert.oneOf(response.status(), [302, 303])
      const page = await browser.get('/')
      assert.equal(page.body().flash.error, 'この操作を行う権限がありません。')
      const deniedAfter = await db
        .from('audit_events')
        .where('chain_key', chainKeyFor(city.id))
        .where('action', 'authz.denied')
      assert.equal(deniedAfter.length, deniedBefore.length + attempts.length)
    }
    await provider.refresh()
    assert.equal(provider.nameJa, 'あおぞら家事支援サービス')
    assert.isNull(await User.findBy('email', 'evil@example.jp'))
    assert.isNull(await Provider.findBy('nameJa', 'x'))
    assert.isNull(await Facility.findBy('nameJa', 'x'))
  })

  test("another municipality's administrator gets 404", async ({ client }) => {
    const provider = await aozora()
    const { admin } = await createSecondTenant()
    const browser = await signedIn(client, admin.email)
    await browser.get('/')
    const response = await browser.get(`/m/minato/providers/${provider.id}`)
    response.assertStatus(404)
    const own = await browser.get('/m/shinjuku/providers')
    own.assertStatus(200)
  })
})
