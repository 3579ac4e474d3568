import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Page } from 'playwright'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { VIEWPORTS, seriousViolations, watchForProblems } from '#tests/helpers/browser_page'
import { minato } from '#tests/helpers/programs'
import AuditTrail from '#audit/audit_trail'
import { AUDIT_ACTIONS, AUDIT_PURPOSES } from '#audit/audit_vocabulary'
import Resident from '#residents/resident'
import User from '#identity/user'

/** What a member of staff and the system did: a record read, a file taken, a refusal, a job */
async function recordDay() {
  const city = await minato()
  const resident = await Resident.findByOrFail('residentNumber', 'MN-000101')
  const staff = await User.findByOrFail('email', 'staff@minato.example')
  const by = {
    municipalityId: city.id,
    actorUserId: staff.id,
    actorRole: 'municipal_staff',
    source: { channel: 'web' as const, ip: '192.0.2.1' },
  }
  await AuditTrail.record({
    ...by,
    action: 'resident.viewed',
    subjectResidentId: resident.id,
    purpose: 'resident_record',
    destination: 'tenant.residents.show',
  })
  await AuditTrail.record({
    ...by,
    action: 'csv.downloaded',
    purpose: 'usage_report',
    destination: 'file:usage_131032_202605.csv',
  })
  await AuditTrail.record({
    ...by,
    action: 'authz.denied',
    outcome: 'denied',
    destination: 'tenant.audit.index',
  })
  await AuditTrail.record({
    municipalityId: city.id,
    action: 'coupon.expiry_reminded',
    subjectResidentId: resident.id,
    source: { channel: 'job' },
  })
  return { resident }
}

/** What the list says of recordDay(), in Japanese and in English */
const WORDS: [ja: string, en: string][] = [
  ['住民情報の閲覧', 'Resident record viewed'],
  ['住民記録の確認', 'Resident record'],
  ['住民の詳細', 'Resident details'],
  ['CSVファイルのダウンロード', 'CSV file downloaded'],
  ['CSVファイル（usage_131032_202605.csv）', 'CSV file (usage_131032_202605.csv)'],
  ['利用実績の報告', 'Usage report'],
  ['権限のない操作', 'Action refused (no permission)'],
  ['拒否', 'Denied'],
  ['有効期限のお知らせ送信', 'Expiry reminder sent'],
  ['自動処理', 'Background job'],
  ['192.0.2.1 (Web画面)', '192.0.2.1 (Web)'],
]
const SUBJECT: [ja: string, en: string] = [
  '{name}（利用者ID MN-000101）',
  '{name} (Resident ID MN-000101)',
]
const CHOICES: [ja: string, en: string][] = [
  ['住民情報の閲覧', 'Resident record viewed'],
  ['CSVファイルのダウンロード', 'CSV file downloaded'],
]

/** Codes a person should never have to read: route names, action and purpose keys */
function codesIn(text: string) {
  const routeNames = text.match(/\b(?:staff|tenant|operator|my)\.[a-z_.]+/g) ?? []
  const keys = [...AUDIT_ACTIONS, ...AUDIT_PURPOSES.filter((purpose) => purpose.includes('_'))]
  return [...routeNames, ...keys.filter((key) => text.includes(key))]
}

/** The words the page (its text, the action filter's choices) fails to show, and the codes it shows */
async function unread(page: Page, words: string[], choices: string[]) {
  const text = await page.locator('body').innerText()
  const options = await page
    .getByLabel(/^(操作|Action)$/)
    .locator('option')
    .allTextContents()
  return {
    missing: [
      ...words.filter((word) => !text.includes(word)),
      ...choices.filter((choice) => !options.includes(choice)),
    ],
    codes: codesIn([text, ...options].join('\n')),
  }
}

test.group('Audit viewer journey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('on a phone: the trail reads as sentences in Japanese, then in English', async ({
    browserContext,
    assert,
  }) => {
    await browserContext.setDefaultTimeout(15_000)
    const { resident } = await recordDay()
    const name = `${resident.familyName} ${resident.givenName}`
    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.phone)
    const problems = watchForProblems(page)
    await signInInBrowser(page, 'admin@minato.example')
    await page.goto('/m/minato/audit')

    for (const [index, heading] of ['監査ログ', 'Audit trail'].entries()) {
      if (index === 1) {
        await page.getByRole('button', { name: 'メニュー' }).click()
        await page.getByRole('button', { name: 'English' }).click()
      }
      await page.getByRole('heading', { level: 1, name: heading }).waitFor()
      const words = [...WORDS.map((pair) => pair[index]), SUBJECT[index].replace('{name}', name)]
      const choices = CHOICES.map((pair) => pair[index])
      assert.deepEqual(await unread(page, words, choices), { missing: [], codes: [] }, heading)
      assert.deepEqual(await seriousViolations(page), [])
    }
    assert.deepEqual(problems, [])
  })
})
