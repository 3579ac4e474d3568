import { test, timeTravel } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import User from '#identity/user'
import Resident from '#residents/resident'
import Child from '#residents/child'
import Membership from '#identity/membership'
import ResidentClaims, {
  CLAIM_CODE_ALPHABET,
  CLAIM_CODE_DAYS,
  formatClaimCode,
  normalizeClaimCode,
  type RequestOrigin,
  type SelfRegistration,
} from '#residents/resident_claims'
import ResidentAccountRefusal from '#residents/resident_account_refusal'
import ResidentRefusal from '#residents/resident_refusal'
import { sha256Hex } from '#shared/sha256'
import { todayInJapan } from '#ledger/coupon_issuance'
import { events } from '#tests/helpers/staff_console'
import { minato, staffOf } from '#tests/helpers/programs'
import { isolatedTests } from '#tests/helpers/isolated_tests'
import { newResident } from '#tests/helpers/ledger_residents'

/** The last audit event before the test */
let firstEventId = 0

const ORIGIN: RequestOrigin = {
  source: { channel: 'web', ip: '192.0.2.20' },
  destination: 'tests',
}
const CODE = new RegExp(
  `^[${CLAIM_CODE_ALPHABET}]{4}-[${CLAIM_CODE_ALPHABET}]{4}-[${CLAIM_CODE_ALPHABET}]{4}$`
)

let accounts = 0
/**
 * A new verified account with no membership anywhere. Quietly: these
 * accounts never sign in, and hashing a password per account would make
 * the throttle tests slow.
 */
async function newAccount() {
  accounts++
  return User.createQuietly({
    email: `claimer-${process.pid}-${accounts}@example.jp`,
    password: 'never-used',
    fullName: `鈴木 ${accounts}`,
    emailVerifiedAt: DateTime.now(),
  })
}

async function suzuki() {
  const city = await minato()
  return Resident.findByOrFail({ municipalityId: city.id, residentNumber: 'MN-000103' })
}

async function issued(resident?: Resident) {
  const city = await minato()
  const record = resident ?? (await suzuki())
  const code = await new ResidentClaims().issue(city.id, record.id, await staffOf(city))
  return { city, record, ...code }
}

/** The refusal code a piece of work ends with; fails the test if it succeeds */
async function refusalOf(work: () => Promise<unknown>) {
  try {
    await work()
  } catch (error) {
    if (error instanceof ResidentAccountRefusal || error instanceof ResidentRefusal) {
      return error.code
    }
    throw error
  }
  throw new Error('accepted')
}

async function denials(municipalityId: number) {
  const rows = await events(municipalityId, 'resident.claim_denied', firstEventId)
  return rows.map((row) => JSON.parse(row.details).reason as string)
}

test.group('Resident claims: codes staff hand out', (group) => {
  isolatedTests(group, (id) => (firstEventId = id))

  test('a code is 12 unambiguous characters, valid 30 days, stored only as its hash; audited without it', async ({
    assert,
  }) => {
    const { city, record, code, expiresAt, residentNumber } = await issued()
    assert.match(code, CODE)
    assert.equal(residentNumber, 'MN-000103')
    assert.closeTo(expiresAt.getTime(), Date.now() + CLAIM_CODE_DAYS * 86_400_000, 5_000)
    const row = await db.from('resident_claim_codes').where('resident_id', record.id).firstOrFail()
    assert.equal(row.code_hash, sha256Hex(code.replaceAll('-', '')))
    assert.notInclude(JSON.stringify(row), code.replaceAll('-', ''))

    const [event] = await events(city.id, 'resident.claim_code_issued')
    assert.equal(Number(event.subject_resident_id), record.id)
    assert.equal(event.actor_role, 'municipal_staff')
    assert.notInclude(event.details, code.replaceAll('-', '').slice(0, 4) + code.slice(5, 9))
    assert.notInclude(event.details, code)
  })

  test('codes read the same typed any way: small letters, full width, spaces, no hyphens', ({
    assert,
  }) => {
    assert.equal(normalizeClaimCode('abcd-2345-wxyz'), 'ABCD2345WXYZ')
    assert.equal(normalizeClaimCode('ＡＢＣＤ　２３４５　ｗｘｙｚ'), 'ABCD2345WXYZ')
    assert.equal(normalizeClaimCode(' abcd2345wxyz '), 'ABCD2345WXYZ')
    assert.equal(normalizeClaimCode('ABCD－2345ーWXYZ'), 'ABCD2345WXYZ')
    assert.equal(formatClaimCode('ABCD2345WXYZ'), 'ABCD-2345-WXYZ')
  })

  test('no code for a record an account already holds', async ({ assert }) => {
    const city = await minato()
    const hanako = await Resident.findByOrFail({
      municipalityId: city.id,
      residentNumber: 'MN-000101',
    })
    assert.equal(
      await refusalOf(async () =>
        new ResidentClaims().issue(city.id, hanako.id, await staffOf(city))
      ),
      'record_already_linked'
    )
    assert.lengthOf(await db.from('resident_claim_codes').where('resident_id', hanako.id), 0)
  })

  test("another municipality's resident id is not found", async ({ assert }) => {
    const city = await minato()
    const record = await suzuki()
    await assert.rejects(() =>
      new ResidentClaims().issue(city.id + 999, record.id, {
        actorUserId: null,
        actorRole: 'municipal_staff',
        source: { channel: 'web' },
      })
    )
  })
})

test.group('Resident claims: claiming a record', (group) => {
  isolatedTests(group, (id) => (firstEventId = id))

  test('the ID and code link the account, add the resident membership and use the code up', async ({
    assert,
  }) => {
    const { city, record, code } = await issued()
    const user = await newAccount()
    // Typed on a phone: small letters, spaces for hyphens, a full-width ID
    const typed = code.toLowerCase().replaceAll('-', ' ')
    const claimed = await new ResidentClaims().claim(
      user,
      { municipalityId: city.id, residentNumber: 'ｍｎ－０００１０３', code: typed },
      ORIGIN
    )
    assert.equal(claimed.id, record.id)
    await record.refresh()
    assert.equal(record.userId, user.id)
    const memberships = await Membership.query().where('user_id', user.id)
    assert.deepEqual(
      memberships.map((membership) => [membership.role, membership.municipalityId]),
      [['resident', city.id]]
    )
    const row = await db.from('resident_claim_codes').where('resident_id', record.id).firstOrFail()
    assert.isNotNull(row.used_at)
    assert.equal(Number(row.used_by_user_id), user.id)

    const [event] = await events(city.id, 'resident.claimed')
    assert.equal(Number(event.actor_user_id), user.id)
    assert.equal(Number(event.subject_resident_id), record.id)
    assert.equal(event.actor_role, 'resident')
  })

  test('a wrong ID, a wrong code, a used code and an expired code all get one answer', async ({
    assert,
  }) => {
    const { city, record, code } = await issued()
    const claims = new ResidentClaims()
    const stranger = await newAccount()
    const claim = (user: User, residentNumber: string, typed: string) =>
      refusalOf(() =>
        claims.claim(user, { municipalityId: city.id, residentNumber, code: typed }, ORIGIN)
      )

    assert.equal(await claim(stranger, 'MN-999999', code), 'claim_failed')
    assert.equal(await claim(stranger, 'MN-000102', code), 'claim_failed')
    assert.equal(await claim(stranger, 'MN-000103', 'ABCD-EFGH-JKMN'), 'claim_failed')

    // Used: the first account claims, a second account tries the same paper
    const first = await newAccount()
    await claims.claim(
      first,
      { municipalityId: city.id, residentNumber: 'MN-000103', code },
      ORIGIN
    )
    const second = await newAccount()
    assert.equal(await claim(second, 'MN-000103', code), 'claim_failed')
    await record.refresh()
    assert.equal(record.userId, first.id)
    assert.lengthOf(await Membership.query().where('user_id', second.id), 0)
    assert.lengthOf(await Membership.query().where('user_id', stranger.id), 0)

    const reasons = await denials(city.id)
    assert.deepEqual(reasons.reverse(), [
      'unknown_resident',
      'wrong_code',
      'wrong_code',
      'used_code',
    ])
    const denied = await events(city.id, 'resident.claim_denied', firstEventId)
    assert.isTrue(denied.every((row) => row.outcome === 'denied'))
    assert.isTrue(denied.every((row) => !row.details.includes(code.replaceAll('-', ''))))
  })

  test('a code is refused after its 30 days', async ({ assert }) => {
    const { city, record, code } = await issued()
    const user = await newAccount()
    timeTravel(`${CLAIM_CODE_DAYS * 24 + 1} hours`)
    assert.equal(
      await refusalOf(() =>
        new ResidentClaims().claim(
          user,
          { municipalityId: city.id, residentNumber: 'MN-000103', code },
          ORIGIN
        )
      ),
      'claim_failed'
    )
    await record.refresh()
    assert.isNull(record.userId)
    assert.deepEqual(await denials(city.id), ['expired_code'])
  })

  test('issuing again voids the older unused code', async ({ assert }) => {
    const first = await issued()
    const second = await issued()
    assert.notEqual(first.code, second.code)
    const claims = new ResidentClaims()
    const user = await newAccount()
    const input = { municipalityId: first.city.id, residentNumber: 'MN-000103' }
    assert.equal(
      await refusalOf(() => claims.claim(user, { ...input, code: first.code }, ORIGIN)),
      'claim_failed'
    )
    await claims.claim(user, { ...input, code: second.code }, ORIGIN)
    await first.record.refresh()
    assert.equal(first.record.userId, user.id)
    const [event] = await events(first.city.id, 'resident.claim_code_issued')
    assert.equal(JSON.parse(event.details).voided, 1)
  })

  test('an account that already has its record there cannot claim another', async ({ assert }) => {
    const { city, record, code } = await issued()
    const hanako = await User.findByOrFail('email', 'hanako@example.jp')
    assert.equal(
      await refusalOf(() =>
        new ResidentClaims().claim(
          hanako,
          { municipalityId: city.id, residentNumber: 'MN-000103', code },
          ORIGIN
        )
      ),
      'account_already_linked'
    )
    await record.refresh()
    assert.isNull(record.userId)
    const row = await db.from('resident_claim_codes').where('resident_id', record.id).firstOrFail()
    assert.isNull(row.used_at)
  })

  test('five wrong codes pause the account, even for the right code', async ({ assert }) => {
    const { city, record, code } = await issued()
    const claims = new ResidentClaims()
    const user = await newAccount()
    const input = { municipalityId: city.id, residentNumber: 'MN-000103' }
    for (let attempt = 0; attempt < 5; attempt++) {
      assert.equal(
        await refusalOf(() => claims.claim(user, { ...input, code: 'WRONG-CODE-XX' }, ORIGIN)),
        'claim_failed'
      )
    }
    const refusal = await claims
      .claim(user, { ...input, code }, ORIGIN)
      .catch((error: ResidentAccountRefusal) => error)
    assert.instanceOf(refusal, ResidentAccountRefusal)
    assert.equal((refusal as ResidentAccountRefusal).code, 'throttled')
    assert.isAtLeast(Number((refusal as ResidentAccountRefusal).values.minutes), 1)
    await record.refresh()
    assert.isNull(record.userId)
    const [newest] = await denials(city.id)
    assert.equal(newest, 'throttled')
  })

  test('ten wrong codes for one 利用者ID from many accounts pause that ID', async ({ assert }) => {
    const { city, record, code } = await issued()
    const claims = new ResidentClaims()
    const input = { municipalityId: city.id, residentNumber: 'MN-000103' }
    for (let attempt = 0; attempt < 10; attempt++) {
      const guesser = await newAccount()
      await refusalOf(() => claims.claim(guesser, { ...input, code: `WRONG${attempt}` }, ORIGIN))
    }
    const owner = await newAccount()
    assert.equal(
      await refusalOf(() => claims.claim(owner, { ...input, code }, ORIGIN)),
      'throttled'
    )
    // Another ID is not paused
    const other = await newResident(city, {
      prefix: 'C',
      familyName: '高橋',
      givenNameStem: '優',
      familyNameKana: 'タカハシ',
      givenNameKana: 'ユウ',
    })
    const otherCode = await issued(other)
    await claims.claim(
      owner,
      { ...input, residentNumber: other.residentNumber, code: otherCode.code },
      ORIGIN
    )
    await record.refresh()
    assert.isNull(record.userId)
  })
})

test.group('Resident claims: registering oneself', (group) => {
  isolatedTests(group, (id) => (firstEventId = id))

  const today = () => DateTime.fromISO(todayInJapan())
  const me = (municipalityId: number): SelfRegistration => ({
    municipalityId,
    familyName: '中村',
    givenName: '愛',
    familyNameKana: 'ナカムラ',
    givenNameKana: 'アイ',
    phone: '080-1111-2222',
    children: [
      {
        givenName: null,
        dueDate: today().plus({ months: 3 }).toISODate()!,
        birthDate: null,
        multipleBirth: false,
      },
    ],
  })

  test('a new resident gets a provisional WEB- ID, their children and the membership', async ({
    assert,
  }) => {
    const city = await minato()
    const user = await newAccount()
    const resident = await new ResidentClaims().registerSelf(user, me(city.id), ORIGIN)
    assert.equal(resident.residentNumber, `WEB-${String(resident.id).padStart(6, '0')}`)
    assert.equal(resident.userId, user.id)
    assert.include(resident.serialize(), { familyName: '中村', familyNameKana: 'ナカムラ' })
    const children = await Child.query().where('resident_id', resident.id)
    assert.lengthOf(children, 1)
    assert.equal(children[0].dueDate, today().plus({ months: 3 }).toISODate())
    const membership = await Membership.query()
      .where({ user_id: user.id, municipality_id: city.id, role: 'resident' })
      .first()
    assert.isNotNull(membership)
    const [event] = await events(city.id, 'resident.self_registered')
    assert.equal(Number(event.subject_resident_id), resident.id)
    assert.deepEqual(JSON.parse(event.details).child_ids, [children[0].id])
  })

  test('refused when the account already has a record there; bad child dates change nothing', async ({
    assert,
  }) => {
    const city = await minato()
    const hanako = await User.findByOrFail('email', 'hanako@example.jp')
    const before = await Resident.query().count('* as total')
    assert.equal(
      await refusalOf(() => new ResidentClaims().registerSelf(hanako, me(city.id), ORIGIN)),
      'account_already_linked'
    )
    const user = await newAccount()
    const future = { ...me(city.id) }
    future.children = [
      {
        givenName: null,
        dueDate: null,
        birthDate: today().plus({ days: 3 }).toISODate()!,
        multipleBirth: false,
      },
    ]
    const refusal = await new ResidentClaims()
      .registerSelf(user, future, ORIGIN)
      .catch((error: ResidentRefusal) => error)
    assert.instanceOf(refusal, ResidentRefusal)
    assert.equal((refusal as ResidentRefusal).code, 'birth_date_in_future')
    assert.equal((refusal as ResidentRefusal).field, 'children.0.birth_date')
    const after = await Resident.query().count('* as total')
    assert.equal(after[0].$extras.total, before[0].$extras.total)
    assert.lengthOf(await Membership.query().where('user_id', user.id), 0)
  })
})

test.group('Resident claims: two claims at once', (group) => {
  const created: { users: number[]; residents: number[] } = { users: [], residents: [] }
  group.each.teardown(async () => {
    await db.from('resident_claim_codes').whereIn('resident_id', created.residents).delete()
    await db.from('memberships').whereIn('user_id', created.users).delete()
    await db.from('residents').whereIn('id', created.residents).delete()
    await db.from('users').whereIn('id', created.users).delete()
  })

  test('of two accounts claiming with the same paper at once, one wins', async ({ assert }) => {
    const city = await minato()
    const record = await newResident(city, {
      prefix: 'RACE',
      familyName: '競争',
      givenNameStem: '一',
      familyNameKana: 'キョウソウ',
      givenNameKana: 'ハジメ',
    })
    created.residents.push(record.id)
    const { code } = await issued(record)
    const users = [await newAccount(), await newAccount()]
    created.users.push(...users.map((user) => user.id))

    const outcomes = await Promise.all(
      users.map((user) =>
        new ResidentClaims()
          .claim(
            user,
            { municipalityId: city.id, residentNumber: record.residentNumber, code },
            ORIGIN
          )
          .then(() => 'linked')
          .catch((error: ResidentAccountRefusal) => error.code)
      )
    )
    assert.sameMembers(outcomes, ['linked', 'claim_failed'])
    await record.refresh()
    const winner = users[outcomes.indexOf('linked')]
    assert.equal(record.userId, winner.id)
    const memberships = await Membership.query().whereIn(
      'user_id',
      users.map((user) => user.id)
    )
    assert.deepEqual(
      memberships.map((membership) => membership.userId),
      [winner.id]
    )
  })
})
