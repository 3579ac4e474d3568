import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Page } from 'playwright'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { seriousViolations } from '#tests/helpers/browser_page'

const PUBLIC_PAGES = ['/login', '/register', '/forgot-password', '/no-such-page']

async function seriousViolationsAt(page: Page, path: string) {
  await page.goto(path)
  await page.getByRole('heading', { level: 1 }).waitFor()
  return seriousViolations(page)
}

/**
 * axe-core on the pages everyone sees, at phone size, in Japanese and in
 * English: no serious or critical violations (WCAG 2.1 A/AA rules).
 */
test.group('Accessibility (axe-core)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const locale of ['ja', 'en']) {
    test(`public pages in ${locale}`, async ({ browserContext, assert }) => {
      const page = await browserContext.newPage()
      await page.setViewportSize({ width: 390, height: 844 })
      await page.goto('/login')
      if (locale === 'en') {
        await page.getByRole('button', { name: 'English' }).click()
        await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
      }
      for (const path of PUBLIC_PAGES) {
        assert.deepEqual(await seriousViolationsAt(page, path), [])
      }
    })
  }

  test('signed-in screens: home, account, audit trail', async ({ browserContext, assert }) => {
    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 390, height: 844 })
    await signInInBrowser(page, 'admin@minato.example')
    for (const path of ['/', '/account', '/m/minato/audit']) {
      assert.deepEqual(await seriousViolationsAt(page, path), [])
    }
  })
})
