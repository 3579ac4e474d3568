import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Page } from 'playwright'
import { DEMO_PASSWORD } from '#database/demo_data'
import { visitLink } from '#visits/visit_links'
import { confirmAddressInBrowser } from '#tests/helpers/browser_sign_in'
import { onAPhone, seriousViolations } from '#tests/helpers/browser_page'
import { label } from '#tests/helpers/browser_labels'
import { aozoraVisit, expireVisitToken, hanakoWithHours } from '#tests/helpers/resident_visits'

const PASSWORD = 'ゆうがたの こうえんで ひとやすみ 2026'
const WAITING =
  'あおぞら家事支援サービスの「家事支援（ホームヘルパー）」の利用を確認するには、ログインしてください。'

/** The address of a visit QR, as the phone's camera app opens it */
function qrPath(token: string) {
  const url = new URL(visitLink('minato', token))
  return `${url.pathname}${url.search}`
}

async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.getByLabel('メールアドレス', { exact: true }).fill(email)
  await page.getByLabel('パスワード', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'ログインする' }).click()
}

test.group('Visit QR opened while signed out', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a calm sign-in page names the visit; signing in returns to it', async ({
    browserContext,
    assert,
  }) => {
    await hanakoWithHours()
    const { token } = await aozoraVisit()
    const { page, problems } = await onAPhone(browserContext)

    await page.goto(qrPath(token))
    await page.waitForURL((url) => url.pathname === '/login')
    const prompt = page.locator('[data-role="prompt"]')
    assert.include(await prompt.textContent(), WAITING)
    assert.equal(await prompt.getAttribute('role'), 'status')
    // Not an error: nothing red, no alert.
    assert.equal(await page.getByRole('alert').count(), 0)
    assert.notInclude(
      (await page.locator('main').textContent()) ?? '',
      'ログインしてください。ログイン'
    )
    assert.deepEqual(await seriousViolations(page), [])

    await signIn(page, 'hanako@example.jp')
    await page.getByRole('heading', { level: 1, name: '利用する内容の確認' }).waitFor()
    assert.equal(new URL(page.url()).pathname, '/m/minato/my/visit')
    assert.equal(new URL(page.url()).searchParams.get('token'), token)
    await page.getByRole('button', { name: 'この内容で利用する' }).click()
    await page.waitForURL(/\/m\/minato\/my\/visits\/\d+$/)
    await page.getByRole('status').filter({ hasText: '利用を受け付けました' }).waitFor()
    assert.deepEqual(problems, [])
  })

  test('a visit that expired while signing in is told kindly, not as an error', async ({
    browserContext,
    assert,
  }) => {
    await hanakoWithHours()
    const { token, shortCode } = await aozoraVisit()
    const { page, problems } = await onAPhone(browserContext)

    await page.goto(qrPath(token))
    await page.locator('[data-role="prompt"]', { hasText: WAITING }).waitFor()
    await expireVisitToken(shortCode)
    await signIn(page, 'hanako@example.jp')
    await page.waitForURL((url) => url.pathname === '/m/minato/my/scan')
    const notice = page
      .getByRole('status')
      .filter({ hasText: '確認できる時間（10分）が過ぎていました' })
    await notice.waitFor()
    assert.include(await notice.textContent(), '事業者に新しいQRコードを出してもらい')
    assert.equal(await page.getByRole('alert').count(), 0)
    assert.deepEqual(problems, [])
  })

  test('a first-timer signs up from the visit, confirms the mail (signed in) and is back on it, the name asked once', async ({
    browserContext,
    assert,
  }) => {
    const { token } = await aozoraVisit()
    const { page, problems } = await onAPhone(browserContext, 20_000)
    const email = `mio-${process.pid}@example.jp`

    await page.goto(qrPath(token))
    await page.locator('[data-role="prompt"]', { hasText: WAITING }).waitFor()
    await page.getByRole('link', { name: 'はじめての方（アカウント登録）' }).first().click()
    await page.getByRole('heading', { level: 1, name: 'アカウント登録' }).waitFor()
    assert.include(await page.locator('[data-role="prompt"]').textContent(), WAITING)
    assert.deepEqual(await seriousViolations(page), [])

    const since = new Date()
    await page.getByLabel(label('お名前')).fill('佐藤 美緒')
    await page.getByLabel(label('メールアドレス')).fill(email)
    await page.getByLabel(label('新しいパスワード')).fill(PASSWORD)
    await page.getByLabel(label('新しいパスワード（確認のためもう一度）')).fill(PASSWORD)
    await page.getByRole('button', { name: '登録する' }).click()
    await page.waitForURL((url) => url.pathname === '/register/sent')

    // The mail's link signs her in: no second sign-in. A new account is
    // nobody in the city yet, so she registers first, the visit kept.
    await confirmAddressInBrowser(page, email, since)
    await page.getByRole('heading', { level: 1, name: '利用者情報と結び付ける' }).waitFor()
    await page.getByRole('status').filter({ hasText: '利用を確認する前に' }).waitFor()
    await page.getByRole('link', { name: /センターに登録していない方/ }).click()
    await page.getByRole('heading', { level: 1, name: 'はじめての登録' }).waitFor()

    // Her name is there already; she types only what she has not given yet.
    assert.equal(await page.getByLabel(label('姓')).inputValue(), '佐藤')
    assert.equal(await page.getByLabel(label('名')).inputValue(), '美緒')
    await page.getByLabel(label('姓（カナ）')).fill('サトウ')
    await page.getByLabel(label('名（カナ）')).fill('ミオ')
    await page.getByLabel(label('電話番号')).fill('090-2345-6789')
    await page.getByRole('button', { name: '登録する' }).click()

    // Back on the visit she scanned.
    await page.getByRole('heading', { level: 1, name: '利用する内容の確認' }).waitFor()
    assert.equal(new URL(page.url()).searchParams.get('token'), token)
    assert.include(await page.locator('.visit-facts').textContent(), 'あおぞら 芝浦ステーション')
    assert.deepEqual(await seriousViolations(page), [])
    assert.deepEqual(problems, [])
  })
})
