import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { VIEWPORTS, seriousViolations, watchForProblems } from '#tests/helpers/browser_page'
import { hanakoWithHours } from '#tests/helpers/resident_visits'

test.group('Municipality settings journey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('on a phone: the administrator chooses 和暦; staff read 令和, residents keep 西暦', async ({
    browserContext,
    assert,
  }) => {
    await browserContext.setDefaultTimeout(15_000)
    const { resident } = await hanakoWithHours()
    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.phone)
    const problems = watchForProblems(page)
    await signInInBrowser(page, 'admin@minato.example')
    await page.goto('/m/minato/residents')
    await page.getByRole('link', { name: '自治体の設定' }).click()
    await page.getByRole('heading', { level: 1, name: '自治体の設定' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    await page.getByRole('radio', { name: /和暦/ }).check()
    await page.getByRole('button', { name: '保存する' }).click()
    await page.getByRole('status').filter({ hasText: '設定を保存しました。' }).waitFor()

    // The console writes the coupon's last day in the era calendar
    await page.goto(`/m/minato/residents/${resident.id}`)
    const lot = page.locator('tr[data-lot]').first()
    await lot.waitFor()
    assert.match(await lot.innerText(), /令和\d+年\d+月\d+日/)
    assert.notMatch(await lot.innerText(), /20\d\d年/)
    assert.deepEqual(problems, [])

    // The resident's own pages stay western
    const home = await browserContext.newPage()
    await home.setViewportSize(VIEWPORTS.phone)
    await browserContext.clearCookies()
    await signInInBrowser(home, 'hanako@example.jp')
    const expiry = home.locator('[data-role="expiry"]').first()
    await expiry.waitFor()
    assert.match(await expiry.innerText(), /20\d\d年\d+月\d+日/)
  })
})
