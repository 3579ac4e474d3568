import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import ace from '@adonisjs/core/services/ace'
import hash from '@adonisjs/core/services/hash'
import db from '@adonisjs/lucid/services/db'
import OperatorCreate from '#operator/operator_create_command'
import User from '#identity/user'
import Membership from '#identity/membership'
import Municipality from '#tenancy/municipality'
import { chainKeyFor } from '#audit/audit_event_input'
import { linkIn, waitForMail } from '#tests/helpers/mailbox'
import BrowserSession from '#tests/helpers/browser_session'

const PASSWORD = 'うんえいの ながい あいことば'
const ASK = 'Password (8 characters or more)'
const AGAIN = 'The same password again'

/** Runs operator:create, answering the password prompts when given */
async function run(commandArgs: string[], answers?: [string, string]) {
  ace.ui.switchMode('raw')
  try {
    const command = await ace.create(OperatorCreate, commandArgs)
    if (answers) {
      command.prompt.trap(ASK).replyWith(answers[0])
      command.prompt.trap(AGAIN).replyWith(answers[1])
    }
    await command.exec()
    const output = command.ui.logger
      .getLogs()
      .map((log) => log.message)
      .join('\n')
    return { exitCode: command.exitCode, output }
  } finally {
    ace.ui.switchMode('normal')
  }
}

async function rolesOf(email: string) {
  const user = await User.findBy('email', email)
  if (!user) return null
  const memberships = await Membership.query().where('user_id', user.id).orderBy('id')
  return memberships.map((membership) => [membership.role, membership.municipalityId])
}

test.group('operator:create', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('creates the first platform operator with the password typed twice; audited', async ({
    assert,
  }) => {
    const result = await run(['--email=Ops@Example.jp', '--name=運営 太郎'], [PASSWORD, PASSWORD])
    assert.equal(result.exitCode, 0, result.output)
    assert.include(result.output, 'Created platform_operator: ops@example.jp')
    assert.deepEqual(await rolesOf('ops@example.jp'), [['platform_operator', null]])
    const user = await User.findByOrFail('email', 'ops@example.jp')
    assert.isTrue(await hash.verify(user.password, PASSWORD))
    assert.isNotNull(user.emailVerifiedAt)
    const event = await db
      .from('audit_events')
      .where({ chain_key: 'platform', action: 'operator.created' })
      .firstOrFail()
    assert.equal(event.source_channel, 'cli')
    assert.include(String(event.details), `"user_id":${user.id}`)
  })

  test('refuses a weak or mistyped password, a duplicate address and a bad one', async ({
    assert,
  }) => {
    const short = await run(['--email=ops@example.jp', '--name=運営'], ['short', 'short'])
    assert.equal(short.exitCode, 1)
    assert.include(short.output, 'password')
    const mistyped = await run(
      ['--email=ops@example.jp', '--name=運営'],
      [PASSWORD, `${PASSWORD}x`]
    )
    assert.equal(mistyped.exitCode, 1)
    const common = await run(['--email=ops@example.jp', '--name=運営'], ['password', 'password'])
    assert.equal(common.exitCode, 1)
    assert.isNull(await User.findBy('email', 'ops@example.jp'))

    const taken = await run(['--email=Admin@Minato.example', '--name=運営'], [PASSWORD, PASSWORD])
    assert.equal(taken.exitCode, 1)
    assert.include(taken.output, 'exists already')
    const minato = await Municipality.findByOrFail('slug', 'minato')
    assert.deepEqual(await rolesOf('admin@minato.example'), [['municipal_admin', minato.id]])

    const bad = await run(['--email=not-an-address', '--name=X', '--locale=fr'])
    assert.equal(bad.exitCode, 1)
    assert.include(bad.output, 'email')
    assert.include(bad.output, 'locale')
    assert.lengthOf(await db.from('audit_events').where('action', 'operator.created'), 0)
  })

  test('--invite mails a link that sets the password; no password is asked or set', async ({
    assert,
    client,
  }) => {
    const since = new Date()
    const result = await run([
      '--email=ops@example.jp',
      '--name=運営 花子',
      '--locale=en',
      '--invite',
    ])
    assert.equal(result.exitCode, 0, result.output)
    const mail = await waitForMail('ops@example.jp', since)
    assert.equal(mail.subject, 'Your Tomoni account was created')
    assert.include(mail.text, 'as Platform operator')
    const link = linkIn(mail)
    assert.match(link, /^\/reset-password\//)
    const user = await User.findByOrFail('email', 'ops@example.jp')
    assert.isNull(user.emailVerifiedAt)

    const browser = new BrowserSession(client)
    const page = await browser.get(link)
    page.assertStatus(200)
    await browser.post(link, { password: PASSWORD, password_confirmation: PASSWORD })
    await user.refresh()
    assert.isTrue(await hash.verify(user.password, PASSWORD))
    assert.isNotNull(user.emailVerifiedAt, 'the link proved the mailbox')
    const event = await db
      .from('audit_events')
      .where({ chain_key: 'platform', action: 'operator.created' })
      .firstOrFail()
    assert.include(String(event.details), '"invited":true')
  })

  test("--municipality creates a municipality's first administrator, only when it has none", async ({
    assert,
  }) => {
    const shinjuku = await Municipality.create({
      code: '131041',
      slug: 'shinjuku',
      nameJa: '新宿区',
      nameEn: 'Shinjuku City',
    })
    const created = await run(
      ['--email=kanri@shinjuku.example', '--name=新宿 管理', '--municipality=131041'],
      [PASSWORD, PASSWORD]
    )
    assert.equal(created.exitCode, 0, created.output)
    assert.deepEqual(await rolesOf('kanri@shinjuku.example'), [['municipal_admin', shinjuku.id]])
    const [event] = await db
      .from('audit_events')
      .where({ chain_key: chainKeyFor(shinjuku.id), action: 'municipality.admin_created' })
    assert.exists(event)

    const second = await run(
      ['--email=second@shinjuku.example', '--name=新宿 二', '--municipality=131041'],
      [PASSWORD, PASSWORD]
    )
    assert.equal(second.exitCode, 1)
    assert.include(second.output, 'has an administrator already')
    assert.isNull(await User.findBy('email', 'second@shinjuku.example'))

    const unknown = await run(
      ['--email=x@example.jp', '--name=X', '--municipality=999999'],
      [PASSWORD, PASSWORD]
    )
    assert.equal(unknown.exitCode, 1)
    assert.include(unknown.output, 'No municipality with this code')
  })
})
