import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'
import Municipality from '#tenancy/municipality'
import { chainKeyFor } from '#audit/audit_event_input'
import { isLocalGovernmentCode } from '#operator/local_government_code_rules'
import { waitForMail, linkIn, mailsSince } from '#tests/helpers/mailbox'
import { DateTime } from 'luxon'
import Membership from '#identity/membership'
import User from '#identity/user'
import { pluginIds } from '#plugins/index'

async function operator(client: any) {
  const browser = new BrowserSession(client)
  await browser.signIn('operator@tomoni.example', DEMO_PASSWORD)
  return browser
}

test.group('Operator console', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('local government codes are checked with their check digit', ({ assert }) => {
    for (const valid of ['131032', '131041', '011002', '271004']) {
      assert.isTrue(isLocalGovernmentCode(valid), valid)
    }
    for (const invalid of ['131033', '13103', '1310321', 'abcdef', '']) {
      assert.isFalse(isLocalGovernmentCode(invalid), invalid)
    }
  })

  test('an operator adds a municipality; the creation is audited', async ({ client, assert }) => {
    const browser = await operator(client)
    const page = await browser.get('/operator/municipalities')
    page.assertInertiaComponent('operator/municipalities')
    assert.deepEqual(
      page.body().props.availablePlugins.map((plugin: { id: string }) => plugin.id),
      pluginIds
    )
    const response = await browser.post('/operator/municipalities', {
      code: '131041',
      slug: 'Shinjuku',
      name_ja: '新宿区',
      name_en: 'Shinjuku City',
    })
    response.assertHeader('location', '/operator/municipalities')
    const shinjuku = await Municipality.findByOrFail('code', '131041')
    assert.equal(shinjuku.slug, 'shinjuku')
    const list = await browser.get('/operator/municipalities')
    assert.equal(list.body().flash.notice, '新宿区を追加しました。')

    const event = await db
      .from('audit_events')
      .where({ chain_key: 'platform', action: 'municipality.created' })
      .first()
    assert.include(event.details, `"municipality_id":${shinjuku.id}`)
  })

  test('bad input is explained field by field and creates nothing', async ({ client, assert }) => {
    const browser = await operator(client)
    await browser.get('/operator/municipalities')
    await browser.post('/operator/municipalities', {
      code: '131033',
      slug: 'minato',
      name_ja: '',
      name_en: 'X',
    })
    const page = await browser.get('/operator/municipalities')
    const { errors } = page.body().props
    assert.equal(errors.code, '地方公共団体コードが正しくありません（6桁、最後の1桁は検査数字）。')
    assert.equal(errors.slug, 'このURL用の名前はすでに使われています。')
    assert.equal(errors.name_ja, '名称（日本語）を入力してください。')
    assert.lengthOf(await Municipality.all(), 1)
  })

  test('an operator enables and disables plugins; the change is audited', async ({
    client,
    assert,
  }) => {
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const browser = await operator(client)
    await browser.get('/operator/municipalities')
    await browser.put(`/operator/municipalities/${minato.id}/plugins`, { plugins: [] })
    let page = await browser.get('/operator/municipalities')
    assert.deepEqual(page.body().props.municipalities[0].plugins, [])

    await browser.put(`/operator/municipalities/${minato.id}/plugins`, {
      plugins: ['sample_program'],
    })
    page = await browser.get('/operator/municipalities')
    assert.deepEqual(page.body().props.municipalities[0].plugins, ['sample_program'])

    const events = await db
      .from('audit_events')
      .where({ chain_key: chainKeyFor(minato.id), action: 'municipality.plugins_changed' })
      .orderBy('sequence')
    assert.deepEqual(
      events.map((event) => {
        const details = JSON.parse(event.details)
        return { disabled: details.disabled.sort(), enabled: details.enabled }
      }),
      [
        { disabled: [...pluginIds].sort(), enabled: [] },
        { disabled: [], enabled: ['sample_program'] },
      ]
    )
  })

  test('an unknown plugin is refused and nothing changes', async ({ client, assert }) => {
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const browser = await operator(client)
    await browser.get('/operator/municipalities')
    await browser.put(`/operator/municipalities/${minato.id}/plugins`, {
      plugins: ['sample_program', 'no_such_program'],
    })
    const page = await browser.get('/operator/municipalities')
    assert.equal(page.body().flash.error, '存在しない制度が指定されました: no_such_program')
    assert.deepEqual(page.body().props.municipalities[0].plugins, [...pluginIds].sort())
  })

  test('nobody but operators may use the console', async ({ client, assert }) => {
    for (const email of ['admin@minato.example', 'staff@minato.example', 'hanako@example.jp']) {
      const browser = new BrowserSession(client)
      await browser.signIn(email, DEMO_PASSWORD)
      const page = await browser.get('/operator/municipalities')
      page.assertStatus(403)
      await browser.get('/')
      const attempt = await browser.post('/operator/municipalities', {
        code: '131041',
        slug: 'shinjuku',
        name_ja: '新宿区',
        name_en: 'Shinjuku City',
      })
      attempt.assertStatus(302)
    }
    assert.isNull(await Municipality.findBy('code', '131041'))
    const denied = await db.from('audit_events').where('action', 'authz.denied')
    assert.lengthOf(denied, 6)
  })
})

const INVITEE_PASSWORD = 'しんじゅくの かんりしゃ です'

/** The operator's browser, on the console, with Shinjuku added (no administrator yet) */
async function withShinjuku(client: any) {
  const browser = await operator(client)
  await browser.get('/operator/municipalities')
  await browser.post('/operator/municipalities', {
    code: '131041',
    slug: 'shinjuku',
    name_ja: '新宿区',
    name_en: 'Shinjuku City',
  })
  const shinjuku = await Municipality.findByOrFail('slug', 'shinjuku')
  return { browser, shinjuku }
}

/** A verified account without any role */
async function plainAccount(email: string) {
  return User.create({
    email,
    password: DEMO_PASSWORD,
    fullName: `アカウント ${email}`,
    emailVerifiedAt: DateTime.now(),
  })
}

async function adminsOf(municipality: Municipality) {
  const rows = await Membership.query()
    .where('municipality_id', municipality.id)
    .where('role', 'municipal_admin')
    .preload('user')
  return rows.map((row) => row.user.email)
}

async function auditOf(municipality: Municipality, action: string) {
  return db
    .from('audit_events')
    .where({ chain_key: chainKeyFor(municipality.id), action })
    .orderBy('sequence')
}

function detailsOf(event: { details: unknown }) {
  return typeof event.details === 'string' ? JSON.parse(event.details) : event.details
}

test.group('Operator console: first administrator', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an invited first administrator signs up, accepts from the mail and reads the audit trail', async ({
    client,
    assert,
  }) => {
    const since = new Date()
    const { browser, shinjuku } = await withShinjuku(client)
    const response = await browser.post(`/operator/municipalities/${shinjuku.id}/admins`, {
      email: 'Kanri@Shinjuku.example',
      full_name: '新宿 管理',
    })
    response.assertHeader('location', '/operator/municipalities')
    const mail = await waitForMail('kanri@shinjuku.example', since)
    assert.equal(mail.subject, 'ともに Tomoni の管理者に招待されました')
    assert.include(mail.text, '新宿区の管理者として')
    const link = linkIn(mail)
    assert.match(link, /^\/invitations\//)
    assert.isNull(await User.findBy('email', 'kanri@shinjuku.example'))
    assert.deepEqual(await adminsOf(shinjuku), [])

    const invitee = new BrowserSession(client)
    await invitee.get('/register')
    const registered = new Date()
    await invitee.post('/register', {
      full_name: '新宿 管理',
      email: 'kanri@shinjuku.example',
      password: INVITEE_PASSWORD,
      password_confirmation: INVITEE_PASSWORD,
    })
    // The mailed link opens a page whose button confirms the address
    await invitee.post(linkIn(await waitForMail('kanri@shinjuku.example', registered)))
    await invitee.signIn('kanri@shinjuku.example', INVITEE_PASSWORD)
    const page = await invitee.get(link)
    assert.equal(page.body().props.invitation.municipality, '新宿区')
    assert.isTrue(page.body().props.canAccept)
    const accepted = await invitee.post(link)
    accepted.assertHeader('location', '/login')
    assert.deepEqual(await adminsOf(shinjuku), ['kanri@shinjuku.example'])

    await invitee.signIn('kanri@shinjuku.example', INVITEE_PASSWORD)
    const audit = await invitee.get('/m/shinjuku/audit')
    audit.assertStatus(200)
    const actions = audit
      .body()
      .props.result.events.map((event: { action: string }) => event.action)
    assert.includeMembers(actions, ['municipality.admin_invited', 'invitation.accepted'])
    const elsewhere = await invitee.get('/m/minato/audit')
    elsewhere.assertStatus(404)
  })

  test('the operator cannot make itself or another operator an administrator: refused, audited', async ({
    client,
    assert,
  }) => {
    const since = new Date()
    const { browser, shinjuku } = await withShinjuku(client)
    const other = await plainAccount('ops2@tomoni.example')
    await Membership.create({ userId: other.id, municipalityId: null, role: 'platform_operator' })
    for (const email of ['Operator@Tomoni.example', 'ops2@tomoni.example']) {
      await browser.post(`/operator/municipalities/${shinjuku.id}/admins`, {
        email,
        full_name: '運営 自分',
      })
      const page = await browser.get('/operator/municipalities')
      assert.equal(
        page.body().flash.error,
        '運営者のアカウントは自治体の管理者にできません。別の方のメールアドレスを招待してください。',
        email
      )
    }
    assert.deepEqual(await adminsOf(shinjuku), [])
    assert.lengthOf(await db.from('invitations').where('municipality_id', shinjuku.id), 0)
    assert.lengthOf(await mailsSince('operator@tomoni.example', since), 0)
    const refused = await auditOf(shinjuku, 'municipality.admin_invite_refused')
    assert.lengthOf(refused, 2)
    assert.isTrue(refused.every((event) => event.outcome === 'denied'))
    assert.deepEqual(
      refused.map((event) => detailsOf(event).reason),
      ['operator_account', 'operator_account']
    )
    assert.lengthOf(await auditOf(shinjuku, 'municipality.admin_invited'), 0)
  })

  test('an operator account cannot accept an invitation sent to an address it takes later', async ({
    client,
    assert,
  }) => {
    const since = new Date()
    const { browser, shinjuku } = await withShinjuku(client)
    await browser.post(`/operator/municipalities/${shinjuku.id}/admins`, {
      email: 'later@tomoni.example',
      full_name: '後 から',
    })
    const link = linkIn(await waitForMail('later@tomoni.example', since))
    const later = await plainAccount('later@tomoni.example')
    await Membership.create({ userId: later.id, municipalityId: null, role: 'platform_operator' })
    const session = new BrowserSession(client)
    await session.signIn('later@tomoni.example', DEMO_PASSWORD)
    const page = await session.get(link)
    assert.isFalse(page.body().props.canAccept)
    await session.post(link)
    const after = await session.get(link)
    assert.equal(
      after.body().flash.error,
      '運営者のアカウントでは自治体や事業者の権限を受けられません。'
    )
    assert.deepEqual(await adminsOf(shinjuku), [])
    const [refused] = await auditOf(shinjuku, 'invitation.refused')
    assert.equal(detailsOf(refused).reason, 'operator_account')
  })

  test('a municipality that has an administrator: the operator is told to ask that administrator', async ({
    client,
    assert,
  }) => {
    const since = new Date()
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const browser = await operator(client)
    await browser.get('/operator/municipalities')
    await browser.post(`/operator/municipalities/${minato.id}/admins`, {
      email: 'staff@minato.example',
      full_name: '子ども 家庭',
    })
    let page = await browser.get('/operator/municipalities')
    assert.equal(
      page.body().flash.error,
      '港区にはすでに管理者がいます。管理者の追加は、港区の管理者に依頼してください。'
    )
    assert.deepEqual(await adminsOf(minato), ['admin@minato.example'])
    assert.lengthOf(await mailsSince('staff@minato.example', since), 0)
    const [refused] = await auditOf(minato, 'municipality.admin_invite_refused')
    assert.equal(refused.outcome, 'denied')
    assert.equal(detailsOf(refused).reason, 'admin_exists')
    assert.equal(refused.actor_role, 'platform_operator')

    await browser.put('/locale', { locale: 'en' })
    await browser.post(`/operator/municipalities/${minato.id}/admins`, {
      email: 'staff@minato.example',
      full_name: '子ども 家庭',
    })
    page = await browser.get('/operator/municipalities')
    assert.equal(
      page.body().flash.error,
      "Minato City already has an administrator. Ask Minato City's administrator to add another."
    )
  })

  test('of two pending first-administrator invitations, only the first accepted counts', async ({
    client,
    assert,
  }) => {
    const since = new Date()
    const { browser, shinjuku } = await withShinjuku(client)
    await plainAccount('first@shinjuku.example')
    await plainAccount('second@shinjuku.example')
    for (const email of ['first@shinjuku.example', 'second@shinjuku.example']) {
      await browser.post(`/operator/municipalities/${shinjuku.id}/admins`, {
        email,
        full_name: '新宿 管理',
      })
    }
    const links = [
      linkIn(await waitForMail('first@shinjuku.example', since)),
      linkIn(await waitForMail('second@shinjuku.example', since)),
    ]
    const first = new BrowserSession(client)
    await first.signIn('first@shinjuku.example', DEMO_PASSWORD)
    await first.get(links[0])
    await first.post(links[0])
    const second = new BrowserSession(client)
    await second.signIn('second@shinjuku.example', DEMO_PASSWORD)
    await second.get(links[1])
    await second.post(links[1])
    const page = await second.get(links[1])
    assert.equal(
      page.body().flash.error,
      'この自治体にはすでに管理者がいます。管理者の追加は、その自治体の管理者に依頼してください。'
    )
    assert.deepEqual(await adminsOf(shinjuku), ['first@shinjuku.example'])
    const [refused] = await auditOf(shinjuku, 'invitation.refused')
    assert.equal(detailsOf(refused).reason, 'admin_exists')
  })

  test('a bad address is explained and nobody is invited', async ({ client, assert }) => {
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const browser = await operator(client)
    await browser.get('/operator/municipalities')
    await browser.post(`/operator/municipalities/${minato.id}/admins`, {
      email: 'not-an-address',
      full_name: '',
    })
    const page = await browser.get('/operator/municipalities')
    assert.equal(
      page.body().props.errors.email,
      'メールアドレスの形式が正しくありません（例: name@example.jp）。'
    )
    assert.equal(page.body().props.errors.full_name, 'お名前を入力してください。')
  })
})
