import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DEMO_PASSWORD } from '#database/demo_data'

test.group('sample_program: a plugin page in the browser', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the Vue page under plugins/<id>/ui/pages resolves inside the shell', async ({
    browserContext,
    assert,
  }) => {
    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto('/login')
    await page.getByLabel('メールアドレス', { exact: true }).fill('staff@minato.example')
    await page.getByLabel('パスワード', { exact: true }).fill(DEMO_PASSWORD)
    await page.getByRole('button', { name: 'ログインする' }).click()
    await page.getByRole('heading', { level: 1, name: /こんにちは/ }).waitFor()

    await page.goto('/m/minato/p/sample_program/notes')
    await page.getByRole('heading', { level: 1, name: 'サンプル制度のメモ' }).waitFor()
    assert.equal(await page.locator('main p').last().textContent(), 'メモはまだありません。')
    assert.equal(await page.locator('.skip-link').textContent(), '本文へ移動')
  })
})
