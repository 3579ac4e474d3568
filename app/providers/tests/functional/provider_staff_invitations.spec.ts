import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import BrowserSession from '#tests/helpers/browser_session'
import { waitForMail, linkIn } from '#tests/helpers/mailbox'
import { detailsOf, events, lastAuditEventId, signedIn } from '#tests/helpers/staff_console'
import { minato } from '#tests/helpers/programs'
import { hikari } from '#tests/helpers/other_provider'
import Membership from '#identity/membership'
import User from '#identity/user'
import Invitation from '#tenancy/invitation'

const STAFF = '/m/minato/provider/staff'

/** The user's provider memberships in Minato (none for an address without an account) */
async function providerRolesOf(email: string) {
  const city = await minato()
  const user = await User.findBy('email', email)
  if (!user) return []
  const rows = await Membership.query()
    .where('user_id', user.id)
    .where('municipality_id', city.id)
    .whereIn('role', ['provider_admin', 'provider_staff'])
  return rows.map((row) => row.role)
}

/** The owner invites `email`; returns the link mailed to it */
async function invite(owner: BrowserSession, email: string, role = 'provider_staff') {
  const since = new Date()
  await owner.get(STAFF)
  const response = await owner.post(STAFF, { email, full_name: '招待 する人', role })
  response.assertHeader('location', STAFF)
  const mail = await waitForMail(email, since)
  return { mail, link: linkIn(mail) }
}

test.group('Provider staff invitations: accepted by the invitee', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('inviting an existing account shows nothing about it and grants nothing until accepted', async ({
    client,
    assert,
  }) => {
    const city = await minato()
    const yui = await User.findByOrFail('email', 'yui@example.jp')
    const owner = await signedIn(client, 'owner@aozora.example')
    const before = await lastAuditEventId()
    const existing = await invite(owner, 'yui@example.jp')
    const afterExisting = await owner.get(STAFF)
    const flashExisting = afterExisting.body().flash.notice
    const fresh = await invite(owner, 'nobody-yet@example.jp')
    const page = await owner.get(STAFF)
    // The same answer whether or not the address has an account
    assert.equal(flashExisting, 'yui@example.jp に招待メールを送りました。')
    assert.equal(page.body().flash.notice, 'nobody-yet@example.jp に招待メールを送りました。')
    assert.equal(existing.mail.subject, fresh.mail.subject)
    assert.match(existing.link, /^\/invitations\/[\w-]{40,}$/)
    assert.match(fresh.link, /^\/invitations\/[\w-]{40,}$/)
    assert.notInclude(existing.mail.text, yui.fullName)

    // The list: two members as before, and the invitations as an address and "invited" only
    const { staff, invitations } = page.body().props
    assert.deepEqual(
      staff.map((row: { email: string }) => row.email),
      ['owner@aozora.example', 'helper@aozora.example']
    )
    assert.notInclude(JSON.stringify(page.body().props), yui.fullName)
    assert.deepEqual(
      invitations.map((row: Record<string, unknown>) => Object.keys(row).sort()),
      [
        ['email', 'expired', 'id', 'role'],
        ['email', 'expired', 'id', 'role'],
      ]
    )
    assert.sameMembers(
      invitations.map((row: { email: string }) => row.email),
      ['yui@example.jp', 'nobody-yet@example.jp']
    )
    assert.isTrue(invitations.every((row: { expired: boolean }) => row.expired === false))

    // Nothing granted: no membership, no console for yui, no account for the new address
    assert.deepEqual(await providerRolesOf('yui@example.jp'), [])
    assert.isNull(await User.findBy('email', 'nobody-yet@example.jp'))
    const resident = await signedIn(client, 'yui@example.jp')
    const console = await resident.get('/m/minato/provider')
    assert.equal(console.status(), 403)

    // The audit trail names the invitation, not an account
    const invited = await events(city.id, 'provider.staff_invited', before)
    assert.lengthOf(invited, 2)
    for (const event of invited) {
      assert.notProperty(detailsOf(event), 'user_id')
      assert.notProperty(detailsOf(event), 'new_account')
      assert.isNumber(Number(detailsOf(event).invitation_id))
    }
  })

  test('the invitee signs in and accepts once; then the membership exists', async ({
    client,
    assert,
  }) => {
    const city = await minato()
    const owner = await signedIn(client, 'owner@aozora.example')
    const { link } = await invite(owner, 'yui@example.jp')

    // Signed out, the page names the provider and asks to sign in first
    const visitor = new BrowserSession(client)
    const signedOut = await visitor.get(link)
    signedOut.assertStatus(200)
    signedOut.assertInertiaComponent('tenancy/invitation')
    assert.equal(signedOut.body().props.invitation.provider, 'あおぞら家事支援サービス')
    assert.isFalse(signedOut.body().props.signedIn)
    const anonymous = await visitor.post(link)
    anonymous.assertHeader('location', '/login')
    assert.deepEqual(await providerRolesOf('yui@example.jp'), [])

    const yui = await signedIn(client, 'yui@example.jp')
    const shown = await yui.get(link)
    shown.assertStatus(200)
    assert.isTrue(shown.body().props.signedIn)
    assert.isTrue(shown.body().props.canAccept)
    const before = await lastAuditEventId()
    const accepted = await yui.post(link)
    // A staff role needs the second factor: the invitee signs in again and enrols
    accepted.assertHeader('location', '/login')
    const login = await yui.get('/login')
    assert.equal(
      login.body().flash.notice,
      '招待を受けました。この権限には2段階認証が必要です。もう一度ログインしてください。'
    )
    assert.deepEqual(await providerRolesOf('yui@example.jp'), ['provider_staff'])
    const [event] = await events(city.id, 'invitation.accepted', before)
    const yuiAccount = await User.findByOrFail('email', 'yui@example.jp')
    assert.equal(Number(event.actor_user_id), yuiAccount.id)
    assert.equal(detailsOf(event).role, 'provider_staff')

    const again = await signedIn(client, 'yui@example.jp')
    const console = await again.get('/m/minato/provider')
    console.assertStatus(200)

    // Once only: the link is spent, nothing more is granted
    const replay = await again.post(link)
    replay.assertHeader('location', link)
    const spent = await again.get(link)
    assert.equal(spent.body().flash.error, 'この招待のリンクは無効か、有効期限が切れています。')
    assert.isFalse(spent.body().props.canAccept)
    assert.deepEqual(await providerRolesOf('yui@example.jp'), ['provider_staff'])
    assert.lengthOf(await events(city.id, 'invitation.accepted', before), 1)

    // The administrator's list now shows her as staff, no invitation pending
    const list = await owner.get(STAFF)
    assert.include(
      list.body().props.staff.map((row: { email: string }) => row.email),
      'yui@example.jp'
    )
    assert.lengthOf(list.body().props.invitations, 0)
  })

  test("a wrong account cannot accept someone else's invitation", async ({ client, assert }) => {
    const city = await minato()
    const owner = await signedIn(client, 'owner@aozora.example')
    const { link } = await invite(owner, 'yui@example.jp', 'provider_admin')

    const hanako = await signedIn(client, 'hanako@example.jp')
    const shown = await hanako.get(link)
    assert.isFalse(shown.body().props.canAccept)
    assert.equal(
      shown.body().props.refusal,
      'この招待は別のメールアドレスあてです。招待メールを受け取ったアカウントでログインしてください。'
    )
    assert.notInclude(JSON.stringify(shown.body().props), 'yui@example.jp')
    const before = await lastAuditEventId()
    await hanako.post(link)
    const page = await hanako.get(link)
    assert.equal(
      page.body().flash.error,
      'この招待は別のメールアドレスあてです。招待メールを受け取ったアカウントでログインしてください。'
    )
    assert.deepEqual(await providerRolesOf('hanako@example.jp'), [])
    assert.deepEqual(await providerRolesOf('yui@example.jp'), [])
    const [refused] = await events(city.id, 'invitation.refused', before)
    assert.equal(refused.outcome, 'denied')
    assert.equal(detailsOf(refused).reason, 'wrong_account')

    // The invitation still works for its addressee
    const yui = await signedIn(client, 'yui@example.jp')
    await yui.get(link)
    await yui.post(link)
    assert.deepEqual(await providerRolesOf('yui@example.jp'), ['provider_admin'])
  })

  test('an expired invitation grants nothing; a new invitation replaces the old link', async ({
    client,
    assert,
  }) => {
    const owner = await signedIn(client, 'owner@aozora.example')
    const first = await invite(owner, 'yui@example.jp')
    await Invitation.query()
      .where('email', 'yui@example.jp')
      .update({ expires_at: DateTime.now().minus({ minutes: 1 }).toSQL() })
    const list = await owner.get(STAFF)
    assert.deepEqual(
      list.body().props.invitations.map((row: { expired: boolean }) => row.expired),
      [true]
    )

    const yui = await signedIn(client, 'yui@example.jp')
    await yui.get(first.link)
    await yui.post(first.link)
    const page = await yui.get(first.link)
    assert.equal(page.body().flash.error, 'この招待のリンクは無効か、有効期限が切れています。')
    assert.deepEqual(await providerRolesOf('yui@example.jp'), [])

    // Invited again: the old link stays dead, the new one works
    const second = await invite(owner, 'yui@example.jp')
    const relisted = await owner.get(STAFF)
    assert.lengthOf(relisted.body().props.invitations, 1)
    await yui.get(first.link)
    await yui.post(first.link)
    assert.deepEqual(await providerRolesOf('yui@example.jp'), [])
    await yui.get(second.link)
    await yui.post(second.link)
    assert.deepEqual(await providerRolesOf('yui@example.jp'), ['provider_staff'])
  })

  test('a new address signs up with the invited address, then accepts', async ({
    client,
    assert,
  }) => {
    const owner = await signedIn(client, 'owner@aozora.example')
    const { link } = await invite(owner, 'shinjin@aozora.example')
    const password = 'あおぞらの しんじん です 2026'
    const browser = new BrowserSession(client)
    await browser.get(link)
    const since = new Date()
    await browser.get('/register')
    await browser.post('/register', {
      full_name: '青空 新人',
      email: 'shinjin@aozora.example',
      password,
      password_confirmation: password,
    })
    const verification = await waitForMail('shinjin@aozora.example', since)
    // The mailed link opens a page whose button confirms the address
    await browser.post(linkIn(verification))
    await browser.signIn('shinjin@aozora.example', password)
    assert.deepEqual(await providerRolesOf('shinjin@aozora.example'), [])
    await browser.get(link)
    await browser.post(link)
    assert.deepEqual(await providerRolesOf('shinjin@aozora.example'), ['provider_staff'])
  })

  test('someone on another provider’s staff here is told at acceptance, not at invitation', async ({
    client,
    assert,
  }) => {
    const { provider: hikariCare, user } = await hikari()
    const owner = await signedIn(client, 'owner@aozora.example')
    const { link } = await invite(owner, 'staff@hikari.example')
    const page = await owner.get(STAFF)
    assert.isUndefined(page.body().props.errors?.email)

    const invitee = await signedIn(client, 'staff@hikari.example')
    await invitee.get(link)
    await invitee.post(link)
    const refused = await invitee.get(link)
    assert.equal(
      refused.body().flash.error,
      'この自治体でほかの事業者のスタッフになっているため、この招待は受けられません。'
    )
    assert.deepEqual(await providerRolesOf('staff@hikari.example'), ['provider_staff'])
    const rows = await Membership.query().where('user_id', user.id)
    assert.deepEqual(
      rows.map((row) => row.providerId),
      [hikariCare.id]
    )
  })
})
