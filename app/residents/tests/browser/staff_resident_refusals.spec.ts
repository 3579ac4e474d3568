import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import type { Page } from 'playwright'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { watchForProblems } from '#tests/helpers/browser_page'
import { label } from '#tests/helpers/browser_labels'
import { expectPageAlert, expectRefusalShown } from '#tests/helpers/error_summary'
import { residentWithChildren } from '#tests/helpers/programs'
import { todayInJapan } from '#ledger/coupon_issuance'
import Resident from '#residents/resident'
import User from '#identity/user'

/*
| Every refusal of the resident forms shows on the page: the resident
| number taken (registration, edit), a child's dates (registration, adding
| and correcting a child), in the form's error summary and beside the
| field; the claim code's refusal as the page's alert.
*/

const TAKEN = 'この利用者IDは、すでにほかの利用者に使われています。別のIDにしてください。'
const TOO_FAR = '出産予定日は今日から10か月以内の日付にしてください。'

function formWith(page: Page, button: string) {
  return page.locator('form', { has: page.getByRole('button', { name: button, exact: true }) })
}

test.group('Staff residents: every refusal shows', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('registration, edit, children and the claim code', async ({ browserContext, assert }) => {
    await browserContext.setDefaultTimeout(15_000)
    const household = await residentWithChildren([{ birthDate: '2025-06-01' }])
    const farAway = DateTime.fromISO(todayInJapan()).plus({ years: 2 }).toISODate()!
    const page = await browserContext.newPage()
    const problems = watchForProblems(page)
    await signInInBrowser(page, 'staff@minato.example')

    // Registration: resident_number_taken → resident_number
    await page.goto('/m/minato/residents/new')
    const create = formWith(page, '登録する')
    await create.getByLabel(label('利用者ID')).fill(household.resident.residentNumber)
    await create.getByLabel(label('氏')).fill('中村')
    await create.getByLabel(label('名')).first().fill('愛')
    await create.getByLabel(label('氏（カナ）')).fill('ナカムラ')
    await create.getByLabel(label('名（カナ）')).fill('アイ')
    await create.getByLabel(label('電話番号')).fill('080-1111-2222')
    await create.getByRole('button', { name: '登録する' }).click()
    await expectRefusalShown(create, TAKEN, { field: label('利用者ID') })

    // Registration: a child's due date too far → child_due_date
    await create.getByLabel(label('利用者ID')).fill('MN-000251')
    await create.getByLabel(label('出産予定日')).fill(farAway)
    await create.getByRole('button', { name: '登録する' }).click()
    await expectRefusalShown(create, TOO_FAR, { field: label('出産予定日') })

    // Edit: resident_number_taken → resident_number
    const other = await Resident.query()
      .where('municipalityId', household.municipality.id)
      .whereNot('id', household.resident.id)
      .firstOrFail()
    await page.goto(`/m/minato/residents/${household.resident.id}/edit`)
    const edit = formWith(page, '保存する')
    await edit.getByLabel(label('利用者ID')).fill(other.residentNumber)
    await edit.getByRole('button', { name: '保存する' }).click()
    await expectRefusalShown(edit, TAKEN, { field: label('利用者ID') })

    // Adding a child: due date too far → due_date
    await page.goto(`/m/minato/residents/${household.resident.id}`)
    const add = page.getByRole('form', { name: 'お子さまを追加する' })
    await add.getByLabel(label('出産予定日')).fill(farAway)
    await add.getByRole('button', { name: '追加する' }).click()
    await expectRefusalShown(add, TOO_FAR, { field: label('出産予定日') })

    // Correcting a child: a birth date in the future → birth_date
    await page.getByRole('button', { name: 'このお子さまの情報を直す' }).click()
    const correct = page.locator(`#child-${household.children[0].id}-form`)
    await correct.getByLabel(label('生年月日')).fill(farAway)
    await correct.getByRole('button', { name: 'お子さまの情報を保存する' }).click()
    await expectRefusalShown(
      correct,
      '生年月日に未来の日付は入力できません。まだ生まれていなければ出産予定日に入力してください。',
      { field: label('生年月日') }
    )

    // The claim code, for a resident who linked an account meanwhile: the page's alert
    await page.goto(`/m/minato/residents/${household.resident.id}`)
    const account = await User.create({
      email: `linked-${household.resident.id}@example.test`,
      password: 'linked-resident-test',
      fullName: '試験 花子',
      preferredLocale: 'ja',
    })
    household.resident.userId = account.id
    await household.resident.save()
    await page.getByRole('button', { name: '利用開始コードを発行する' }).click()
    await expectPageAlert(
      page,
      'この利用者は、すでにアカウントと結び付いています。コードは発行できません。'
    )
    assert.deepEqual(problems, [])
  })
})
