import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { seriousViolations } from '#tests/helpers/browser_page'
import Provider from '#tenancy/provider'
import Facility from '#tenancy/facility'

/**
 * A member of staff registers a provider and its first facility in
 * Japanese on a phone and invites its administrator, and the providers, definitions and statistics
 * screens pass axe-core.
 */
test.group('Staff console journey: providers (phone, Japanese)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('register a provider with its contract, add a facility, invite its administrator', async ({
    browserContext,
    assert,
  }) => {
    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 390, height: 844 })
    await signInInBrowser(page, 'staff@minato.example')

    await page.goto('/m/minato/providers')
    await page.getByRole('heading', { level: 1, name: '事業者' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    await page.getByRole('link', { name: '事業者を登録する' }).click()
    await page.getByRole('heading', { level: 1, name: '事業者の登録' }).waitFor()

    // the form explains what is missing
    await page.getByRole('button', { name: '登録する' }).click()
    await page.locator('.field__error', { hasText: '名称（日本語）を入力してください。' }).waitFor()

    await page.getByLabel('名称（日本語）').fill('ひかり産後ケア')
    await page.getByLabel('名称（英語）').fill('Hikari Postnatal Care')
    await page.getByLabel('電話番号').fill('03-1234-5678')
    await page.getByLabel('家事・育児支援（産後ドゥーラ）').check()
    await page.getByRole('button', { name: '登録する' }).click()
    await page.getByRole('heading', { level: 1, name: 'ひかり産後ケア' }).waitFor()
    await page.getByText('ひかり産後ケアを登録しました。').waitFor()
    assert.isTrue(await page.getByLabel('家事・育児支援（産後ドゥーラ）').isChecked())
    assert.isFalse(await page.getByLabel('家事支援（ホームヘルパー）').isChecked())
    assert.deepEqual(await seriousViolations(page), [])

    const add = page.getByRole('form', { name: '施設を追加する' })
    await add.getByLabel('施設名（日本語）').fill('ひかり 三田')
    await add.getByLabel('施設名（英語）').fill('Hikari Mita')
    await add.getByLabel('住所').fill('東京都港区三田1-1-1')
    await add.getByRole('button', { name: '施設を追加する' }).click()
    await page.getByText('施設「ひかり 三田」を追加しました。').waitFor()
    await page.getByRole('heading', { level: 3, name: 'ひかり 三田' }).waitFor()

    const provider = await Provider.findByOrFail('nameJa', 'ひかり産後ケア')
    const facility = await Facility.findByOrFail('providerId', provider.id)
    assert.equal(facility.address, '東京都港区三田1-1-1')

    // Its first administrator is invited: listed by address as invited, not as staff
    const invite = page.getByRole('form', { name: 'スタッフを招待する' })
    await invite.getByLabel('氏名').fill('光 管理者')
    await invite.getByLabel('メールアドレス').fill('kanri@hikari.example')
    await invite.getByLabel('権限').selectOption({ label: '事業者管理者' })
    await invite.getByRole('button', { name: '招待メールを送る' }).click()
    await page
      .getByText('kanri@hikari.example さんをひかり産後ケアのスタッフとして招待しました。')
      .waitFor()
    await page.getByRole('heading', { level: 3, name: '招待中' }).waitFor()
    const invited = page.getByRole('row', { name: /kanri@hikari\.example/ })
    assert.match((await invited.textContent())!, /事業者管理者.*招待中/)
    assert.equal(await page.getByText('光 管理者').count(), 0)
    await page.getByText('スタッフはまだいません。').waitFor()
    assert.deepEqual(await seriousViolations(page), [])
  })

  test('definitions and statistics screens at phone size', async ({ browserContext, assert }) => {
    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 390, height: 844 })
    await signInInBrowser(page, 'admin@minato.example')
    await page.goto('/m/minato/definitions')
    await page.getByRole('heading', { level: 1, name: '制度版（クーポン定義）' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    // a window named for single births says it once, its births in a column of their own
    const single = page.getByRole('row').filter({ hasText: '出産後120日まで（単胎）' }).first()
    assert.notInclude(await single.textContent(), '（単胎）（単胎）')
    const births = await single.locator('[data-role="births"]').innerText()
    assert.equal(births.trim(), '単胎')
    await page.getByRole('link', { name: '「2021年度の制度」に切り替える' }).click()
    await page.getByRole('heading', { level: 1, name: '既定の版の切り替えの確認' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    await page.getByRole('button', { name: '「2021年度の制度」に切り替える' }).click()
    await page
      .locator('.field__error', {
        hasText: '切り替える前に、変更内容を確認したことにチェックを入れてください。',
      })
      .waitFor()
    await page.getByLabel('上の変更内容を確認しました').check()
    await page.getByRole('button', { name: '「2021年度の制度」に切り替える' }).click()
    await page.getByText(/既定の版を「2021年度の制度」に切り替えました/).waitFor()

    await page.goto('/m/minato/statistics?month=2026-05')
    await page.getByRole('heading', { level: 1, name: '統計' }).waitFor()
    await page.getByRole('heading', { level: 2, name: 'すべての制度・2026年5月' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    // by fiscal year (April to March), with the table as CSV
    await page.getByLabel('年度で選ぶ').check()
    await page.getByLabel('年度', { exact: true }).selectOption('2026')
    await page.getByRole('button', { name: '検索' }).click()
    await page.waitForURL(/year=2026/)
    await page
      .getByRole('heading', { level: 2, name: 'すべての制度・2026年度（2026年4月〜2027年3月）' })
      .waitFor()
    const csv = page.getByRole('link', { name: 'CSV（Excel用 Shift_JIS）' })
    assert.equal(
      await csv.getAttribute('href'),
      '/m/minato/statistics/export?year=2026&encoding=cp932'
    )
    assert.deepEqual(await seriousViolations(page), [])
  })
})
