import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DEMO_PASSWORD } from '#database/demo_data'
import { onAPhone, seriousViolations } from '#tests/helpers/browser_page'
import { issuerOf } from '#tests/helpers/oidc_flow'

const DEMO = 'デモ：みなと子育てポータル'

test.group('Demo relying party journey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('Sign in with Tomoni: password and consent once, the claims shown; the second time straight back', async ({
    browserContext,
    assert,
  }) => {
    const { page, problems } = await onAPhone(browserContext, 20_000)
    const visited: string[] = []
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) visited.push(new URL(frame.url()).pathname)
    })

    await page.goto('/demo-rp')
    await page.getByRole('heading', { level: 1, name: 'みなと子育てポータル（デモ）' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    await page.getByRole('link', { name: 'Tomoniでログイン' }).click()

    // Tomoni's own sign-in page, saying which service asks
    await page.waitForURL((url) => url.pathname === '/login')
    await page.getByText(`「${DEMO}」にログインするには、Tomoniにログインしてください。`).waitFor()
    await page.getByLabel('メールアドレス', { exact: true }).fill('hanako@example.jp')
    await page.getByLabel('パスワード', { exact: true }).fill(DEMO_PASSWORD)
    await page.getByRole('button', { name: 'ログインする' }).click()

    // The consent page, in Japanese: who asks, for what
    await page.getByRole('heading', { level: 1, name: `「${DEMO}」に情報を提供しますか` }).waitFor()
    const scopes = page.locator('[data-role="scopes"] li')
    assert.deepEqual(await scopes.allTextContents(), [
      'あなたであることの確認（このサービス専用の番号）',
      '氏名とふりがな',
      'メールアドレス',
    ])
    assert.deepEqual(await seriousViolations(page), [])
    await page.getByRole('button', { name: '許可する' }).click()

    // Back at the demo, with Hanako's claims checked by openid-client
    await page.getByRole('heading', { level: 2, name: 'IDトークンの内容' }).waitFor()
    assert.equal(new URL(page.url()).pathname, '/demo-rp')
    assert.equal(await page.locator('[data-claim="iss"]').textContent(), issuerOf('minato'))
    assert.equal(await page.locator('[data-claim="aud"]').textContent(), 'tomoni-demo-rp')
    const sub = await page.locator('[data-claim="sub"]').textContent()
    assert.isAbove(sub?.length ?? 0, 20)
    assert.equal(await page.locator('[data-userinfo="email"]').textContent(), 'hanako@example.jp')
    assert.match((await page.locator('[data-role="signed-in-as"]').textContent())!, /さんとして/)
    await page.getByText('連携APIが公開されてから表示できるようになります').waitFor()
    assert.deepEqual(await seriousViolations(page), [])

    // Out of the demo only, then in again: no password, no consent (SSO)
    await page.getByRole('button', { name: 'デモからログアウト' }).click()
    await page.getByRole('link', { name: 'Tomoniでログイン' }).waitFor()
    visited.length = 0
    await page.getByRole('link', { name: 'Tomoniでログイン' }).click()
    await page.getByRole('heading', { level: 2, name: 'IDトークンの内容' }).waitFor()
    assert.equal(await page.locator('[data-claim="sub"]').textContent(), sub)
    assert.notInclude(visited, '/login')
    assert.isFalse(
      visited.some((path) => path.includes('/interaction/')),
      `no consent page: ${visited.join(' → ')}`
    )
    // Leaving an Inertia page for the provider is Inertia's 409 + X-Inertia-Location
    // (after the sign-in and the consent), which Chromium logs as a failed load
    const leaving = 'Failed to load resource: the server responded with a status of 409 (Conflict)'
    assert.deepEqual(
      problems.filter((problem) => problem !== leaving),
      []
    )
  })
})
