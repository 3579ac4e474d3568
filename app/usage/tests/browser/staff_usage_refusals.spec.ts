import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { watchForProblems } from '#tests/helpers/browser_page'
import { expectPageAlert, expectRefusalShown } from '#tests/helpers/error_summary'
import { approvedVisit, residentWithChildren, staffOf } from '#tests/helpers/programs'
import { todayInJapan } from '#ledger/coupon_issuance'
import CouponRedemption from '#ledger/coupon_redemption'
import GrantNotices from '#coupons/grant_notices'
import Provider from '#tenancy/provider'
import Facility from '#tenancy/facility'

/*
| Every refusal of the usage and CSV forms shows on the page: a file the
| import cannot read, an unknown resident for an export (in the form's
| error summary and beside the field), and a visit that is no longer
| approved when it is cancelled (its form is gone: the page's alert).
*/
test.group('Staff usage and CSV: every refusal shows', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the CSV import and export, and cancelling a visit', async ({ browserContext, assert }) => {
    await browserContext.setDefaultTimeout(15_000)
    const page = await browserContext.newPage()
    const problems = watchForProblems(page)
    await signInInBrowser(page, 'staff@minato.example')

    // The import: an empty file → file
    await page.goto('/m/minato/csv')
    const upload = page.locator('form', {
      has: page.getByRole('button', { name: 'アップロードして確認する' }),
    })
    await upload
      .getByLabel('CSVファイル')
      .setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.from('') })
    await upload.getByRole('button', { name: 'アップロードして確認する' }).click()
    await expectRefusalShown(upload, 'ファイルが空です。', { field: 'CSVファイル' })

    // The export: a resident number nobody has → resident_number
    const exportForm = page.locator('form', {
      has: page.getByRole('button', { name: 'CSVを作成する' }),
    })
    await exportForm.getByLabel('出力する内容').selectOption('resident_history')
    await exportForm.getByLabel('利用者ID').fill('ZZ-999999')
    await exportForm.getByRole('button', { name: 'CSVを作成する' }).click()
    await expectRefusalShown(exportForm, 'この利用者IDの利用者は登録されていません。', {
      field: '利用者ID',
    })

    // Cancelling a visit that was cancelled meanwhile in another window
    const household = await residentWithChildren([
      { birthDate: DateTime.fromISO(todayInJapan()).minus({ months: 1 }).toISODate()! },
    ])
    const by = await staffOf(household.municipality)
    const program = { pluginId: 'postpartum_support', programCode: 'postpartum' }
    await GrantNotices.issue(
      {
        ...program,
        municipalityId: household.municipality.id,
        residentId: household.resident.id,
        childId: household.children[0].id,
        windowKey: null,
        minutes: null,
        copaymentTier: null,
      },
      by
    )
    const provider = await Provider.findByOrFail('nameJa', 'あおぞら家事支援サービス')
    const facility = await Facility.query().where('provider_id', provider.id).firstOrFail()
    const visitId = await approvedVisit(program, household, {
      service: 'home_helper',
      visitDate: todayInJapan(),
      visitStart: '10:00',
      minutes: 120,
      providerId: provider.id,
      facilityId: facility.id,
    })
    await page.goto(`/m/minato/usage?resident=${household.resident.residentNumber}&month=all`)
    const row = page.locator(`tr[data-redemption="${visitId}"]`)
    await row.getByText('利用取消', { exact: true }).click()
    await CouponRedemption.cancel(household.municipality.id, visitId, '入力誤り', by)
    await row.getByLabel('理由').fill('訪問なし')
    await row.getByRole('button', { name: '利用を取り消す' }).click()
    await expectPageAlert(
      page,
      '承認済みの利用だけを取り消せます。',
      row.getByRole('button', { name: '利用を取り消す' })
    )
    assert.deepEqual(problems, [])
  })
})
