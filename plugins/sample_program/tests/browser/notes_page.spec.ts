import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'

test.group('sample_program: a plugin page in the browser', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the Vue page under plugins/<id>/ui/pages resolves inside the shell', async ({
    browserContext,
    assert,
  }) => {
    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 390, height: 844 })
    await signInInBrowser(page, 'staff@minato.example')

    await page.goto('/m/minato/p/sample_program/notes')
    await page.getByRole('heading', { level: 1, name: 'サンプル制度のメモ' }).waitFor()
    assert.equal(await page.locator('main p').last().textContent(), 'メモはまだありません。')
    assert.equal(await page.locator('.skip-link').textContent(), '本文へ移動')
  })
})
