import { messagesOf } from '#tests/helpers/client_messages'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import Municipality from '#tenancy/municipality'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'
import { createSecondTenant } from '#tests/helpers/tenants'

test.group('sample_program: wiring of a plugin', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('its route is mounted under /m/<municipality>/p/<id>, behind sign-in', async ({
    client,
  }) => {
    const response = await client.get('/m/minato/p/sample_program/notes').redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/login')
  })

  test('its migration ran, and its page renders with its own translations', async ({
    client,
    assert,
  }) => {
    const minato = await Municipality.findByOrFail('code', '131032')
    await db.table('sample_program_notes').insert({
      municipality_id: minato.id,
      body: '初回訪問',
      created_at: new Date(),
    })
    const browser = new BrowserSession(client)
    await browser.signIn('staff@minato.example', DEMO_PASSWORD)
    const response = await browser.get('/m/minato/p/sample_program/notes')
    response.assertStatus(200)
    response.assertInertiaComponent('sample_program/notes')
    assert.deepEqual(
      response.body().props.notes.map((note: { body: string }) => note.body),
      ['初回訪問']
    )
    const messages = await messagesOf(client, response)
    assert.equal(messages['sample_program.notes.title'], 'サンプル制度のメモ')
  })

  test('a municipality that has not enabled the plugin does not see it', async ({ client }) => {
    const minato = await Municipality.findByOrFail('code', '131032')
    await db.from('municipality_plugins').where('municipality_id', minato.id).delete()
    const browser = new BrowserSession(client)
    await browser.signIn('staff@minato.example', DEMO_PASSWORD)
    const response = await browser.get('/m/minato/p/sample_program/notes')
    response.assertStatus(404)
  })

  test("another municipality's notes are not listed", async ({ client, assert }) => {
    const { municipality: shinjuku } = await createSecondTenant()
    await db.table('sample_program_notes').insert({
      municipality_id: shinjuku.id,
      body: '新宿のメモ',
      created_at: new Date(),
    })
    const browser = new BrowserSession(client)
    await browser.signIn('staff@minato.example', DEMO_PASSWORD)
    const response = await browser.get('/m/minato/p/sample_program/notes')
    assert.deepEqual(response.body().props.notes, [])
  })
})
