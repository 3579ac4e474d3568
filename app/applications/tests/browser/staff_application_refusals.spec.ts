import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { watchForProblems } from '#tests/helpers/browser_page'
import { expectPageAlert, expectRefusalShown } from '#tests/helpers/error_summary'
import { applyHomeHelp } from '#tests/helpers/program_applications'
import { residentWithChildren, staffOf } from '#tests/helpers/programs'
import { todayInJapan } from '#ledger/coupon_issuance'
import ProgramApplications from '#applications/program_applications'

/*
| Every refusal of the application decision forms shows on the page: in
| the form's error summary (beside the field too when the form shows it),
| or, when the decision is taken off the page, as the page's alert.
*/
test.group('Staff applications: every refusal shows', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('approving single-parent help for a parent whose child is only due', async ({
    browserContext,
    assert,
  }) => {
    await browserContext.setDefaultTimeout(15_000)
    const dueDate = DateTime.fromISO(todayInJapan()).plus({ days: 60 }).toISODate()!
    const household = await residentWithChildren([{ dueDate }])
    const application = await applyHomeHelp(household)
    const page = await browserContext.newPage()
    const problems = watchForProblems(page)
    await signInInBrowser(page, 'staff@minato.example')
    await page.goto(`/m/minato/applications/${application.id}`)
    await page.getByRole('heading', { level: 1, name: /申請の内容/ }).waitFor()
    const approve = page.locator('form', {
      has: page.getByRole('button', { name: '承認して交付する' }),
    })
    const units = /交付する数/

    // copayment_tier_required → copayment_tier
    await approve.getByLabel(units).fill('30')
    await approve.getByRole('button', { name: '承認して交付する' }).click()
    await expectRefusalShown(approve, '自己負担の階層を選んでください。', {
      field: '自己負担の階層',
    })

    // child_required: counted per resident, the form has no child to choose
    assert.equal(await approve.getByLabel('交付の対象となるお子さま').count(), 0)
    await approve.getByLabel('自己負担の階層').selectOption('III')
    await approve.getByRole('button', { name: '承認して交付する' }).click()
    await expectRefusalShown(
      approve,
      'この制度では、お子さまの情報（出産予定日または生年月日）が必要です。'
    )

    // already_decided: decided meanwhile in another window, the forms are
    // off the page it goes back to, so the page's alert says why
    await ProgramApplications.reject(
      household.municipality.id,
      application.id,
      '書類の不備',
      await staffOf(household.municipality)
    )
    const reject = page.locator('form', { has: page.getByRole('button', { name: '却下する' }) })
    await reject.getByLabel('却下の理由').fill('重複した申請です。')
    await reject.getByRole('button', { name: '却下する' }).click()
    await expectPageAlert(page, 'この申請はすでに処理されています（却下）。', reject)

    // below_minimum → units, for a parent whose child is born
    const born = await residentWithChildren([{ birthDate: '2019-06-15' }])
    const bornApplication = await applyHomeHelp(born)
    await page.goto(`/m/minato/applications/${bornApplication.id}`)
    await approve.getByLabel(units).fill('10')
    await approve.getByLabel('自己負担の階層').selectOption('III')
    await approve.getByRole('button', { name: '承認して交付する' }).click()
    await expectRefusalShown(approve, '発行する時間は24時間から48時間の範囲で指定してください。', {
      field: units,
    })
    assert.deepEqual(problems, [])
  })
})
