import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import type { Locator } from 'playwright'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { VIEWPORTS, watchForProblems } from '#tests/helpers/browser_page'
import { todayInJapan } from '#ledger/coupon_issuance'
import CouponRedemption from '#ledger/coupon_redemption'
import Child from '#residents/child'
import Resident from '#residents/resident'
import Provider from '#tenancy/provider'
import Facility from '#tenancy/facility'
import { minato, nextKey, staffOf } from '#tests/helpers/programs'

async function textOf(locator: Locator) {
  const text = await locator.textContent()
  return text?.trim()
}

/** An approved two-hour visit today at the demo provider's facility */
async function approvedVisitToday(residentId: number) {
  const city = await minato()
  const by = await staffOf(city)
  const provider = await Provider.findByOrFail('nameJa', 'あおぞら家事支援サービス')
  const facility = await Facility.query().where('provider_id', provider.id).firstOrFail()
  const { redemptionId } = await CouponRedemption.reserve(
    {
      pluginId: 'postpartum_support',
      programCode: 'postpartum',
      municipalityId: city.id,
      residentId,
      service: 'home_helper',
      visitDate: todayInJapan(),
      visitStart: '10:00',
      minutes: 120,
      idempotencyKey: nextKey(),
      providerId: provider.id,
      facilityId: facility.id,
    },
    by
  )
  await CouponRedemption.approve(city.id, redemptionId, by)
  return redemptionId
}

test.group('Staff coupons journey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    test(`on a ${name}: issue hours, see the balance, cancel a visit with a reason`, async ({
      browserContext,
      assert,
    }) => {
      await browserContext.setDefaultTimeout(15_000)
      const city = await minato()
      const resident = await Resident.findByOrFail({
        municipalityId: city.id,
        residentNumber: 'MN-000101',
      })
      await Child.create({
        municipalityId: city.id,
        residentId: resident.id,
        givenName: 'ひなた',
        birthDate: DateTime.fromISO(todayInJapan()).minus({ months: 1 }).toISODate()!,
        multipleBirth: false,
      })

      const page = await browserContext.newPage()
      await page.setViewportSize(viewport)
      const problems = watchForProblems(page)
      await signInInBrowser(page, 'staff@minato.example')

      await page.goto(`/m/minato/residents/${resident.id}/coupons`)
      await page.getByRole('heading', { level: 1, name: /クーポン/ }).waitFor()
      const program = page.locator('section', {
        has: page.getByRole('heading', { level: 2, name: '産前産後家事・育児支援サービス' }),
      })
      await program.getByText('この制度のクーポンはまだ発行されていません。').waitFor()
      await program.getByLabel('対象の期間').selectOption('until_first_birthday')
      await program.getByRole('button', { name: '発行する' }).click()
      await page.getByRole('status').filter({ hasText: '128 時間を発行しました' }).waitFor()

      // one pool of 128 hours, of which the doula may use 30: not 128 + 30
      const pool = program.locator('[data-pool="home_helper doula"]')
      assert.equal(await textOf(pool.locator('[data-role="pool-hours"]')), '128 時間')
      assert.equal(
        await textOf(pool.locator('[data-service="doula"]')),
        'そのうち家事・育児支援（産後ドゥーラ）は 30 時間まで'
      )
      const lotText = await program.locator('article').first().textContent()
      assert.match(lotText!, /\d{4}年\d{1,2}月\d{1,2}日 から \d{4}年\d{1,2}月\d{1,2}日 まで/)
      assert.include(lotText!, '2024年度からの制度 (2024-04)')

      const visitId = await approvedVisitToday(resident.id)
      await page.goto('/m/minato/usage')
      await page.getByRole('heading', { level: 1, name: '利用履歴' }).waitFor()
      const row = page.locator(`tr[data-redemption="${visitId}"]`)
      assert.equal(await textOf(row.locator('[data-role="status"]')), '承認済み')
      await row.getByText('利用取消', { exact: true }).click()
      await row.getByLabel('理由').fill('訪問なし（入力誤り）')
      await row.getByRole('button', { name: '利用を取り消す' }).click()
      await page.getByRole('status').filter({ hasText: '利用を取り消しました。' }).waitFor()
      await row.locator('[data-role="status"]', { hasText: '利用取消' }).waitFor()
      assert.include(await row.textContent(), '訪問なし（入力誤り）')

      await page.goto(`/m/minato/residents/${resident.id}/coupons`)
      assert.equal(await textOf(pool.locator('[data-role="pool-hours"]')), '128 時間')
      assert.deepEqual(problems, [])
    })
  }
})
