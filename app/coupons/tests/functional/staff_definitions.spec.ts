import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { createSecondTenant } from '#tests/helpers/tenants'
import CouponDefinitions from '#ledger/coupon_definitions'
import LedgerEngine from '#ledger/ledger_engine'
import { minato, residentWithChildren } from '#tests/helpers/programs'
import { latestEvent, signedIn } from '#tests/helpers/staff_console'

const POSTPARTUM = { pluginId: 'postpartum_support', programCode: 'postpartum' }
const SWITCH_URL = '/m/minato/definitions/postpartum_support/postpartum'
const CONFIRM_URL =
  '/m/minato/definitions?plugin=postpartum_support&program=postpartum&confirm=2021-04'

async function defaultVersion() {
  const city = await minato()
  return CouponDefinitions.defaultVersion(city.id, POSTPARTUM)
}

type ProgramProps = {
  pluginId: string
  programCode: string
  canSwitch: boolean
  definitions: { version: string; isDefault: boolean; lots: number; windows: { hours: number }[] }[]
}

function postpartumOf(programs: ProgramProps[]) {
  return programs.find((program) => program.programCode === 'postpartum')!
}

test.group('Staff console: coupon definitions', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('staff see every version with the default marked, but no switch action', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    const page = await browser.get('/m/minato/definitions')
    page.assertStatus(200)
    page.assertInertiaComponent('coupons/staff/definitions')
    const { programs, confirmation } = page.body().props
    assert.isNull(confirmation)
    const postpartum = postpartumOf(programs)
    assert.isFalse(postpartum.canSwitch)
    assert.deepEqual(
      postpartum.definitions.map((definition) => [definition.version, definition.isDefault]),
      [
        ['2024-04', true],
        ['2021-04', false],
      ]
    )
    assert.deepEqual(
      postpartum.definitions[1].windows.map((window) => window.hours),
      [96, 200]
    )
    assert.includeMembers(
      programs.map((program: ProgramProps) => program.pluginId),
      ['postpartum_support', 'single_parent_home_help']
    )
    // and the confirmation step is not theirs either
    const confirm = await browser.get(CONFIRM_URL)
    confirm.assertStatus(403)
  })

  test('an administrator confirms what changes, then switches; lots keep their version', async ({
    client,
    assert,
  }) => {
    const { municipality, resident } = await residentWithChildren([{ birthDate: '2026-02-01' }])
    await LedgerEngine.grant({
      municipalityId: municipality.id,
      residentId: resident.id,
      ...POSTPARTUM,
      definitionVersion: '2024-04',
      services: ['home_helper', 'doula'],
      validFrom: '2026-02-01',
      validTo: '2027-01-31',
      minutes: 128 * 60,
    })
    const browser = await signedIn(client, 'admin@minato.example')
    const list = await browser.get('/m/minato/definitions')
    const postpartum = postpartumOf(list.body().props.programs)
    assert.isTrue(postpartum.canSwitch)
    assert.equal(postpartum.definitions[0].lots, 1)
    // single-parent home help gives the switch to administrators as well
    const homeHelp = list
      .body()
      .props.programs.find((program: ProgramProps) => program.programCode === 'home_help')
    assert.isTrue(homeHelp.canSwitch)

    const confirm = await browser.get(CONFIRM_URL)
    confirm.assertStatus(200)
    const { confirmation } = confirm.body().props
    assert.equal(confirmation.from.version, '2024-04')
    assert.equal(confirmation.to.version, '2021-04')
    assert.deepEqual(
      confirmation.from.windows.map((window: { name: string; hours: number }) => [
        window.name,
        window.hours,
      ]),
      [
        ['妊娠中から1歳の誕生日の前日まで', 128],
        ['1歳から2歳の誕生日の前日まで', 48],
        ['2歳から3歳の誕生日の前日まで', 48],
      ]
    )
    assert.deepEqual(
      confirmation.to.windows.map((window: { hours: number }) => window.hours),
      [96, 200]
    )
    assert.deepEqual(confirmation.to.windows[0].subCaps, [
      { service: '家事・育児支援（産後ドゥーラ）', hours: 15 },
    ])
    assert.equal(confirmation.lotsKeepingTheirVersion, 1)

    // the switch needs the explicit confirmation
    await browser.put(SWITCH_URL, { version: '2021-04' })
    const refused = await browser.get(CONFIRM_URL)
    assert.equal(
      refused.body().props.errors.confirmed,
      '切り替える前に、変更内容を確認したことにチェックを入れてください。'
    )
    assert.equal(await defaultVersion(), '2024-04')

    const response = await browser.put(SWITCH_URL, { version: '2021-04', confirmed: true })
    assert.oneOf(response.status(), [302, 303])
    response.assertHeader('location', '/m/minato/definitions')
    assert.equal(await defaultVersion(), '2021-04')
    const event = await latestEvent()
    assert.equal(event.action, 'coupon_definition.default_switched')
    assert.equal(event.actor_role, 'municipal_admin')
    assert.equal(event.destination, 'tenant.definitions.switch')

    const after = await browser.get('/m/minato/definitions')
    assert.match(after.body().flash.notice, /2021年度の制度/)
    const switched = postpartumOf(after.body().props.programs)
    assert.deepEqual(
      switched.definitions.map((definition) => [definition.version, definition.isDefault]),
      [
        ['2024-04', false],
        ['2021-04', true],
      ]
    )
    // the lot issued before keeps its version
    const lots = await db.from('ledger_lots').where('resident_id', resident.id)
    assert.deepEqual(
      lots.map((lot) => lot.definition_version),
      ['2024-04']
    )
    assert.equal(switched.definitions[0].lots, 1)
  })

  test('bad input: unknown version, unknown program, already the default', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'admin@minato.example')
    await browser.get('/m/minato/definitions')
    await browser.put(SWITCH_URL, { version: '1999-04', confirmed: true })
    const page = await browser.get('/m/minato/definitions')
    assert.equal(page.body().props.errors.version, '制度版「1999-04」はありません。')
    await browser.put(SWITCH_URL, { version: '<b>', confirmed: true })
    const invalid = await browser.get('/m/minato/definitions')
    assert.equal(invalid.body().props.errors.version, '制度版の形式が正しくありません。')
    assert.equal(await defaultVersion(), '2024-04')

    const unknown = await browser.put('/m/minato/definitions/no_such_plugin/postpartum', {
      version: '2024-04',
      confirmed: true,
    })
    unknown.assertStatus(404)
    const badParam = await browser.put('/m/minato/definitions/Postpartum/x', {
      version: '2024-04',
      confirmed: true,
    })
    badParam.assertStatus(404)
    const current = await browser.get(
      '/m/minato/definitions?plugin=postpartum_support&program=postpartum&confirm=2024-04'
    )
    current.assertStatus(404)
    const missing = await browser.get(
      '/m/minato/definitions?plugin=postpartum_support&program=postpartum&confirm=1999-04'
    )
    missing.assertStatus(404)
    const unmatched = await browser.get('/m/minato/definitions?confirm=2021-04')
    assert.oneOf(unmatched.status(), [302, 303])
  })

  test('staff may not switch: refused, recorded, nothing changed', async ({ client, assert }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    await browser.get('/m/minato/definitions')
    const response = await browser.put(SWITCH_URL, { version: '2021-04', confirmed: true })
    assert.oneOf(response.status(), [302, 303])
    const event = await latestEvent()
    assert.equal(event.action, 'authz.denied')
    assert.equal(event.actor_role, 'municipal_staff')
    assert.equal(await defaultVersion(), '2024-04')
    const page = await browser.get('/m/minato/definitions')
    assert.equal(page.body().flash.error, 'この操作を行う権限がありません。')
  })

  test('provider staff and residents get 403; another municipality 404', async ({
    client,
    assert,
  }) => {
    for (const email of ['owner@aozora.example', 'helper@aozora.example', 'hanako@example.jp']) {
      const browser = await signedIn(client, email)
      await browser.get('/')
      const page = await browser.get('/m/minato/definitions')
      page.assertStatus(403)
      const attempt = await browser.put(SWITCH_URL, { version: '2021-04', confirmed: true })
      assert.oneOf(attempt.status(), [302, 303])
    }
    const { admin } = await createSecondTenant()
    const intruder = await signedIn(client, admin.email)
    await intruder.get('/')
    const page = await intruder.get('/m/minato/definitions')
    page.assertStatus(404)
    const attempt = await intruder.put(SWITCH_URL, { version: '2021-04', confirmed: true })
    attempt.assertStatus(404)
    assert.equal(await defaultVersion(), '2024-04')
  })
})
