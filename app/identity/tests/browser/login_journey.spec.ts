import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DEMO_PASSWORD } from '#database/demo_data'
import { VIEWPORTS, watchForProblems } from '#tests/helpers/browser_page'

test.group('Login journey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    test(`on a ${name}: Japanese login page, switch to English, sign in`, async ({
      browserContext,
      assert,
    }) => {
      await browserContext.setDefaultTimeout(15_000)
      const page = await browserContext.newPage()
      await page.setViewportSize(viewport)
      const problems = watchForProblems(page)

      await page.goto('/login')
      await page.getByRole('heading', { level: 1, name: 'ログイン' }).waitFor()
      assert.equal(await page.getAttribute('html', 'lang'), 'ja')
      assert.equal(await page.title(), 'ログイン | Tomoni')

      // The skip link is the first thing a keyboard reaches, and it is visible then.
      await page.keyboard.press('Tab')
      const focused = page.locator(':focus')
      assert.equal(await focused.textContent(), '本文へ移動')
      assert.isTrue(await focused.isVisible())

      await page.getByRole('button', { name: 'English' }).click()
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
      assert.equal(
        await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'),
        'true'
      )

      await page.reload()
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()

      await page.getByLabel('Email address', { exact: true }).fill('hanako@example.jp')
      await page.getByLabel('Password', { exact: true }).fill('wrong password')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('alert').waitFor()
      assert.include(
        await page.getByRole('alert').textContent(),
        'The email address or password is not correct.'
      )

      await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('heading', { level: 1, name: 'Hello, 山田 花子' }).waitFor()
      assert.include(await page.locator('main').textContent(), 'Resident')

      // Account, language and signing out are in the header's menu; every
      // tap target in the header and its menu is at least 44px high.
      const menu = page.getByRole('button', { name: 'Menu' })
      await menu.click()
      assert.equal(await menu.getAttribute('aria-expanded'), 'true')
      for (const button of await page.locator('header :is(button, a):visible').all()) {
        const box = await button.boundingBox()
        assert.isAtLeast(box!.height, 44)
      }

      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.getByRole('status').waitFor()
      assert.include(await page.getByRole('status').textContent(), 'You have signed out.')

      assert.deepEqual(problems, [])
    })
  }
})
