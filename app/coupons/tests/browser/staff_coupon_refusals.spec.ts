import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type { Page } from 'playwright'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { VIEWPORTS, watchForProblems } from '#tests/helpers/browser_page'
import { expectPageAlert, expectRefusalShown } from '#tests/helpers/error_summary'
import { residentWithChildren, staffOf } from '#tests/helpers/programs'
import { todayInJapan } from '#ledger/coupon_issuance'
import CouponAdministration from '#ledger/coupon_administration'
import GrantNotices from '#coupons/grant_notices'

/*
| Every refusal of the coupon screens' forms shows on the page: in the
| error summary at the form's top, and beside the field when the form
| shows that field. One case per field a refusal is filed under, and
| those filed under a field the form does not show (the program, the
| child of a program counted per resident).
*/

const SINGLE_PARENT = 'ひとり親家庭ホームヘルプサービス'
const POSTPARTUM = '産前産後家事・育児支援サービス'

function issueFormOf(page: Page, programName: string) {
  return page
    .locator('section', { has: page.getByRole('heading', { level: 2, name: programName }) })
    .locator('form.issue-form')
}

async function couponsPage(page: Page, residentId: number) {
  await page.goto(`/m/minato/residents/${residentId}/coupons`)
  await page.getByRole('heading', { level: 1, name: /クーポン/ }).waitFor()
}

function daysFromToday(days: number) {
  return DateTime.fromISO(todayInJapan()).plus({ days }).toISODate()!
}

test.group('Staff coupons: every refusal shows', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    test(`on a ${name}: single-parent hours for a resident whose child is only due`, async ({
      browserContext,
      assert,
    }) => {
      await browserContext.setDefaultTimeout(15_000)
      const household = await residentWithChildren([{ dueDate: daysFromToday(60) }])
      const page = await browserContext.newPage()
      await page.setViewportSize(viewport)
      const problems = watchForProblems(page)
      await signInInBrowser(page, 'staff@minato.example')
      await couponsPage(page, household.resident.id)

      const form = issueFormOf(page, SINGLE_PARENT)
      // Counted per resident: the form has no child to choose
      assert.equal(await form.getByLabel('対象のお子さま').count(), 0)
      await form.getByLabel('自己負担の階層').selectOption({ label: 'I階層' })
      await form.getByRole('button', { name: '発行する' }).click()
      await expectRefusalShown(
        form,
        'この制度では、お子さまの情報（出産予定日または生年月日）が必要です。'
      )
      assert.deepEqual(problems, [])
    })
  }

  test('the issue form: the program, the child, the period and the hours', async ({
    browserContext,
  }) => {
    await browserContext.setDefaultTimeout(15_000)
    const household = await residentWithChildren([
      { birthDate: daysFromToday(-30) },
      {}, // on record without a due date or a date of birth
    ])
    const page = await browserContext.newPage()
    await signInInBrowser(page, 'staff@minato.example')
    await couponsPage(page, household.resident.id)
    const form = issueFormOf(page, POSTPARTUM)
    const [born, undated] = household.children

    // child_dates_missing → child_id
    await form.getByLabel('対象のお子さま').selectOption(String(undated.id))
    await form.getByRole('button', { name: '発行する' }).click()
    await expectRefusalShown(form, 'お子さまの出産予定日または生年月日を登録してください。', {
      field: '対象のお子さま',
    })

    // window_required → window
    await form.getByLabel('対象のお子さま').selectOption(String(born.id))
    await form.getByLabel('時間数').fill('5')
    await form.getByRole('button', { name: '発行する' }).click()
    await expectRefusalShown(form, '時間数を指定するときは、対象の期間を選んでください。', {
      field: '対象の期間',
    })

    // cap_exceeded → hours
    await form.getByLabel('対象の期間').selectOption('until_first_birthday')
    await form.getByLabel('時間数').fill('500')
    await form.getByRole('button', { name: '発行する' }).click()
    await expectRefusalShown(
      form,
      '上限を超えるため発行できません（上限128時間、発行済み0時間、今回500時間）。',
      { field: '時間数' }
    )

    // program_not_enabled: the program's section is gone from the page it
    // goes back to, so the page's alert says why
    await db
      .from('municipality_plugins')
      .where({ municipality_id: household.municipality.id, plugin_id: 'postpartum_support' })
      .delete()
    await form.getByLabel('時間数').fill('')
    await form.getByRole('button', { name: '発行する' }).click()
    await expectPageAlert(page, 'この自治体ではこの制度を利用していません。', form)
  })

  test('the lot forms: the expiry and the revocation', async ({ browserContext }) => {
    await browserContext.setDefaultTimeout(15_000)
    const household = await residentWithChildren([{ birthDate: daysFromToday(-30) }])
    const by = await staffOf(household.municipality)
    const [lot] = await GrantNotices.issue(
      {
        pluginId: 'postpartum_support',
        programCode: 'postpartum',
        municipalityId: household.municipality.id,
        residentId: household.resident.id,
        childId: household.children[0].id,
        windowKey: 'until_first_birthday',
        minutes: null,
        copaymentTier: null,
      },
      by
    )
    const page = await browserContext.newPage()
    await signInInBrowser(page, 'staff@minato.example')
    await couponsPage(page, household.resident.id)
    const card = page.locator(`article[data-lot="${lot.lotId}"]`)

    // expiry_unchanged → valid_to
    await card.locator('summary', { hasText: '有効期限を変更する' }).click()
    const expiry = card.locator('form', { has: page.getByLabel('新しい有効期限') })
    await expiry.getByLabel('理由').fill('延長の申し出')
    await expiry.getByRole('button', { name: '有効期限を変更する' }).click()
    await expectRefusalShown(expiry, /有効期限はすでに.+です。別の日付を指定してください。/, {
      field: '新しい有効期限',
    })

    // lot_revoked: revoked meanwhile in another window; the page it goes
    // back to has no revoke form for the lot, so the page's alert says why
    await CouponAdministration.revoke(household.municipality.id, lot.lotId, '重複発行', by)
    await card.locator('summary', { hasText: 'このクーポンを取り消す' }).click()
    const revoke = card.locator('form', { has: page.getByRole('button', { name: '取り消す' }) })
    await revoke.getByLabel('理由').fill('重複発行')
    await revoke.getByRole('button', { name: '取り消す' }).click()
    await expectPageAlert(page, 'このクーポンはすでに取り消されています。', revoke)
  })
})
