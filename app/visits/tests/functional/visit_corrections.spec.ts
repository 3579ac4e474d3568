import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type { ApiResponse } from '@japa/api-client'
import LedgerVerifier from '#ledger/ledger_verifier'
import { flashOf, locationOf, type default as BrowserSession } from '#tests/helpers/browser_session'
import { detailsOf, events, signedIn } from '#tests/helpers/staff_console'
import { isolatedTests } from '#tests/helpers/isolated_tests'
import { linkIn, mailboxSettled, mailsSince, waitForMail } from '#tests/helpers/mailbox'
import { HOUR } from '#tests/helpers/programs'
import {
  hanako,
  hanakoWithHours,
  smallLot,
  statusOf,
  waitingAozoraVisit,
} from '#tests/helpers/resident_visits'

const QUEUE = '/m/minato/provider/approvals'
const MY = '/m/minato/my'
const HELPER = 'helper@aozora.example'
const HANAKO = 'hanako@example.jp'

let before = 0

/** The provider corrects a visit to `minutes`: the new visit's id, and the page it leads to */
async function correct(provider: BrowserSession, redemptionId: number, minutes: number) {
  await provider.get(`${QUEUE}/${redemptionId}`)
  const response = await provider.post(`${QUEUE}/${redemptionId}/correct`, { minutes })
  const match = /\/approvals\/(\d+)$/.exec(locationOf(response))
  const page = await provider.get(locationOf(response))
  return { newId: match ? Number(match[1]) : redemptionId, page }
}

/** Approves, and the page it leads to */
async function approve(provider: BrowserSession, redemptionId: number) {
  await provider.get(`${QUEUE}/${redemptionId}`)
  const response = await provider.post(`${QUEUE}/${redemptionId}/approve`)
  return provider.get(locationOf(response))
}

/** The visit as the resident's history lists it */
async function historyItem(resident: BrowserSession, redemptionId: number) {
  const page = await resident.get(`${MY}/history`)
  const items = page.body().props.history.items as { type: string; id: number }[]
  return items.find((item) => item.type === 'visit' && item.id === redemptionId) as
    Record<string, any> | undefined
}

/** Follows redirects (a corrected visit's page leads to its replacement) to the page */
async function landing(browser: BrowserSession, response: ApiResponse) {
  let page = response
  while (page.status() === 302) page = await browser.get(locationOf(page))
  return page
}

/** The resident presses "confirm" on their visit page, and the page it leads to */
async function confirmAsResident(resident: BrowserSession, redemptionId: number) {
  await resident.get(`${MY}/visits/${redemptionId}`)
  const response = await resident.post(`${MY}/visits/${redemptionId}/correction`)
  return { response, page: await landing(resident, response) }
}

test.group('Visit corrections: the resident is told', (group) => {
  isolatedTests(group, (id) => (before = id))

  test('fewer hours: applied, mailed with before and after, shown on the visit and in history', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { redemptionId } = await waitingAozoraVisit(2 * HOUR)
    const provider = await signedIn(client, HELPER)
    const since = await mailboxSettled()
    const { newId, page } = await correct(provider, redemptionId, HOUR)
    assert.include(flashOf(page).notice ?? '', '利用者にはメールでお知らせしました')
    assert.equal(page.body().props.visit.state, 'waiting')
    assert.equal(page.body().props.visit.correctedFromMinutes, 2 * HOUR)

    const mail = await waitForMail(HANAKO, since)
    assert.equal(mail.subject, '利用時間が訂正されました')
    assert.include(mail.text, '訂正前：2 時間 → 訂正後：1 時間')
    assert.include(mail.text, '減った 1 時間は使われず、元に戻っています。')
    assert.equal(linkIn(mail), `${MY}/visits/${newId}`)

    const resident = await signedIn(client, HANAKO)
    const visit = await resident.get(`${MY}/visits/${newId}`)
    assert.equal(visit.body().props.visit.state, 'waiting')
    assert.deepInclude(visit.body().props.correction, {
      fromMinutes: 2 * HOUR,
      toMinutes: HOUR,
      awaitingResident: false,
    })
    const listed = await historyItem(resident, newId)
    assert.deepEqual(listed?.correction, {
      fromMinutes: 2 * HOUR,
      toMinutes: HOUR,
      awaitingResident: false,
    })
    // The replaced reservation is not a second visit in the history.
    assert.isUndefined(await historyItem(resident, redemptionId))

    // No confirmation needed: the provider approves at once.
    await approve(provider, newId)
    assert.equal(await statusOf(newId), 'posted')
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('more hours: reserved, mailed, and the provider cannot approve until the resident confirms', async ({
    client,
    assert,
  }) => {
    const { city, resident: record } = await hanakoWithHours()
    const { redemptionId } = await waitingAozoraVisit(2 * HOUR)
    const provider = await signedIn(client, HELPER)
    const since = await mailboxSettled()
    const { newId, page } = await correct(provider, redemptionId, 3 * HOUR)
    assert.include(flashOf(page).notice ?? '', '利用者が訂正後の時間を確認するまで承認できません')
    assert.equal(page.body().props.visit.state, 'awaiting_resident')
    // The extra hour is held with the rest: the old reservation released, the new one holds 3 h.
    assert.equal(await statusOf(redemptionId), 'released')
    assert.equal(await statusOf(newId), 'reserved')
    const held = await db
      .from('ledger_redemptions')
      .where({ resident_id: record.id, status: 'reserved' })
      .sum('minutes as total')
      .first()
    assert.equal(Number(held?.total), 3 * HOUR)

    const mail = await waitForMail(HANAKO, since)
    assert.equal(mail.subject, '利用時間の訂正を確認してください')
    assert.include(mail.text, '訂正前：2 時間 → 訂正後：3 時間')
    assert.include(mail.text, '確認するまで、事業者は承認できません。')

    // Approving now is refused in plain words; nothing is spent.
    const refused = await approve(provider, newId)
    assert.include(flashOf(refused).error ?? '', 'まだ訂正後の時間を確認していません')
    assert.equal(await statusOf(newId), 'reserved')

    const resident = await signedIn(client, HANAKO)
    const visit = await resident.get(`${MY}/visits/${newId}`)
    assert.equal(visit.body().props.visit.state, 'awaiting_you')
    assert.deepInclude(visit.body().props.correction, {
      fromMinutes: 2 * HOUR,
      toMinutes: 3 * HOUR,
      awaitingResident: true,
    })
    const listed = await historyItem(resident, newId)
    assert.isTrue(listed?.correction.awaitingResident)

    const { page: confirmed } = await confirmAsResident(resident, newId)
    assert.include(flashOf(confirmed).notice ?? '', '訂正後の時間を確認しました。')
    assert.equal(confirmed.body().props.visit.state, 'waiting')
    const [event] = await events(city.id, 'visit.correction_confirmed', before)
    assert.deepInclude(detailsOf(event), {
      redemption_id: newId,
      replaced_redemption_id: redemptionId,
      from_minutes: 2 * HOUR,
      to_minutes: 3 * HOUR,
    })
    assert.equal(Number(event.subject_resident_id), record.id)
    // Pressing it again changes nothing.
    const { page: again } = await confirmAsResident(resident, newId)
    assert.include(flashOf(again).notice ?? '', '確認がすんでいるか')
    assert.lengthOf(await events(city.id, 'visit.correction_confirmed', before), 1)

    await approve(provider, newId)
    assert.equal(await statusOf(newId), 'posted')
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('more hours than are left: refused to the provider; nothing recorded, nobody mailed', async ({
    client,
    assert,
  }) => {
    const { resident: record } = await hanako()
    await smallLot(record.id, 2)
    const { redemptionId } = await waitingAozoraVisit(2 * HOUR)
    const provider = await signedIn(client, HELPER)
    const since = await mailboxSettled()
    const { newId, page } = await correct(provider, redemptionId, 3 * HOUR)
    assert.equal(newId, redemptionId)
    assert.match(page.body().props.errors.minutes, /残り時間が足りません/)
    assert.equal(await statusOf(redemptionId), 'reserved')
    assert.lengthOf(await db.from('visit_corrections').where('resident_id', record.id), 0)
    assert.lengthOf(await mailsSince(HANAKO, since), 0)
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('another resident, or another municipality, cannot confirm (404, audited; nothing confirmed)', async ({
    client,
    assert,
  }) => {
    const { city } = await hanakoWithHours()
    const { redemptionId } = await waitingAozoraVisit(2 * HOUR)
    const { newId } = await correct(await signedIn(client, HELPER), redemptionId, 3 * HOUR)

    const yui = await signedIn(client, 'yui@example.jp')
    await yui.get(`${MY}/history`)
    const response = await yui.post(`${MY}/visits/${newId}/correction`)
    response.assertStatus(404)
    const [event] = await events(city.id, 'redemption.not_found', before)
    assert.equal(detailsOf(event).redemption_id, newId)

    const resident = await signedIn(client, HANAKO)
    await resident.get(`${MY}/history`)
    const elsewhere = await resident.post(`/m/shinjuku/my/visits/${newId}/correction`)
    elsewhere.assertStatus(404)

    const row = await db.from('visit_corrections').where('redemption_id', newId).firstOrFail()
    assert.isNull(row.confirmed_at)
  })

  test('corrected again before the resident confirms: their old page answers "changed"; what they agreed to still counts', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { redemptionId } = await waitingAozoraVisit(2 * HOUR)
    const provider = await signedIn(client, HELPER)
    const { newId: fourHours } = await correct(provider, redemptionId, 4 * HOUR)
    // Lowered, but still more than the 2 h she agreed to: she still confirms.
    const { newId: threeHours, page } = await correct(provider, fourHours, 3 * HOUR)
    assert.equal(page.body().props.visit.state, 'awaiting_resident')

    const resident = await signedIn(client, HANAKO)
    await resident.get(`${MY}/visits/${threeHours}`)
    const stale = await resident.post(`${MY}/visits/${fourHours}/correction`)
    const answer = await landing(resident, stale)
    assert.include(flashOf(answer).error ?? '', 'そのあと事業者が内容を変えた')
    const row = await db.from('visit_corrections').where('redemption_id', fourHours).firstOrFail()
    assert.isNull(row.confirmed_at)

    // Lowered to what she agreed to, or less: no confirmation needed.
    const { newId: oneHour, page: lowered } = await correct(provider, threeHours, HOUR)
    assert.equal(lowered.body().props.visit.state, 'waiting')
    const visit = await resident.get(`${MY}/visits/${oneHour}`)
    assert.deepInclude(visit.body().props.correction, {
      fromMinutes: 3 * HOUR,
      toMinutes: HOUR,
      awaitingResident: false,
    })
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('the resident confirming while the provider corrects again: one goes first, the other sees it', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { redemptionId } = await waitingAozoraVisit(2 * HOUR)
    const provider = await signedIn(client, HELPER)
    const { newId } = await correct(provider, redemptionId, 3 * HOUR)
    const resident = await signedIn(client, HANAKO)
    await resident.get(`${MY}/visits/${newId}`)
    await provider.get(`${QUEUE}/${newId}`)

    const [confirmation, correction] = await Promise.all([
      resident.post(`${MY}/visits/${newId}/correction`),
      provider.post(`${QUEUE}/${newId}/correct`, { minutes: 4 * HOUR }),
    ])
    const confirmedFirst = flashOf(await landing(resident, confirmation)).notice
    const latest = /\/approvals\/(\d+)$/.exec(locationOf(correction))
    assert.isNotNull(latest)
    const latestId = Number(latest![1])
    const row = await db.from('visit_corrections').where('redemption_id', latestId).firstOrFail()
    // 4 h is more than either 2 h or 3 h: she confirms it whoever went first.
    assert.isTrue(Boolean(row.needs_confirmation))
    assert.isNull(row.confirmed_at)
    assert.equal(
      Number(row.agreed_minutes),
      confirmedFirst?.includes('確認しました') ? 3 * HOUR : 2 * HOUR
    )
    assert.equal(await statusOf(newId), 'released')
    assert.isNull(await LedgerVerifier.firstViolation())
  })
})
