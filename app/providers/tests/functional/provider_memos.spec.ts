import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { events, lastAuditEventId, signedIn } from '#tests/helpers/staff_console'
import { minato } from '#tests/helpers/programs'
import { aozoraMemo, otherProvidersVisit } from '#tests/helpers/tenant_routes/provider_history'
import {
  POSTPARTUM,
  aozoraStation,
  ledgerVisit,
  residentWithLot,
} from '#tests/helpers/usage_fixtures'

/** A visit at Aozora's station, one at another provider, and a resident Aozora never served */
async function visits() {
  const city = await minato()
  const { provider, facility } = await aozoraStation()
  const mother = await residentWithLot(city, { familyName: '港', givenName: '花子' }, POSTPARTUM)
  const visit = await ledgerVisit(city, mother, POSTPARTUM, {
    service: 'home_helper',
    date: '2026-11-04',
    minutes: 120,
    providerId: provider.id,
    facilityId: facility.id,
  })
  const { other, stranger, othersVisit } = await otherProvidersVisit(city, 'II')
  return { city, provider, mother, visit, other, stranger, othersVisit }
}

/** ASCII letters and digits as a Japanese keyboard may type them (ａ-１) */
function fullWidth(text: string) {
  return text.replace(/[0-9A-Za-z]/g, (char) => String.fromCodePoint(char.codePointAt(0)! + 0xfee0))
}

async function memoCount() {
  const [row] = await db.from('provider_memos').count('* as n')
  return Number(row.n)
}

async function memosPage(client: Parameters<typeof signedIn>[0], email = 'helper@aozora.example') {
  const browser = await signedIn(client, email)
  const page = await browser.get('/m/minato/provider/memos')
  page.assertStatus(200)
  return browser
}

test.group('Provider console: memos', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a memo on a visit and one on a resident: listed, on the history row, audited', async ({
    client,
    assert,
  }) => {
    const { city, mother, visit } = await visits()
    const browser = await memosPage(client)
    const before = await lastAuditEventId()

    const chosen = await browser.get(`/m/minato/provider/memos?visit=${visit}`)
    assert.equal(chosen.body().props.chosenVisit, visit)
    assert.equal(chosen.body().props.visits[0].id, visit)
    assert.equal(chosen.body().props.visits[0].service, '家事支援（ホームヘルパー）')

    let response = await browser.post('/m/minato/provider/memos', {
      target: 'visit',
      redemption_id: visit,
      body: '使用日 11月4日（予定は3日）',
    })
    response.assertStatus(302)
    response = await browser.post('/m/minato/provider/memos', {
      target: 'resident',
      // Typed as the resident lookup accepts it: lower case, full-width
      resident_number: fullWidth(mother.residentNumber.toLowerCase()),
      body: '次回はエプロン持参',
    })
    response.assertStatus(302)

    const page = await browser.get('/m/minato/provider/memos')
    page.assertInertiaComponent('providers/provider/memos/index')
    assert.equal(page.body().flash.notice, 'メモを保存しました。')
    const memos = page.body().props.memos
    assert.deepEqual(
      memos.map((memo: any) => [memo.body, memo.redemptionId, memo.residentNumber]),
      [
        ['次回はエプロン持参', null, mother.residentNumber],
        ['使用日 11月4日（予定は3日）', visit, mother.residentNumber],
      ]
    )
    assert.isString(memos[0].authorName)

    const history = await browser.get('/m/minato/provider/history?month=2026-11')
    const row = history.body().props.groups[0].visits[0]
    assert.deepEqual(
      row.memos.map((memo: any) => memo.body),
      ['使用日 11月4日（予定は3日）']
    )

    const created = await events(city.id, 'provider.memo_created', before)
    assert.lengthOf(created, 2)
    assert.equal(Number(created[0].subject_resident_id), mother.id)
    assert.notInclude(created[0].details, 'エプロン')
    assert.lengthOf(await events(city.id, 'provider.memos_viewed', before), 2)
  })

  test('bad input is explained and nothing is saved', async ({ client, assert }) => {
    const { visit, stranger } = await visits()
    const browser = await memosPage(client)
    const before = await memoCount()
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ target: 'visit', redemption_id: visit, body: '  ' }, 'body', /メモ/],
      [{ target: 'visit', redemption_id: visit, body: 'あ'.repeat(1001) }, 'body', /1000/],
      [{ target: 'visit', body: 'メモ' }, 'redemption_id', /利用/],
      [{ target: 'resident', body: 'メモ' }, 'resident_number', /利用者ID/],
      [
        { target: 'resident', resident_number: stranger.residentNumber, body: 'メモ' },
        'resident_number',
        /この事業者での利用はありません/,
      ],
      [
        { target: 'resident', resident_number: 'NO-SUCH', body: 'メモ' },
        'resident_number',
        /この事業者での利用はありません/,
      ],
      [{ target: 'someone', body: 'メモ' }, 'target', /メモの対象/],
    ]
    for (const [form, field, message] of cases) {
      await browser.get('/m/minato/provider/memos')
      const response = await browser.post('/m/minato/provider/memos', form)
      assert.equal(response.status(), 302, JSON.stringify(form))
      const page = await browser.get('/m/minato/provider/memos')
      const error = page.body().props.errors[field]
      assert.match(String(error), message, `${JSON.stringify(form)} → ${error}`)
    }
    assert.equal(await memoCount(), before)
  })

  test('another provider’s visit and memos are 404 (audited); its memos are never listed', async ({
    client,
    assert,
  }) => {
    const { city, othersVisit } = await visits()
    const aozoraNote = await aozoraMemo(city, '鍵は管理人室')
    const midori = await memosPage(client, 'midori@example.jp')
    const before = await lastAuditEventId()

    const list = await midori.get('/m/minato/provider/memos')
    assert.deepEqual(list.body().props.memos, [])
    assert.notInclude(JSON.stringify(list.body().props), '鍵は管理人室')

    const deleted = await midori.post(`/m/minato/provider/memos/${aozoraNote}/delete`)
    assert.equal(deleted.status(), 404)
    assert.lengthOf(await events(city.id, 'provider.memo_not_found', before), 1)
    assert.equal(await memoCount(), 1)

    // Aozora's staff cannot write on, or open the form for, みどりケア's visit
    const aozora = await memosPage(client)
    const onOthers = await aozora.post('/m/minato/provider/memos', {
      target: 'visit',
      redemption_id: othersVisit,
      body: 'メモ',
    })
    assert.equal(onOthers.status(), 404)
    const form = await aozora.get(`/m/minato/provider/memos?visit=${othersVisit}`)
    assert.equal(form.status(), 404)
    assert.lengthOf(await events(city.id, 'provider.visit_not_found', before), 2)
    assert.equal(await memoCount(), 1)
  })

  test('deleting one of the provider’s own memos, audited', async ({ client, assert }) => {
    const city = await minato()
    const id = await aozoraMemo(city)
    const browser = await memosPage(client, 'helper@aozora.example')
    const before = await lastAuditEventId()
    const response = await browser.post(`/m/minato/provider/memos/${id}/delete`)
    response.assertStatus(302)
    assert.equal(await memoCount(), 0)
    const deleted = await events(city.id, 'provider.memo_deleted', before)
    assert.lengthOf(deleted, 1)
    assert.include(deleted[0].details, `"memo_id":${id}`)
  })

  test('municipal staff and residents cannot see or write memos (403)', async ({
    client,
    assert,
  }) => {
    const { city, visit } = await visits()
    const id = await aozoraMemo(city)
    for (const email of ['admin@minato.example', 'staff@minato.example', 'hanako@example.jp']) {
      const browser = await signedIn(client, email)
      const page = await browser.get('/m/minato/provider/memos')
      assert.equal(page.status(), 403, email)
      await browser.get('/m/minato')
      const created = await browser.post('/m/minato/provider/memos', {
        target: 'visit',
        redemption_id: visit,
        body: 'x',
      })
      assert.oneOf(created.status(), [302, 403], email)
      const removed = await browser.post(`/m/minato/provider/memos/${id}/delete`)
      assert.oneOf(removed.status(), [302, 403], email)
    }
    assert.equal(await memoCount(), 1)
    const denied = await events(city.id, 'authz.denied')
    assert.isAtLeast(denied.length, 6)
  })
})
