import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'
import Municipality from '#models/municipality'
import { chainKeyFor } from '#audit/audit_event_input'
import { isLocalGovernmentCode } from '#validators/rules/local_government_code'
import { waitForMail, linkIn } from '#tests/helpers/mailbox'
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

test.group('Operator console: first administrator', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an invited administrator sets a password from the mail and reads the audit trail', async ({
    client,
    assert,
  }) => {
    const since = new Date()
    const browser = await operator(client)
    await browser.get('/operator/municipalities')
    await browser.post('/operator/municipalities', {
      code: '131041',
      slug: 'shinjuku',
      name_ja: '新宿区',
      name_en: 'Shinjuku City',
    })
    const shinjuku = await Municipality.findByOrFail('slug', 'shinjuku')
    const response = await browser.post(`/operator/municipalities/${shinjuku.id}/admins`, {
      email: 'Kanri@Shinjuku.example',
      full_name: '新宿 管理',
    })
    response.assertHeader('location', '/operator/municipalities')

    const mail = await waitForMail('kanri@shinjuku.example', since)
    assert.equal(mail.subject, 'ともに Tomoni の管理者に招待されました')
    assert.include(mail.text, '新宿区の管理者として')
    const invitee = new BrowserSession(client)
    await invitee.get(linkIn(mail))
    const set = await invitee.post(linkIn(mail), {
      password: 'しんじゅくの かんりしゃ です',
      password_confirmation: 'しんじゅくの かんりしゃ です',
    })
    set.assertHeader('location', '/login')

    await invitee.signIn('kanri@shinjuku.example', 'しんじゅくの かんりしゃ です')
    const audit = await invitee.get('/m/shinjuku/audit')
    audit.assertStatus(200)
    const actions = audit
      .body()
      .props.result.events.map((event: { action: string }) => event.action)
    assert.includeMembers(actions, ['municipality.admin_invited'])
    const elsewhere = await invitee.get('/m/minato/audit')
    elsewhere.assertStatus(404)
  })

  test('an existing account is given access and told by mail, without a new password', async ({
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
    const mail = await waitForMail('staff@minato.example', since)
    assert.equal(mail.subject, '管理者の権限が追加されました')
    const staff = new BrowserSession(client)
    await staff.signIn('staff@minato.example', DEMO_PASSWORD)
    const audit = await staff.get('/m/minato/audit')
    audit.assertStatus(200)
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
