import type { Page } from 'playwright'
import { DEMO_PASSWORD } from '#database/demo_data'
import { nextTotpCode } from '#tests/helpers/totp'
import { label } from '#tests/helpers/browser_labels'
import { linkIn, waitForMail } from '#tests/helpers/mailbox'

/**
 * Signs in through the Japanese login page in a real browser, going
 * through the second factor for staff (enrolling on the first sign-in, as
 * a person copying the key into an authenticator app would).
 */
export async function signInInBrowser(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login')
  await page.getByLabel('メールアドレス', { exact: true }).fill(email)
  await page.getByLabel('パスワード', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'ログインする' }).click()
  await page.waitForURL((url) => url.pathname !== '/login')

  const path = new URL(page.url()).pathname
  if (path === '/two-factor/setup') {
    const secret = (await page.getByTestId('totp-secret').textContent())!.replaceAll(' ', '')
    await page
      .getByLabel('認証アプリに表示された6桁のコード')
      .fill(await nextTotpCode(email, secret))
    await page.getByRole('button', { name: '設定を完了する' }).click()
    await page.getByRole('link', { name: 'ホームへ進む' }).click()
  } else if (path === '/two-factor') {
    await page.getByLabel('6桁のコード、または回復コード').fill(await nextTotpCode(email))
    await page.getByRole('button', { name: '確認する' }).click()
  }
  await page.getByRole('heading', { level: 1, name: /こんにちは/ }).waitFor()
}

/**
 * Signs up through the Japanese registration page and confirms the address
 * from the mail, which signs in (a resident's account: no second factor),
 * ending on the home page.
 */
export async function signUpInBrowser(
  page: Page,
  account: { fullName: string; email: string; password: string }
) {
  const since = new Date()
  await page.goto('/register')
  await page.getByLabel(label('お名前')).fill(account.fullName)
  await page.getByLabel(label('メールアドレス')).fill(account.email)
  await page.getByLabel(label('新しいパスワード')).fill(account.password)
  await page.getByLabel(label('新しいパスワード（確認のためもう一度）')).fill(account.password)
  await page.getByRole('button', { name: '登録する' }).click()
  await page.waitForURL((url) => url.pathname === '/register/sent')
  await confirmAddressInBrowser(page, account.email, since)
  await page.waitForURL((url) => url.pathname === '/')
}

/** Opens the confirmation mail's link and presses its button (which signs in) */
export async function confirmAddressInBrowser(page: Page, email: string, since: Date) {
  await page.goto(linkIn(await waitForMail(email, since)))
  await page.getByRole('heading', { level: 1, name: 'メールアドレスの確認' }).waitFor()
  await page.getByRole('button', { name: '確認してはじめる' }).click()
}
