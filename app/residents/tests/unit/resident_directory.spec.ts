import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { errors as lucidErrors } from '@adonisjs/lucid'
import ResidentDirectory, {
  type ChildFields,
  type ResidentFields,
  queryDigest,
  queryKind,
} from '#residents/resident_directory'
import ResidentRefusal from '#residents/resident_refusal'
import Resident from '#residents/resident'
import Child from '#residents/child'
import type Municipality from '#tenancy/municipality'
import { minato, staffOf } from '#tests/helpers/programs'
import { createSecondTenant } from '#tests/helpers/tenants'
import {
  checkChildDates,
  checkKana,
  checkPhone,
  checkResidentNumber,
  searchKana,
} from '#residents/resident_field_rules'

const TODAY = '2026-06-15'

function directoryOf(municipality: Municipality) {
  return new ResidentDirectory(municipality.id, () => TODAY)
}

function fields(overrides: Partial<ResidentFields> = {}): ResidentFields {
  return {
    residentNumber: 'MN-900001',
    familyName: '高橋',
    givenName: '美咲',
    familyNameKana: 'タカハシ',
    givenNameKana: 'ミサキ',
    phone: '03-1234-5678',
    householdNotes: null,
    ...overrides,
  }
}

function child(overrides: Partial<ChildFields> = {}): ChildFields {
  return { givenName: null, dueDate: null, birthDate: null, multipleBirth: false, ...overrides }
}

async function events(municipality: Municipality, action: string) {
  return db
    .from('audit_events')
    .where({ municipality_id: municipality.id, action })
    .orderBy('sequence')
}

async function found(municipality: Municipality, query: string) {
  const result = await directoryOf(municipality).search(query, 1, await staffOf(municipality))
  return result.residents.map((resident) => resident.residentNumber)
}

/** ASCII digits, letters and "-" as typed with a Japanese IME in full-width mode */
function fullWidth(text: string) {
  return text.replaceAll(/[0-9A-Za-z-]/g, (char) =>
    String.fromCodePoint(char.codePointAt(0)! + 0xfee0)
  )
}

async function refusal(work: Promise<unknown>) {
  try {
    await work
  } catch (error) {
    if (error instanceof ResidentRefusal) return { field: error.field, code: error.code }
    throw error
  }
  return null
}

async function notFound(work: Promise<unknown>) {
  try {
    await work
  } catch (error) {
    return error instanceof lucidErrors.E_ROW_NOT_FOUND
  }
  return false
}

test.group('Resident fields: the rules the forms and the CSV import share', () => {
  test('利用者ID: full-width and any dash become ASCII; other characters are refused', ({
    assert,
  }) => {
    assert.deepEqual(checkResidentNumber('ＭＮ－０００１０４'), { ok: true, value: 'MN-000104' })
    assert.deepEqual(checkResidentNumber('MN\u2212000104'), { ok: true, value: 'MN-000104' })
    assert.deepEqual(checkResidentNumber('MN 0001'), { ok: false, code: 'invalid_resident_number' })
    assert.deepEqual(checkResidentNumber('-0001'), { ok: false, code: 'invalid_resident_number' })
  })

  test('kana: half-width becomes full-width; hiragana, kanji and letters are refused', ({
    assert,
  }) => {
    assert.deepEqual(checkKana('ﾀｶﾊｼ'), { ok: true, value: 'タカハシ' })
    assert.deepEqual(checkKana(' ジョン　 スミス '), { ok: true, value: 'ジョン スミス' })
    for (const value of ['たかはし', '高橋', 'Takahashi']) {
      assert.deepEqual(checkKana(value), { ok: false, code: 'kana_only' })
    }
  })

  test('phone: 10 or 11 digits from 0, full-width digits and dashes accepted', ({ assert }) => {
    assert.deepEqual(checkPhone('０９０ー１２３４ー５６７８'), { ok: true, value: '090-1234-5678' })
    assert.deepEqual(checkPhone('0312345678'), { ok: true, value: '0312345678' })
    assert.deepEqual(checkPhone('90-1234-5678'), { ok: false, code: 'invalid_phone' })
    assert.deepEqual(checkPhone('03-1234-567'), { ok: false, code: 'invalid_phone' })
  })

  test('search kana: hiragana and half-width kana read as katakana', ({ assert }) => {
    assert.equal(searchKana('やまだ'), 'ヤマダ')
    assert.equal(searchKana('ﾔﾏﾀﾞ'), 'ヤマダ')
    assert.equal(searchKana('ゔぁ'), 'ヴァ')
  })

  test("a child's dates: one needed, birth not ahead, due within 10 months", ({ assert }) => {
    const check = (dueDate: string | null, birthDate: string | null) =>
      checkChildDates({ dueDate, birthDate }, TODAY)?.code ?? null
    assert.equal(check(null, null), 'child_date_required')
    assert.equal(check(null, '2026-06-16'), 'birth_date_in_future')
    assert.equal(check(null, '2026-06-15'), null)
    assert.equal(check(null, '2008-06-14'), 'birth_date_too_old')
    assert.equal(check(null, '2008-06-15'), null)
    assert.equal(check('2027-04-15', null), null)
    assert.equal(check('2027-04-16', null), 'due_date_too_far')
    assert.equal(check('2025-06-15', null), null)
    assert.equal(check('2025-06-14', null), 'due_date_too_old')
    // An old due date is history once the birth is recorded
    assert.equal(check('2020-01-10', '2020-01-02'), null)
    assert.equal(check('2020-01-10', '2020-08-01'), 'dates_too_far_apart')
    assert.equal(check('2026-10-01', '2026-03-01'), 'dates_too_far_apart')
  })

  test('what a query is, for the audit trail', ({ assert }) => {
    assert.equal(queryKind(''), 'empty')
    assert.equal(queryKind('MN-000101'), 'resident_number')
    assert.equal(queryKind('090-0000-0101'), 'phone')
    assert.equal(queryKind('やまだ'), 'kana')
    assert.equal(queryKind('山田'), 'name')
    assert.equal(queryKind('Smith'), 'name')
  })
})

test.group('Resident directory: search', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('by name in kanji, with or without the space', async ({ assert }) => {
    const city = await minato()
    assert.deepEqual(await found(city, '山田'), ['MN-000101'])
    assert.deepEqual(await found(city, '花子'), ['MN-000101'])
    assert.deepEqual(await found(city, '山田 花子'), ['MN-000101'])
    assert.deepEqual(await found(city, '山田花子'), ['MN-000101'])
    assert.deepEqual(await found(city, '山田　花子'), ['MN-000101'], 'a full-width space')
  })

  test('by kana: katakana, hiragana, half-width', async ({ assert }) => {
    const city = await minato()
    for (const query of ['ヤマダ', 'やまだ', 'ﾔﾏﾀﾞ', 'やまだ はなこ', 'ヤマダハナコ', 'はなこ']) {
      assert.deepEqual(await found(city, query), ['MN-000101'], query)
    }
    assert.deepEqual(await found(city, 'すずき'), ['MN-000103'])
  })

  test('by resident ID: any case, full-width, part of it', async ({ assert }) => {
    const city = await minato()
    assert.deepEqual(await found(city, 'MN-000102'), ['MN-000102'])
    assert.deepEqual(await found(city, 'mn-000102'), ['MN-000102'])
    assert.deepEqual(await found(city, fullWidth('MN-000102')), ['MN-000102'])
    assert.lengthOf(await found(city, 'MN-00010'), 3)
  })

  test('by phone digits, with or without hyphens, full-width digits too', async ({ assert }) => {
    const city = await minato()
    assert.deepEqual(await found(city, '090-0000-0101'), ['MN-000101'])
    assert.deepEqual(await found(city, '09000000101'), ['MN-000101'])
    assert.deepEqual(await found(city, fullWidth('09000000101')), ['MN-000101'])
    assert.deepEqual(await found(city, fullWidth('090-0000-0102')), ['MN-000102'])
    assert.deepEqual(await found(city, '0000-0102'), ['MN-000102'])
  })

  test('wildcards are text, and a query that matches nothing finds nothing', async ({ assert }) => {
    const city = await minato()
    assert.deepEqual(await found(city, '%'), [])
    assert.deepEqual(await found(city, '_'), [])
    assert.deepEqual(await found(city, '田中'), [])
  })

  test('an empty query lists the newest first, counts children, pages', async ({ assert }) => {
    const city = await minato()
    const by = await staffOf(city)
    const directory = directoryOf(city)
    const resident = await directory.register(
      fields(),
      { ...child({ dueDate: '2026-12-01', multipleBirth: true }), count: 2 },
      by
    )
    const result = await directory.search('', 1, by)
    assert.equal(result.residents[0].id, resident.id)
    assert.equal(result.residents[0].childrenCount, 2)
    assert.equal(result.residents[0].name, '高橋 美咲')
    assert.equal(result.residents[0].kana, 'タカハシ ミサキ')
    assert.equal(result.total, 4)
    assert.equal(result.lastPage, 1)
    const beyond = await directory.search('', 9, by)
    assert.deepEqual(beyond.residents, [])
  })

  test('another municipality is never searched', async ({ assert }) => {
    const { municipality: shinjuku } = await createSecondTenant()
    assert.deepEqual(await found(shinjuku, '山田'), [])
    assert.deepEqual(await found(shinjuku, ''), [])
  })

  test('each search is audited without names or phone numbers in clear', async ({ assert }) => {
    const city = await minato()
    await found(city, 'やまだ')
    await found(city, '090-0000-0101')
    await found(city, 'MN-000101')
    await found(city, '')
    const searched = await events(city, 'residents.searched')
    assert.lengthOf(searched, 4)
    const details = searched.map((event) => JSON.parse(event.details))
    const resident = await Resident.findByOrFail('residentNumber', 'MN-000101')

    assert.include(details[0], { query_kind: 'kana', query_length: 3, total: 1 })
    assert.equal(details[0].query_hmac, queryDigest('やまだ'))
    assert.deepEqual(details[0].shown_resident_ids, [resident.id])
    assert.include(details[1], { query_kind: 'phone', query_length: 13 })
    assert.include(details[2], { query_kind: 'resident_number', query: 'MN-000101' })
    assert.include(details[3], { query_kind: 'empty', total: 3 })
    assert.notInclude(searched[0].details, 'やまだ')
    assert.notInclude(searched[0].details, 'ヤマダ')
    assert.notInclude(searched[1].details, '0000-0101')
    assert.notInclude(searched[1].details, '00000101')
    for (const event of searched) {
      assert.equal(event.purpose, 'resident_search')
      assert.equal(event.actor_role, 'municipal_staff')
    }
  })
})

test.group('Resident directory: pages and the search index', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  /** Registers residents numbered MN-5xxxxx, one after the other */
  async function registerMany(city: Municipality, count: number, from: number, kana = 'サトウ') {
    const directory = directoryOf(city)
    const by = await staffOf(city)
    for (let index = from; index < from + count; index++) {
      await directory.register(
        fields({
          residentNumber: `MN-5${String(index).padStart(5, '0')}`,
          familyNameKana: kana,
          givenNameKana: `ア${'イ'.repeat(index % 7)}`,
          phone: null,
        }),
        null,
        by
      )
    }
  }

  async function newestFirst(city: Municipality) {
    const rows = await db
      .from('residents')
      .where('municipality_id', city.id)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .select('id')
    return rows.map((row) => Number(row.id))
  }

  const ids = (result: { residents: { id: number }[] }) => result.residents.map((row) => row.id)

  test('next and previous pages neither repeat nor skip a row when residents are registered in between', async ({
    assert,
  }) => {
    const city = await minato()
    const by = await staffOf(city)
    const directory = directoryOf(city)
    await registerMany(city, 57, 0)
    const before = await newestFirst(city)
    assert.lengthOf(before, 60)

    const first = await directory.search('', 1, by)
    assert.deepEqual(ids(first), before.slice(0, 25))
    assert.isNull(first.previousCursor)
    assert.equal(first.nextCursor, before[24])

    // Five residents registered while staff read page 1: they go before it
    await registerMany(city, 5, 100)

    const second = await directory.search('', { page: 2, after: first.nextCursor! }, by)
    assert.deepEqual(ids(second), before.slice(25, 50))
    assert.include(second, { page: 2, total: 65, lastPage: 3 })
    const third = await directory.search('', { page: 3, after: second.nextCursor! }, by)
    assert.deepEqual(ids(third), before.slice(50, 60))
    assert.isNull(third.nextCursor, 'nothing after the oldest')

    const back = await directory.search('', { page: 2, before: third.previousCursor! }, by)
    assert.deepEqual(ids(back), before.slice(25, 50))
    const backAgain = await directory.search('', { page: 1, before: back.previousCursor! }, by)
    assert.deepEqual(ids(backAgain), before.slice(0, 25))
    assert.isNotNull(backAgain.previousCursor, 'the five new residents are before it')
    assert.equal(backAgain.page, 2)

    const after = await newestFirst(city)
    const last = await directory.search('', { last: true }, by)
    assert.deepEqual(ids(last), after.slice(50))
    assert.include(last, { page: 3, lastPage: 3, nextCursor: null })
    // A page asked by number (a bookmark) is counted from the start
    assert.deepEqual(ids(await directory.search('', 2, by)), after.slice(25, 50))
  })

  test('a page before the first few rows starts at the first page, full', async ({ assert }) => {
    const city = await minato()
    const by = await staffOf(city)
    const directory = directoryOf(city)
    await registerMany(city, 30, 0)
    const order = await newestFirst(city)
    // The 3rd resident shown: fewer than a page before it
    const result = await directory.search('', { page: 2, before: order[2] }, by)
    assert.deepEqual(ids(result), order.slice(0, 25))
    assert.include(result, { page: 1, previousCursor: null })
  })

  test("a cursor that is not this municipality's resident gives the first page", async ({
    assert,
  }) => {
    const city = await minato()
    const { municipality: shinjuku } = await createSecondTenant()
    const theirs = await directoryOf(shinjuku).register(
      fields({ residentNumber: 'SJ-1' }),
      null,
      await staffOf(shinjuku)
    )
    const by = await staffOf(city)
    const result = await directoryOf(city).search('', { page: 4, after: theirs.id }, by)
    assert.deepEqual(ids(result), await newestFirst(city))
    assert.equal(result.page, 1)
    const none = await directoryOf(city).search('', { page: 2, after: 999_999_999 }, by)
    assert.equal(none.page, 1)
  })

  test('search results page by kana the same way', async ({ assert }) => {
    const city = await minato()
    const by = await staffOf(city)
    const directory = directoryOf(city)
    await registerMany(city, 40, 0, 'オヤマダ')
    const first = await directory.search('おやまだ', 1, by)
    assert.equal(first.total, 40)
    const byKanaThenId = (a: string, b: string) => {
      const [kanaA, idA] = a.split('/')
      const [kanaB, idB] = b.split('/')
      return kanaA === kanaB ? Number(idA) - Number(idB) : kanaA < kanaB ? -1 : 1
    }
    const kanaOrder = (result: { residents: { kana: string; id: number }[] }) =>
      result.residents.map((row) => `${row.kana}/${row.id}`)
    // One more who sorts among the residents of page 1 (given name ア)
    await registerMany(city, 1, 203, 'オヤマダ')
    const second = await directory.search('おやまだ', { page: 2, after: first.nextCursor! }, by)
    assert.lengthOf(second.residents, 15)
    const all = [...kanaOrder(first), ...kanaOrder(second)]
    assert.equal(new Set(all).size, 40, 'no resident twice')
    assert.deepEqual(all, [...all].sort(byKanaThenId))
    assert.equal(second.total, 41)
  })

  test('children are counted for each resident on the page', async ({ assert }) => {
    const city = await minato()
    const by = await staffOf(city)
    const directory = directoryOf(city)
    const none = await directory.register(fields({ residentNumber: 'MN-600001' }), null, by)
    const one = await directory.register(
      fields({ residentNumber: 'MN-600002' }),
      child({ birthDate: '2026-01-10' }),
      by
    )
    const three = await directory.register(
      fields({ residentNumber: 'MN-600003' }),
      { ...child({ birthDate: '2026-02-01', multipleBirth: true }), count: 2 },
      by
    )
    await directory.addChildren(three.id, child({ dueDate: '2026-12-01' }), by)
    const result = await directory.search('', 1, by)
    const counts = new Map(result.residents.map((row) => [row.id, row.childrenCount]))
    assert.equal(counts.get(none.id), 0)
    assert.equal(counts.get(one.id), 1)
    assert.equal(counts.get(three.id), 3)
  })

  test('words of 2 characters (no trigram) and of 3 or more find the same residents', async ({
    assert,
  }) => {
    const city = await minato()
    const by = await staffOf(city)
    const directory = directoryOf(city)
    const koyamada = await directory.register(
      fields({
        residentNumber: 'MN-700001',
        familyName: '小山田',
        givenName: '学',
        familyNameKana: 'オヤマダ',
        givenNameKana: 'マナブ',
        phone: '080-7000-0001',
      }),
      null,
      by
    )
    // 2 characters: the exact tests alone
    assert.sameMembers(await found(city, '山田'), ['MN-000101', 'MN-700001'])
    assert.sameMembers(await found(city, 'やま'), ['MN-000101', 'MN-700001'])
    assert.deepEqual(await found(city, 'ダハ'), ['MN-000101'], 'across family and given name')
    // 3 or more: the trigram index, then the exact tests
    assert.sameMembers(await found(city, 'やまだ'), ['MN-000101', 'MN-700001'])
    assert.deepEqual(await found(city, '小山田'), ['MN-700001'])
    assert.deepEqual(await found(city, 'ダハナ'), ['MN-000101'])
    assert.deepEqual(await found(city, 'mn-7000'), ['MN-700001'], 'any case')
    assert.deepEqual(await found(city, '70000001'), ['MN-700001'], 'phone digits')
    assert.deepEqual(await found(city, '小山田 まなぶ'), ['MN-700001'], 'two words')
    assert.deepEqual(await found(city, '%%%'), [])
    assert.deepEqual(await found(city, 'ヤマダ_'), [])

    // The index follows an edit
    await directory.update(
      koyamada.id,
      {
        ...fields(),
        residentNumber: 'MN-700001',
        familyName: '古山田',
        familyNameKana: 'コヤマダ',
        givenName: '学',
        givenNameKana: 'マナブ',
        phone: null,
      },
      by
    )
    assert.deepEqual(await found(city, 'おやまだ'), [])
    assert.deepEqual(await found(city, 'こやまだ'), ['MN-700001'])
    assert.deepEqual(await found(city, '70000001'), [], 'the old phone number')
  })
})

test.group('Resident directory: register and edit', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('registers a resident with a child expected, audited', async ({ assert }) => {
    const city = await minato()
    const resident = await directoryOf(city).register(
      fields({ householdNotes: '祖母と同居' }),
      child({ dueDate: '2026-11-21', givenName: null }),
      await staffOf(city)
    )
    const stored = await Resident.findOrFail(resident.id)
    assert.include(stored.serialize(), {
      municipalityId: city.id,
      residentNumber: 'MN-900001',
      householdNotes: '祖母と同居',
    })
    const children = await Child.query().where('resident_id', resident.id)
    assert.lengthOf(children, 1)
    assert.equal(children[0].dueDate, '2026-11-21')
    assert.equal(children[0].municipalityId, city.id)

    const [event] = await events(city, 'resident.registered')
    assert.equal(Number(event.subject_resident_id), resident.id)
    assert.deepEqual(JSON.parse(event.details), { child_ids: [children[0].id] })
    assert.notInclude(event.details, '祖母')
  })

  test('twins: one registration, two children marked as a multiple birth', async ({ assert }) => {
    const city = await minato()
    const resident = await directoryOf(city).register(
      fields(),
      { ...child({ birthDate: '2026-05-01', givenName: 'ひかり' }), count: 2 },
      await staffOf(city)
    )
    const children = await Child.query().where('resident_id', resident.id)
    assert.lengthOf(children, 2)
    for (const twin of children) {
      assert.isTrue(twin.multipleBirth)
      assert.equal(twin.birthDate, '2026-05-01')
      assert.isNull(twin.givenName, 'each twin is named on their own')
    }
  })

  test('the 利用者ID is unique in the municipality, and only there', async ({ assert }) => {
    const city = await minato()
    const by = await staffOf(city)
    const before = await Resident.query().where('municipality_id', city.id)
    assert.deepEqual(
      await refusal(
        directoryOf(city).register(
          fields({ residentNumber: 'MN-000101' }),
          child({ dueDate: '2026-11-21' }),
          by
        )
      ),
      { field: 'resident_number', code: 'resident_number_taken' }
    )
    const after = await Resident.query().where('municipality_id', city.id)
    assert.equal(after.length, before.length, 'nothing registered')
    assert.lengthOf(await events(city, 'resident.registered'), 0)

    const { municipality: shinjuku } = await createSecondTenant()
    const elsewhere = await directoryOf(shinjuku).register(
      fields({ residentNumber: 'MN-000101' }),
      null,
      by
    )
    assert.equal(elsewhere.municipalityId, shinjuku.id)
  })

  test('changing the 利用者ID: refused when taken, saved when free', async ({ assert }) => {
    const city = await minato()
    const by = await staffOf(city)
    const suzuki = await Resident.findByOrFail('residentNumber', 'MN-000103')
    const current = {
      ...fields({
        residentNumber: 'MN-000102',
        familyName: suzuki.familyName,
        givenName: suzuki.givenName,
        familyNameKana: suzuki.familyNameKana,
        givenNameKana: suzuki.givenNameKana,
        phone: suzuki.phone,
      }),
    }
    assert.deepEqual(await refusal(directoryOf(city).update(suzuki.id, current, by)), {
      field: 'resident_number',
      code: 'resident_number_taken',
    })
    await suzuki.refresh()
    assert.equal(suzuki.residentNumber, 'MN-000103')

    const { changed } = await directoryOf(city).update(
      suzuki.id,
      { ...current, residentNumber: 'MN-000199', householdNotes: '要見守り' },
      by
    )
    assert.deepEqual(changed, ['resident_number', 'household_notes'])
    await suzuki.refresh()
    assert.equal(suzuki.residentNumber, 'MN-000199')
    assert.equal(suzuki.householdNotes, '要見守り')

    const [event] = await events(city, 'resident.updated')
    assert.equal(Number(event.subject_resident_id), suzuki.id)
    assert.deepEqual(JSON.parse(event.details), { changed: ['resident_number', 'household_notes'] })
    assert.notInclude(event.details, 'MN-000199')
    assert.notInclude(event.details, '要見守り')
  })

  test('keeping its own 利用者ID is not a clash', async ({ assert }) => {
    const city = await minato()
    const yamada = await Resident.findByOrFail('residentNumber', 'MN-000101')
    const { changed } = await directoryOf(city).update(
      yamada.id,
      fields({
        residentNumber: 'MN-000101',
        familyName: '山田',
        givenName: '花子',
        familyNameKana: 'ヤマダ',
        givenNameKana: 'ハナコ',
        phone: '090-0000-0199',
      }),
      await staffOf(city)
    )
    assert.deepEqual(changed, ['phone'])
  })

  test('viewing a resident is audited with the subject', async ({ assert }) => {
    const city = await minato()
    const yamada = await Resident.findByOrFail('residentNumber', 'MN-000101')
    const view = await directoryOf(city).view(yamada.id, await staffOf(city))
    assert.equal(view.residentNumber, 'MN-000101')
    assert.isTrue(view.hasAccount)
    const [event] = await events(city, 'resident.viewed')
    assert.equal(Number(event.subject_resident_id), yamada.id)
    assert.equal(event.purpose, 'resident_record')
  })

  test("another municipality's resident and child are not found, and nothing changes", async ({
    assert,
  }) => {
    const city = await minato()
    const { municipality: shinjuku } = await createSecondTenant()
    const by = await staffOf(shinjuku)
    const yamada = await Resident.findByOrFail('residentNumber', 'MN-000101')
    const kid = await Child.create({
      municipalityId: city.id,
      residentId: yamada.id,
      dueDate: '2026-09-01',
      multipleBirth: false,
    })
    const outsider = directoryOf(shinjuku)
    assert.isTrue(await notFound(outsider.view(yamada.id, by)))
    assert.isTrue(await notFound(outsider.forEditing(yamada.id, by)))
    assert.isTrue(await notFound(outsider.update(yamada.id, fields(), by)))
    assert.isTrue(
      await notFound(outsider.addChildren(yamada.id, child({ dueDate: '2026-09-01' }), by))
    )
    assert.isTrue(
      await notFound(outsider.updateChild(yamada.id, kid.id, child({ dueDate: '2026-10-01' }), by))
    )
    // Their own resident with Minato's child id: still not found
    const own = await outsider.register(fields(), null, by)
    assert.isTrue(
      await notFound(outsider.updateChild(own.id, kid.id, child({ dueDate: '2026-10-01' }), by))
    )

    await yamada.refresh()
    assert.equal(yamada.familyName, '山田')
    await kid.refresh()
    assert.equal(kid.dueDate, '2026-09-01')
    assert.lengthOf(await events(city, 'resident.viewed'), 0)
    assert.lengthOf(await events(shinjuku, 'resident.updated'), 0)
  })
})

test.group('Resident directory: children', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('adding a child checks the dates and is audited', async ({ assert }) => {
    const city = await minato()
    const by = await staffOf(city)
    const yamada = await Resident.findByOrFail('residentNumber', 'MN-000101')
    const directory = directoryOf(city)

    const cases: [Partial<ChildFields>, string, string][] = [
      [{}, 'due_date', 'child_date_required'],
      [{ birthDate: '2026-06-16' }, 'birth_date', 'birth_date_in_future'],
      [{ dueDate: '2027-06-01' }, 'due_date', 'due_date_too_far'],
      [{ dueDate: '2024-01-01' }, 'due_date', 'due_date_too_old'],
      [{ birthDate: '1990-01-01' }, 'birth_date', 'birth_date_too_old'],
    ]
    for (const [dates, field, code] of cases) {
      assert.deepEqual(
        await refusal(directory.addChildren(yamada.id, child(dates), by)),
        { field, code },
        JSON.stringify(dates)
      )
    }
    assert.lengthOf(await Child.query().where('resident_id', yamada.id), 0)
    assert.lengthOf(await events(city, 'resident.child_added'), 0)

    const [added] = await directory.addChildren(
      yamada.id,
      child({ dueDate: '2026-08-15', givenName: 'さくら' }),
      by
    )
    assert.equal(added.givenName, 'さくら')
    const [event] = await events(city, 'resident.child_added')
    assert.equal(Number(event.subject_resident_id), yamada.id)
    assert.deepEqual(JSON.parse(event.details), { child_ids: [added.id] })
  })

  test('changing a child after coupons were issued: allowed, lots unchanged, counted', async ({
    assert,
  }) => {
    const city = await minato()
    const by = await staffOf(city)
    const yamada = await Resident.findByOrFail('residentNumber', 'MN-000101')
    const directory = directoryOf(city)
    const [kid] = await directory.addChildren(yamada.id, child({ dueDate: '2026-08-15' }), by)
    await db.table('ledger_lots').insert({
      municipality_id: city.id,
      resident_id: yamada.id,
      child_id: kid.id,
      plugin_id: 'postpartum_support',
      program_code: 'postpartum',
      definition_version: 'test',
      services: '["home_helper"]',
      valid_from: '2026-01-01',
      valid_to: '2027-08-14',
      granted_minutes: 600,
      available_minutes: 600,
      status: 'active',
      created_at: new Date(),
    })

    const view = await directory.view(yamada.id, by)
    assert.equal(view.children[0].lotsIssued, 1)

    const result = await directory.updateChild(
      yamada.id,
      kid.id,
      child({ dueDate: '2026-08-15', birthDate: '2026-06-10', givenName: 'さくら' }),
      by
    )
    assert.equal(result.lotsIssued, 1)
    assert.deepEqual(result.changed, ['given_name', 'birth_date'])
    await kid.refresh()
    assert.equal(kid.birthDate, '2026-06-10')
    const lot = await db.from('ledger_lots').where('child_id', kid.id).firstOrFail()
    assert.equal(lot.valid_to, '2027-08-14', 'an issued lot keeps its validity')

    const updates = await events(city, 'resident.child_updated')
    assert.lengthOf(updates, 1)
    assert.deepEqual(JSON.parse(updates[0].details), {
      child_id: kid.id,
      changed: ['given_name', 'birth_date'],
      lots_issued: 1,
    })
    assert.notInclude(updates[0].details, 'さくら')
  })

  test('a birth date in the future is refused on change too, and nothing changes', async ({
    assert,
  }) => {
    const city = await minato()
    const by = await staffOf(city)
    const yamada = await Resident.findByOrFail('residentNumber', 'MN-000101')
    const directory = directoryOf(city)
    const [kid] = await directory.addChildren(yamada.id, child({ dueDate: '2026-08-15' }), by)
    assert.deepEqual(
      await refusal(
        directory.updateChild(
          yamada.id,
          kid.id,
          child({ dueDate: '2026-08-15', birthDate: '2026-07-01' }),
          by
        )
      ),
      { field: 'birth_date', code: 'birth_date_in_future' }
    )
    await kid.refresh()
    assert.isNull(kid.birthDate)
    assert.lengthOf(await events(city, 'resident.child_updated'), 0)
  })
})
