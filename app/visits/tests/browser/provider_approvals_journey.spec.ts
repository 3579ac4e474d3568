import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Locator } from 'playwright'
import VisitTokens from '#visits/visit_tokens'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { VIEWPORTS, seriousViolations, watchForProblems } from '#tests/helpers/browser_page'
import { staffOf } from '#tests/helpers/programs'
import { aozoraVisit, daysFromToday, hanakoWithHours } from '#tests/helpers/resident_visits'

async function textOf(locator: Locator) {
  const text = await locator.textContent()
  return text?.trim()
}

test.group('Provider approvals journey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('on a phone: the queue, a correction of the hours, a reason required, approval; the resident follows', async ({
    browserContext,
    assert,
  }) => {
    await browserContext.setDefaultTimeout(15_000)
    const { city, resident } = await hanakoWithHours()
    const { token } = await aozoraVisit({ minutes: 120, visitDate: daysFromToday(1) })
    const { redemptionId } = await VisitTokens.redeem(
      city.id,
      resident.id,
      { token },
      await staffOf(city)
    )

    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.phone)
    const problems = watchForProblems(page)
    const violations: string[] = []

    // The resident waits on her visit page (second browser context).
    await page.goto('/login')
    const origin = new URL(page.url()).origin
    const residentContext = await browserContext.browser()!.newContext({ baseURL: origin })
    residentContext.setDefaultTimeout(15_000)
    const residentPage = await residentContext.newPage()
    await residentPage.setViewportSize(VIEWPORTS.phone)
    const residentProblems = watchForProblems(residentPage)
    await signInInBrowser(residentPage, 'hanako@example.jp')
    await residentPage.goto(`/m/minato/my/visits/${redemptionId}`)
    assert.equal(await textOf(residentPage.locator('[data-role="state"]')), '承認待ち')

    await signInInBrowser(page, 'helper@aozora.example')

    await page.goto('/m/minato/provider/approvals')
    await page.getByRole('heading', { level: 1, name: '使用承認' }).waitFor()
    const row = page.locator(`[data-role="waiting"] tr[data-redemption="${redemptionId}"]`)
    assert.include(await row.textContent(), 'MN-000101')
    assert.include(await row.textContent(), '2 時間')
    assert.include(await row.textContent(), 'あおぞら 芝浦ステーション')
    assert.equal(
      await page
        .getByRole('navigation', { name: '事業者メニュー' })
        .getByRole('link', {
          name: '使用承認',
        })
        .getAttribute('aria-current'),
      'page'
    )
    violations.push(...(await seriousViolations(page)))
    assert.isTrue(
      await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')
    )

    await row.getByRole('link', { name: /確認する/ }).click()
    await page.getByRole('heading', { level: 1, name: '利用の確認' }).waitFor()
    assert.equal(await textOf(page.locator('[data-role="hours"]')), '2 時間')
    violations.push(...(await seriousViolations(page)))

    // The visit took one hour: corrected before approval.
    await page.getByLabel('実際の利用時間').selectOption('60')
    await page.getByRole('button', { name: '時間を訂正する' }).click()
    await page.getByText('利用時間を訂正しました').waitFor()
    await page.waitForURL((url) => !url.pathname.endsWith(`/${redemptionId}`))
    assert.equal(await textOf(page.locator('[data-role="hours"]')), '1 時間')
    const newId = Number(new URL(page.url()).pathname.split('/').pop())

    // The resident's waiting page follows to the corrected visit by itself.
    await residentPage.waitForURL(new RegExp(`/my/visits/${newId}$`), { timeout: 20_000 })
    await residentPage.locator('[data-role="hours"]', { hasText: '1 時間' }).waitFor()

    // A rejection needs a reason; the error is said at the field.
    await page.getByRole('button', { name: '不承認にする' }).click()
    const reason = page.getByLabel('不承認の理由')
    await page.locator('.field--invalid .field__error').waitFor()
    assert.equal(await reason.getAttribute('aria-invalid'), 'true')
    const errorId = (await reason.getAttribute('aria-describedby'))!.split(' ').at(-1)
    assert.include(await page.locator(`[id="${errorId}"]`).textContent(), '不承認の理由')
    violations.push(...(await seriousViolations(page)))

    await page.getByRole('button', { name: '承認する', exact: true }).click()
    await page.waitForURL(/\/provider\/approvals$/)
    await page.getByText('利用を承認しました。').waitFor()
    const decided = page.locator(`[data-role="decided"] tr[data-redemption="${newId}"]`)
    assert.equal(await textOf(decided.locator('[data-role="state"]')), '承認済み')
    violations.push(...(await seriousViolations(page)))
    assert.isTrue(
      await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')
    )

    // Both see the new state.
    await residentPage
      .locator('[data-role="state"]', { hasText: '承認済み' })
      .waitFor({ timeout: 20_000 })

    assert.deepEqual(violations, [])
    assert.deepEqual(problems, [])
    assert.deepEqual(residentProblems, [])
    await residentContext.close()
  }).timeout(90_000)
})
