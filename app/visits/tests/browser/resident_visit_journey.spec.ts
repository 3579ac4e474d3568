import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Locator, Page } from 'playwright'
import CouponRedemption from '#ledger/coupon_redemption'
import ProviderApprovals from '#visits/provider_approvals'
import { aozoraStation } from '#tests/helpers/usage_fixtures'
import User from '#identity/user'
import { visitLink } from '#visits/visit_links'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import {
  VIEWPORTS,
  onAPhone,
  seriousViolations,
  watchForProblems,
} from '#tests/helpers/browser_page'
import { showNothing, showQrCode } from '#tests/helpers/fake_camera'
import {
  aozoraVisit,
  daysFromToday,
  expireVisitToken,
  hanakoWithHours,
} from '#tests/helpers/resident_visits'

/** What the Aozora helper's approval records: the provider's member of staff */
async function aozoraHelper() {
  const helper = await User.findByOrFail('email', 'helper@aozora.example')
  return {
    actorUserId: helper.id,
    actorRole: 'provider_staff',
    source: { channel: 'web' as const, ip: '192.0.2.20' },
    destination: 'tests',
  }
}

async function textOf(locator: Locator) {
  const text = await locator.textContent()
  return text?.trim()
}

async function visitIdIn(page: Page) {
  await page.waitForURL(/\/m\/minato\/my\/visits\/\d+$/)
  return Number(new URL(page.url()).pathname.split('/').pop())
}

test.group('Resident visit journey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.teardown(() => showNothing())

  test('on a phone: scan the visit QR, confirm, see it approved, answer the survey', async ({
    browserContext,
    assert,
  }) => {
    await browserContext.setDefaultTimeout(15_000)
    const { city } = await hanakoWithHours()
    const { token } = await aozoraVisit()
    showQrCode(visitLink('minato', token))

    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.phone)
    const problems = watchForProblems(page)
    const violations: string[] = []
    await signInInBrowser(page, 'hanako@example.jp')

    await page.goto('/scan')
    await page.getByRole('heading', { level: 1, name: 'QRコードで利用する' }).waitFor()
    violations.push(...(await seriousViolations(page)))
    await page.getByRole('button', { name: 'カメラで読み取る' }).click()

    // The page decodes the fake camera's picture and opens the confirm page.
    await page.getByRole('heading', { level: 1, name: '利用する内容の確認' }).waitFor()
    assert.include(page.url(), `/m/minato/my/visit?token=${token}`)
    const facts = await page.locator('.visit-facts').textContent()
    assert.include(facts, '家事支援（ホームヘルパー）')
    assert.include(facts, 'あおぞら 芝浦ステーション')
    assert.include(facts, '10:00')
    assert.equal(await textOf(page.locator('[data-role="before"]')), '128 時間')
    assert.equal(await textOf(page.locator('[data-role="after"]')), '126 時間')
    violations.push(...(await seriousViolations(page)))

    await page.getByRole('button', { name: 'この内容で利用する' }).click()
    const visitId = await visitIdIn(page)
    await page.getByRole('status').filter({ hasText: '利用を受け付けました' }).waitFor()
    assert.equal(await textOf(page.locator('[data-role="state"]')), '承認待ち')
    // The waiting screen says who acts next and what the resident will see.
    await page.getByRole('heading', { level: 3, name: 'このあとの流れ' }).waitFor()
    const next = await page.locator('[data-role="next"]').innerText()
    assert.include(next, '次は あおぞら家事支援サービス が利用の内容を確かめて承認します。')
    assert.include(next, 'あなたがすることはありません。')
    assert.include(next, 'この画面が「承認済み」に変わり、残り時間が表示されます。')
    assert.include(next, 'メールでもお知らせします。')
    assert.include(next, '理由がこの画面とメールでわかります。')
    violations.push(...(await seriousViolations(page)))

    // The provider approves; the waiting page notices by itself.
    await CouponRedemption.approve(city.id, visitId, await aozoraHelper())
    await page.locator('[data-role="state"]', { hasText: '承認済み' }).waitFor({ timeout: 20_000 })
    await page.getByText('状況が変わりました：承認済み').waitFor({ state: 'attached' })
    assert.equal(await textOf(page.locator('[data-role="left"]')), '126 時間')

    await page.getByRole('link', { name: 'アンケートに答える' }).click()
    await page.getByRole('heading', { level: 1, name: 'アンケート' }).waitFor()
    violations.push(...(await seriousViolations(page)))
    await page.locator('label.rating-choice', { hasText: '5' }).click()
    await page.getByRole('group', { name: 'また利用したいですか' }).getByLabel('はい').check()
    await page.getByLabel('ご意見（任意）').fill('とても助かりました')
    await page.getByRole('button', { name: '送信する' }).click()
    await page.getByText('アンケートにお答えいただき、ありがとうございました。').waitFor()
    const answers = await page.locator('#survey-heading + p + h3 + dl').textContent()
    assert.include(answers, 'とても助かりました')
    assert.equal(await page.getByRole('link', { name: 'アンケートに答える' }).count(), 0)

    assert.isTrue(
      await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')
    )
    assert.deepEqual(violations, [])
    assert.deepEqual(problems, [])
  })

  test('on a phone: the short code works, a QR of something else and an expired code are refused', async ({
    browserContext,
    assert,
  }) => {
    await browserContext.setDefaultTimeout(15_000)
    await hanakoWithHours()
    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.phone)
    const problems = watchForProblems(page)
    await signInInBrowser(page, 'hanako@example.jp')

    // A QR that is not a Tomoni visit: said so, nothing opens.
    showQrCode(
      'https://example.com/m/minato/my/visit?token=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
    )
    await page.goto('/m/minato/my/scan')
    await page.getByRole('button', { name: 'カメラで読み取る' }).click()
    await page
      .getByRole('alert')
      .filter({ hasText: 'Tomoni の利用のQRコードではありません' })
      .waitFor()
    assert.include(page.url(), '/m/minato/my/scan')

    // An expired code: back to the scan page, told calmly, the field ready again.
    const old = await aozoraVisit()
    await expireVisitToken(old.shortCode)
    await page.getByLabel('8桁の番号').fill(old.shortCode)
    await page.getByRole('button', { name: '番号で確認する' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: '確認できる時間（10分）が過ぎていました' })
      .waitFor()

    const { shortCode } = await aozoraVisit({ visitDate: daysFromToday(1), minutes: 60 })
    await page.getByLabel('8桁の番号').fill(shortCode)
    await page.getByRole('button', { name: '番号で確認する' }).click()
    await page.getByRole('heading', { level: 1, name: '利用する内容の確認' }).waitFor()
    assert.equal(await textOf(page.locator('[data-role="hours"]')), '1 時間')
    await page.getByRole('button', { name: 'この内容で利用する' }).click()
    await visitIdIn(page)
    assert.equal(await textOf(page.locator('[data-role="state"]')), '承認待ち')

    // The same code again: already used.
    await page.goto('/m/minato/my/scan')
    await page.getByLabel('8桁の番号').fill(shortCode)
    await page.getByRole('button', { name: '番号で確認する' }).click()
    await page.getByRole('alert').filter({ hasText: 'すでに使われています' }).waitFor()
    assert.deepEqual(problems, [])
  })

  test('on a phone: the provider corrects the hours up; the waiting page shows it and the resident confirms', async ({
    browserContext,
    assert,
  }) => {
    const { city } = await hanakoWithHours()
    const { token } = await aozoraVisit()
    const { page, problems } = await onAPhone(browserContext)
    await signInInBrowser(page, 'hanako@example.jp')
    await page.goto(new URL(visitLink('minato', token)).pathname + `?token=${token}`)
    await page.getByRole('button', { name: 'この内容で利用する' }).click()
    const visitId = await visitIdIn(page)

    // The provider finds it was three hours, not two; the waiting page notices by itself.
    const { provider } = await aozoraStation()
    const approvals = new ProviderApprovals(city.id, provider.id, 'ja')
    const outcome = await approvals.correct(visitId, 180, await aozoraHelper())
    assert.isTrue(outcome.done)
    await page
      .locator('[data-role="state"]', { hasText: 'あなたの確認待ち' })
      .waitFor({ timeout: 20_000 })
    const correction = page.locator('[data-role="correction"]')
    assert.equal(await textOf(correction.locator('[data-role="corrected-before"]')), '2 時間')
    assert.equal(await textOf(correction.locator('[data-role="corrected-after"]')), '3 時間')
    assert.include(await correction.textContent(), '増えた 1 時間も予約されています')
    assert.deepEqual(await seriousViolations(page), [])

    await page.getByRole('button', { name: '訂正後の 3 時間で確認する' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: '訂正後の時間を確認しました' })
      .first()
      .waitFor()
    assert.equal(await textOf(page.locator('[data-role="state"]')), '承認待ち')
    assert.equal(await page.getByRole('button', { name: /確認する$/ }).count(), 0)

    // The history says it too.
    await page.goto('/m/minato/my/history')
    const entry = page.locator('[data-role="correction"]').first()
    assert.equal(await textOf(entry), '訂正前 2 時間 → 訂正後 3 時間（事業者が訂正）')
    assert.deepEqual(problems, [])
  })
})
