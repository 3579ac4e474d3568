import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Page } from 'playwright'
import app from '@adonisjs/core/services/app'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { VIEWPORTS, seriousViolations, watchForProblems } from '#tests/helpers/browser_page'
import { showNothing, showQrCode } from '#tests/helpers/fake_camera'
import { hanakoWithHours } from '#tests/helpers/resident_visits'

async function fitsTheScreen(page: Page) {
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')
}

async function textOf(page: Page, selector: string) {
  const text = await page.locator(selector).first().textContent()
  return text?.trim() ?? ''
}

/**
 * What the QR on the provider's screen says: a screenshot of it, decoded
 * by jsQR in a blank page, as a phone's camera would read it.
 */
async function qrTextOn(page: Page) {
  const shot = await page.locator('main [data-role="qr"]').screenshot()
  const scratch = await page.context().newPage()
  await scratch.setContent('<canvas></canvas>')
  await scratch.addScriptTag({ path: app.makePath('node_modules/jsqr/dist/jsQR.js') })
  const source = `data:image/png;base64,${shot.toString('base64')}`
  const text = await scratch.evaluate<string | null>(
    `(async () => {
      const image = new Image()
      image.src = ${JSON.stringify(source)}
      await image.decode()
      const canvas = document.querySelector('canvas')
      canvas.width = image.width
      canvas.height = image.height
      const context = canvas.getContext('2d')
      context.drawImage(image, 0, 0)
      const pixels = context.getImageData(0, 0, image.width, image.height)
      return jsQR(pixels.data, pixels.width, pixels.height)?.data ?? null
    })()`
  )
  await scratch.close()
  if (!text) throw new Error('no QR code readable on the provider page')
  return text
}

/**
 * Issue 7's journey: the helper starts a visit on her phone and shows the
 * QR; the resident, in a second browser, scans it with the camera (the
 * very QR read off the provider's screen) and confirms; the helper
 * approves; both see the visit approved.
 */
test.group('Provider journey: a visit from QR to approval', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.teardown(() => showNothing())

  test('on two phones, in Japanese', async ({ browserContext, assert }) => {
    await browserContext.setDefaultTimeout(20_000)
    await hanakoWithHours()
    const violations: string[] = []

    // The helper at Aozora starts a two-hour home-helper visit today.
    const provider = await browserContext.newPage()
    await provider.setViewportSize(VIEWPORTS.phone)
    const providerProblems = watchForProblems(provider)
    await signInInBrowser(provider, 'helper@aozora.example')
    await provider.getByRole('link', { name: '事業者の画面' }).first().click()
    await provider.getByRole('heading', { level: 1, name: '利用の開始' }).waitFor()
    violations.push(...(await seriousViolations(provider)))
    assert.isTrue(await fitsTheScreen(provider))
    await provider.getByLabel(/^制度/).selectOption({ label: '産前産後家事・育児支援サービス' })
    await provider.getByLabel(/^サービス/).selectOption({ label: '家事支援（ホームヘルパー）' })
    await provider.getByLabel(/^開始時刻/).fill('10:00')
    await provider.getByLabel(/^予定時間/).selectOption({ label: '2 時間' })
    await provider.getByRole('button', { name: 'QRコードを表示する' }).click()
    await provider.getByRole('heading', { level: 1, name: '利用のQRコード' }).waitFor()
    violations.push(...(await seriousViolations(provider)))
    assert.isTrue(await fitsTheScreen(provider))
    const link = await qrTextOn(provider)
    assert.match(link, /\/m\/minato\/my\/visit\?token=[\w-]{40,}$/)

    // Hanako, on her own phone, points the camera at it and confirms.
    const origin = new URL(provider.url()).origin
    const residentContext = await browserContext.browser()!.newContext({ baseURL: origin })
    const resident = await residentContext.newPage()
    await resident.setViewportSize(VIEWPORTS.phone)
    const residentProblems = watchForProblems(resident)
    await signInInBrowser(resident, 'hanako@example.jp')
    showQrCode(link)
    await resident.goto('/scan')
    await resident.getByRole('button', { name: 'カメラで読み取る' }).click()
    await resident.getByRole('heading', { level: 1, name: '利用する内容の確認' }).waitFor()
    assert.include(await textOf(resident, '.visit-facts'), 'あおぞら 芝浦ステーション')
    await resident.getByRole('button', { name: 'この内容で利用する' }).click()
    await resident.waitForURL(/\/m\/minato\/my\/visits\/\d+$/)
    assert.equal(await textOf(resident, '[data-role="state"]'), '承認待ち')

    // The helper's screen notices the confirmation by itself; she approves.
    await provider.locator('[data-role="confirmed"]').waitFor()
    assert.include((await provider.locator('main').textContent()) ?? '', '山田 花子')
    await provider.getByRole('link', { name: '使用承認へ進む' }).click()
    await provider.getByRole('heading', { level: 1, name: '利用の確認' }).waitFor()
    violations.push(...(await seriousViolations(provider)))
    await provider.getByRole('button', { name: '承認する', exact: true }).click()
    await provider.getByText('利用を承認しました。').waitFor()

    // Both see the new state: the provider's page, and Hanako's without reloading.
    assert.include((await provider.locator('main').textContent()) ?? '', '承認済み')
    await resident.locator('[data-role="state"]', { hasText: '承認済み' }).waitFor()
    assert.equal(await textOf(resident, '[data-role="left"]'), '126 時間')
    violations.push(...(await seriousViolations(resident)))
    await residentContext.close()

    assert.deepEqual(violations, [])
    assert.deepEqual(providerProblems, [])
    assert.deepEqual(residentProblems, [])
  }).timeout(180_000)
})
