import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { createSecondTenant } from '#tests/helpers/tenants'
import { waitForMail, linkIn } from '#tests/helpers/mailbox'
import { detailsOf, events, lastAuditEventId, signedIn } from '#tests/helpers/staff_console'
import { minato } from '#tests/helpers/programs'
import { hikari } from '#tests/helpers/other_provider'
import type BrowserSession from '#tests/helpers/browser_session'
import Facility from '#tenancy/facility'
import Provider from '#tenancy/provider'
import Membership from '#identity/membership'
import User from '#identity/user'

const STAFF = '/m/minato/provider/staff'

async function aozora() {
  return Provider.findByOrFail('nameJa', 'あおぞら家事支援サービス')
}

async function userId(email: string) {
  const user = await User.findByOrFail('email', email)
  return user.id
}

/** The user's provider memberships in Minato */
async function membershipsOf(email: string) {
  const city = await minato()
  return Membership.query()
    .where('user_id', await userId(email))
    .where('municipality_id', city.id)
    .whereIn('role', ['provider_admin', 'provider_staff'])
}

type Row = {
  userId: number
  email: string
  role: string
  disabled: boolean
  invitationPending: boolean
  self: boolean
}

async function staffList(browser: BrowserSession) {
  const page = await browser.get(STAFF)
  page.assertStatus(200)
  page.assertInertiaComponent('providers/provider/staff/index')
  return page.body().props.staff as Row[]
}

test.group('Provider console: staff management', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an administrator sees the staff with role and status', async ({ client, assert }) => {
    const browser = await signedIn(client, 'owner@aozora.example')
    const page = await browser.get(STAFF)
    page.assertStatus(200)
    assert.equal(page.body().props.provider.name, 'あおぞら家事支援サービス')
    const staff = await staffList(browser)
    assert.deepEqual(
      staff.map((row) => [row.email, row.role, row.disabled, row.invitationPending, row.self]),
      [
        ['owner@aozora.example', 'provider_admin', false, false, true],
        ['helper@aozora.example', 'provider_staff', false, false, false],
      ]
    )
    // nobody of another provider, and no municipal staff
    const { user } = await hikari()
    const again = await staffList(browser)
    assert.notInclude(
      again.map((row) => row.userId),
      user.id
    )
    assert.lengthOf(again, 2)
  })

  test('the provider menu offers staff management exactly to those its policy lets in', async ({
    client,
    assert,
  }) => {
    for (const [email, offered] of [
      ['owner@aozora.example', true],
      ['helper@aozora.example', false],
    ] as const) {
      const browser = await signedIn(client, email)
      await browser.get('/')
      const page = await browser.get('/m/minato/provider/approvals')
      page.assertStatus(200)
      assert.equal(page.body().props.tenant.can.manageProviderStaff, offered, email)
    }
  })

  test('only provider administrators open the staff screen; other municipalities get 404', async ({
    client,
    assert,
  }) => {
    for (const email of ['helper@aozora.example', 'staff@minato.example', 'hanako@example.jp']) {
      const browser = await signedIn(client, email)
      await browser.get('/')
      const response = await browser.get(STAFF)
      assert.equal(response.status(), 403, email)
      response.assertInertiaComponent('http/error_status')
    }
    const city = await minato()
    const { admin } = await createSecondTenant()
    const intruder = await signedIn(client, admin.email)
    await intruder.get('/')
    const before = await lastAuditEventId()
    const helperId = await userId('helper@aozora.example')
    for (const response of [
      await intruder.get(STAFF),
      await intruder.post(STAFF, { email: 'x@example.jp', full_name: 'x', role: 'provider_staff' }),
      await intruder.post(`${STAFF}/${helperId}/disable`),
      await intruder.post(`${STAFF}/${helperId}/enable`),
    ]) {
      response.assertStatus(404)
    }
    assert.lengthOf(await events(city.id, 'tenancy.access_denied', before), 4)
    assert.isNull(await User.findBy('email', 'x@example.jp'))
    const [helper] = await membershipsOf('helper@aozora.example')
    assert.isNull(helper.disabledAt)
  })

  test('a helper cannot invite, disable or enable: refused, audited, nothing changed', async ({
    client,
    assert,
  }) => {
    const city = await minato()
    const browser = await signedIn(client, 'helper@aozora.example')
    await browser.get('/')
    const ownerId = await userId('owner@aozora.example')
    const before = await lastAuditEventId()
    const attempts = [
      await browser.post(STAFF, {
        email: 'evil@example.jp',
        full_name: 'x',
        role: 'provider_admin',
      }),
      await browser.post(`${STAFF}/${ownerId}/disable`),
      await browser.post(`${STAFF}/${ownerId}/enable`),
    ]
    for (const response of attempts) assert.oneOf(response.status(), [302, 303])
    const page = await browser.get('/')
    assert.equal(page.body().flash.error, 'この操作を行う権限がありません。')
    assert.lengthOf(await events(city.id, 'authz.denied', before), 3)
    assert.isNull(await User.findBy('email', 'evil@example.jp'))
    const [owner] = await membershipsOf('owner@aozora.example')
    assert.isNull(owner.disabledAt)
  })

  test('an administrator invites a new person: an invitation by mail, audited, listed as invited', async ({
    client,
    assert,
  }) => {
    const provider = await aozora()
    const browser = await signedIn(client, 'owner@aozora.example')
    await browser.get(STAFF)
    const since = new Date()
    const response = await browser.post(STAFF, {
      email: 'Shinjin@Aozora.example',
      full_name: '青空 新人',
      role: 'provider_staff',
    })
    response.assertHeader('location', STAFF)
    assert.isNull(await User.findBy('email', 'shinjin@aozora.example'))

    const mail = await waitForMail('shinjin@aozora.example', since)
    assert.include(mail.text, 'あおぞら家事支援サービス（港区）の事業者スタッフとして')
    assert.match(mail.text, /\/invitations\//)

    const city = await minato()
    const [event] = await events(city.id, 'provider.staff_invited')
    assert.equal(event.actor_role, 'provider_admin')
    assert.equal(event.actor_user_id, await userId('owner@aozora.example'))
    assert.equal(event.destination, 'tenant.provider.staff.store')
    assert.equal(detailsOf(event).provider_id, provider.id)

    const page = await browser.get(STAFF)
    assert.equal(page.body().flash.notice, 'shinjin@aozora.example に招待メールを送りました。')
    assert.deepEqual(page.body().props.invitations, [
      {
        id: detailsOf(event).invitation_id,
        email: 'shinjin@aozora.example',
        role: 'provider_staff',
        expired: false,
      },
    ])
  })

  test('bad input and people already on this staff are refused with a translated message', async ({
    client,
    assert,
  }) => {
    const { user: elsewhere } = await hikari()
    const browser = await signedIn(client, 'owner@aozora.example')
    await browser.get(STAFF)

    await browser.post(STAFF, { email: 'not-an-address', full_name: '', role: 'municipal_admin' })
    let page = await browser.get(STAFF)
    const errors = page.body().props.errors
    assert.equal(errors.full_name, '氏名を入力してください。')
    assert.equal(errors.email, 'メールアドレスの形式が正しくありません（例: name@example.jp）。')
    assert.equal(errors.role, '権限の値が選択肢にありません。')
    assert.isNull(await User.findBy('email', 'not-an-address'))

    await browser.post(STAFF, {
      email: 'helper@aozora.example',
      full_name: 'x',
      role: 'provider_admin',
    })
    page = await browser.get(STAFF)
    assert.equal(page.body().props.errors.email, 'helper@aozora.example はすでにスタッフです。')
    // Someone on another provider's staff is invited like anyone (told on accepting)
    await browser.post(STAFF, { email: elsewhere.email, full_name: 'x', role: 'provider_admin' })
    page = await browser.get(STAFF)
    assert.isUndefined(page.body().props.errors?.email)
    assert.lengthOf(page.body().props.invitations, 1)
    const helperMemberships = await membershipsOf('helper@aozora.example')
    assert.deepEqual(
      helperMemberships.map((membership) => membership.role),
      ['provider_staff']
    )
    assert.lengthOf(await membershipsOf(elsewhere.email), 1)

    // the same in English
    await browser.put('/locale', { locale: 'en' })
    await browser.post(STAFF, { email: 'x', full_name: 'x', role: 'provider_staff' })
    page = await browser.get(STAFF)
    assert.match(page.body().props.errors.email, /email/i)
  })

  test('a disabled helper is out at once, like a stranger; enabling restores access', async ({
    client,
    assert,
  }) => {
    const city = await minato()
    const helperId = await userId('helper@aozora.example')
    const helper = await signedIn(client, 'helper@aozora.example')
    const notAnAdmin = await helper.get(STAFF)
    notAnAdmin.assertStatus(403)

    const owner = await signedIn(client, 'owner@aozora.example')
    await owner.get(STAFF)
    const before = await lastAuditEventId()
    const response = await owner.post(`${STAFF}/${helperId}/disable`)
    response.assertHeader('location', STAFF)
    const [membership] = await membershipsOf('helper@aozora.example')
    assert.isNotNull(membership.disabledAt)
    const [event] = await events(city.id, 'provider.staff_disabled', before)
    assert.equal(event.actor_role, 'provider_admin')
    assert.deepEqual(detailsOf(event).roles, ['provider_staff'])
    assert.equal(detailsOf(event).user_id, helperId)

    const { fullName } = await User.findOrFail(helperId)
    let page = await owner.get(STAFF)
    assert.equal(
      page.body().flash.notice,
      `${fullName}さんを無効にしました。事業者の画面はもう使えません。`
    )
    let row = (page.body().props.staff as Row[]).find((entry) => entry.userId === helperId)!
    assert.isTrue(row.disabled)

    // The helper's sessions were ended: the next request asks them to sign in
    const next = await helper.get('/m/minato/provider')
    next.assertStatus(302)
    next.assertHeader('location', '/login')
    // Signed in again, Minato answers as to a stranger, and the attempt is on record
    const again = await signedIn(client, 'helper@aozora.example')
    const attemptsFrom = await lastAuditEventId()
    for (const url of ['/m/minato/provider', STAFF, '/m/minato/my/history']) {
      const refused = await again.get(url)
      assert.equal(refused.status(), 404, url)
    }
    const denied = await events(city.id, 'tenancy.access_denied', attemptsFrom)
    assert.lengthOf(denied, 3)
    assert.isTrue(denied.every((entry) => Number(entry.actor_user_id) === helperId))

    // Enabled again: the helper is back (the staff screen is an admin's: 403, not 404)
    await owner.get(STAFF)
    const enableFrom = await lastAuditEventId()
    const enabling = await owner.post(`${STAFF}/${helperId}/enable`)
    enabling.assertHeader('location', STAFF)
    const [enabled] = await events(city.id, 'provider.staff_enabled', enableFrom)
    assert.equal(detailsOf(enabled).user_id, helperId)
    page = await owner.get(STAFF)
    row = (page.body().props.staff as Row[]).find((entry) => entry.userId === helperId)!
    assert.isFalse(row.disabled)
    const back = await again.get(STAFF)
    back.assertStatus(403)
    const home = await again.get('/')
    assert.deepInclude(
      home.body().props.memberships.map((entry: { role: string }) => entry.role),
      'provider_staff'
    )
  })

  test('an administrator cannot disable themselves; repeated changes are explained', async ({
    client,
    assert,
  }) => {
    const ownerId = await userId('owner@aozora.example')
    const helperId = await userId('helper@aozora.example')
    const owner = await signedIn(client, 'owner@aozora.example')
    await owner.get(STAFF)
    await owner.post(`${STAFF}/${ownerId}/disable`)
    let page = await owner.get(STAFF)
    assert.equal(page.body().flash.error, '自分自身は無効にできません。')
    const [own] = await membershipsOf('owner@aozora.example')
    assert.isNull(own.disabledAt)

    await owner.post(`${STAFF}/${helperId}/enable`)
    page = await owner.get(STAFF)
    assert.equal(page.body().flash.error, 'この人はすでに有効です。')
    await owner.post(`${STAFF}/${helperId}/disable`)
    await owner.post(`${STAFF}/${helperId}/disable`)
    page = await owner.get(STAFF)
    assert.equal(page.body().flash.error, 'この人はすでに無効です。')
  })

  test('a second administrator may disable the first, but not herself', async ({
    client,
    assert,
  }) => {
    const ownerId = await userId('owner@aozora.example')
    const owner = await signedIn(client, 'owner@aozora.example')
    await owner.get(STAFF)
    const since = new Date()
    await owner.post(STAFF, { email: 'yui@example.jp', full_name: 'x', role: 'provider_admin' })
    const yuiId = await userId('yui@example.jp')
    const invitation = linkIn(await waitForMail('yui@example.jp', since))
    const accepting = await signedIn(client, 'yui@example.jp')
    await accepting.get(invitation)
    await accepting.post(invitation)

    const yui = await signedIn(client, 'yui@example.jp')
    await yui.get(STAFF)
    await yui.post(`${STAFF}/${ownerId}/disable`)
    const page = await yui.get(STAFF)
    assert.match(page.body().flash.notice, /無効にしました/)
    const [own] = await membershipsOf('owner@aozora.example')
    assert.isNotNull(own.disabledAt)

    // Yui is now the only administrator; nobody else may act, and she cannot remove herself
    await yui.post(`${STAFF}/${yuiId}/disable`)
    const refused = await yui.get(STAFF)
    assert.equal(refused.body().flash.error, '自分自身は無効にできません。')
    const [mine] = await membershipsOf('yui@example.jp')
    assert.isNull(mine.disabledAt)
  })

  test("another provider's people and unknown ids answer 404, audited", async ({
    client,
    assert,
  }) => {
    const city = await minato()
    const { user } = await hikari()
    const municipalStaff = await userId('staff@minato.example')
    const owner = await signedIn(client, 'owner@aozora.example')
    await owner.get(STAFF)
    const before = await lastAuditEventId()
    for (const id of [user.id, municipalStaff, 999999]) {
      for (const action of ['disable', 'enable']) {
        const response = await owner.post(`${STAFF}/${id}/${action}`)
        assert.equal(response.status(), 404, `${action} ${id}`)
      }
    }
    const refused = await events(city.id, 'provider.staff_not_found', before)
    assert.lengthOf(refused, 6)
    assert.deepEqual(
      refused.map((event) => detailsOf(event).user_id),
      [999999, 999999, municipalStaff, municipalStaff, user.id, user.id]
    )
    const [membership] = await Membership.query().where('user_id', user.id)
    assert.isNull(membership.disabledAt)
    assert.lengthOf(await db.from('memberships').whereNotNull('disabled_at'), 0)
  })

  test('the console acts for the membership here; disabled at one provider, nothing of it stays', async ({
    client,
    assert,
  }) => {
    const city = await minato()
    const provider = await aozora()
    const station = await Facility.findByOrFail('providerId', provider.id)
    const helperId = await userId('helper@aozora.example')
    const { provider: hikariCare } = await hikari()
    // The helper also works for Hikari here (a later membership) and in Shinjuku.
    await Membership.create({
      userId: helperId,
      municipalityId: city.id,
      providerId: hikariCare.id,
      role: 'provider_staff',
    })
    const { municipality: shinjuku } = await createSecondTenant()
    await Membership.create({
      userId: helperId,
      municipalityId: shinjuku.id,
      providerId: hikariCare.id,
      role: 'provider_staff',
    })
    const consoleOf = async (browser: BrowserSession, slug: string) => {
      const page = await browser.get(`/m/${slug}/provider`)
      page.assertStatus(200)
      return page.body().props.provider.name
    }
    let helper = await signedIn(client, 'helper@aozora.example')
    assert.equal(await consoleOf(helper, 'minato'), 'あおぞら家事支援サービス')
    assert.equal(await consoleOf(helper, 'shinjuku'), 'ひかり産後ケア')

    const owner = await signedIn(client, 'owner@aozora.example')
    await owner.get(STAFF)
    const disabling = await owner.post(`${STAFF}/${helperId}/disable`)
    disabling.assertHeader('location', STAFF)

    // Disabled at Aozora: here the console is Hikari's, none of Aozora's rows are reachable.
    helper = await signedIn(client, 'helper@aozora.example')
    assert.equal(await consoleOf(helper, 'minato'), 'ひかり産後ケア')
    const history = await helper.get(`/m/minato/provider/history?facility=${station.id}`)
    history.assertStatus(404)
    const staffPage = await helper.get(STAFF)
    staffPage.assertStatus(403)

    // A disabled provider membership next to a resident's grants no console at all.
    const hanako = await User.findByOrFail('email', 'hanako@example.jp')
    await Membership.create({
      userId: hanako.id,
      municipalityId: city.id,
      providerId: provider.id,
      role: 'provider_staff',
      disabledAt: DateTime.now(),
    })
    const resident = await signedIn(client, 'hanako@example.jp')
    for (const url of ['/m/minato/provider', '/m/minato/provider/history', STAFF]) {
      const refused = await resident.get(url)
      assert.equal(refused.status(), 403, url)
    }
  })
})
