import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import testUtils from '@adonisjs/core/services/test_utils'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { VIEWPORTS, seriousViolations, watchForProblems } from '#tests/helpers/browser_page'
import { minato } from '#tests/helpers/programs'
import { otherProvider } from '#tests/helpers/tenant_routes/provider_history'
import {
  HOME_HELP,
  aozoraStation,
  grantLot,
  ledgerVisit,
  usageResident,
} from '#tests/helpers/usage_fixtures'

test.group('Provider console: monthly history journey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('on a phone: the month with co-payments, a memo, and the month CSV downloaded and read', async ({
    browserContext,
    assert,
  }) => {
    await browserContext.setDefaultTimeout(20_000)
    const city = await minato()
    const { provider, facility } = await aozoraStation()
    const parent = await usageResident(city, { familyName: '芝', givenName: '一郎' })
    await grantLot(city, parent, HOME_HELP, 'II')
    await ledgerVisit(city, parent, HOME_HELP, {
      service: 'housework',
      date: '2026-11-12',
      start: '10:00',
      minutes: 120,
      providerId: provider.id,
      facilityId: facility.id,
    })
    const other = await otherProvider(city)
    const stranger = await usageResident(city, { familyName: '白金', givenName: '次郎' })
    await grantLot(city, stranger, HOME_HELP, 'II')
    await ledgerVisit(city, stranger, HOME_HELP, {
      service: 'housework',
      date: '2026-11-12',
      minutes: 60,
      providerId: other.provider.id,
      facilityId: other.facility.id,
    })

    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.phone)
    const problems = watchForProblems(page)
    await signInInBrowser(page, 'owner@aozora.example')

    // The month: one group, its totals and the visit's co-payment (tier II, ¥100 an hour)
    await page.goto('/m/minato/provider/history?month=2026-11')
    await page.getByRole('heading', { level: 1, name: '月次実績' }).waitFor()
    const homeHelp = page.getByRole('region', {
      name: /あおぞら 芝浦ステーション・ひとり親家庭ホームヘルプサービス/,
    })
    await homeHelp.waitFor()
    const visits = await homeHelp.locator('[data-total="visits"]').textContent()
    assert.equal(visits?.trim(), '1 件')
    const copayment = await homeHelp.locator('[data-total="copayment"]').textContent()
    assert.equal(copayment?.trim(), '200 円')
    const row = homeHelp.locator('tbody tr').first()
    assert.include(await row.textContent(), '芝 一郎')
    assert.include(await row.textContent(), '承認済み')
    assert.notInclude(await page.locator('main').textContent(), '白金')
    assert.isTrue(
      await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')
    )
    assert.deepEqual(await seriousViolations(page), [])

    // A memo on the visit, from its row
    await row.getByRole('link', { name: 'メモを書く' }).click()
    await page.getByRole('heading', { level: 1, name: 'メモ' }).waitFor()
    await page.getByLabel('メモの内容').fill('使用日 11月12日（鍵は管理人室）')
    await page.getByRole('button', { name: 'メモを保存する' }).click()
    await page.getByText('メモを保存しました。').waitFor()
    await page.getByText('使用日 11月12日（鍵は管理人室）').waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    await page.goto('/m/minato/provider/history?month=2026-11')
    await page.getByText('使用日 11月12日（鍵は管理人室）').waitFor()

    // The month's CSV, made, downloaded and read
    const exportSection = page.getByRole('region', { name: 'CSV出力' })
    await exportSection.getByLabel('対象月').fill('2026-11')
    await exportSection.getByLabel('出力する内容').selectOption('facility_month')
    await exportSection.getByLabel('文字コード').selectOption('utf8_bom')
    await exportSection.getByRole('button', { name: 'CSVを作成する' }).click()
    await page.waitForURL(/\/provider\/exports\/\d+$/)
    const link = page.getByRole('link', { name: /施設別利用実績_131032_2026-11\.csv/ })
    await link.waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
    assert.equal(download.suggestedFilename(), '施設別利用実績_131032_2026-11.csv')
    const content = await readFile((await download.path())!, 'utf8')
    assert.isTrue(content.startsWith('\uFEFF施設,事業者,利用日'))
    assert.include(content, '芝 一郎')
    assert.include(content, '2026-11-12,10:00')
    assert.include(content, ',2,2025-04,II,200,')
    assert.notInclude(content, '白金')
    assert.notInclude(content, 'みどりケア')
    assert.deepEqual(problems, [])
  })
})
