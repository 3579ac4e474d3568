import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import jsQRModule from 'jsqr'
import type { Locator, Page } from 'playwright'
import VisitTokens from '#visits/visit_tokens'
import { sha256Hex } from '#shared/sha256'
import { parseVisitLink } from '#visits/visit_links'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { VIEWPORTS, seriousViolations, watchForProblems } from '#tests/helpers/browser_page'
import { expireVisitToken, hanakoWithHours } from '#tests/helpers/resident_visits'
import { staffOf } from '#tests/helpers/programs'

// jsqr is CommonJS with an ES default export; take the function either way.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as (
  data: Uint8ClampedArray,
  width: number,
  height: number
) => { data: string } | null

const QR_SIDE = 400

/** What the QR image on the page says, read from its pixels as a camera would */
async function qrTextOn(page: Page) {
  const pixels = await page.evaluate<number[]>(`(async () => {
    const image = document.querySelector('[data-role="qr"]')
    await image.decode()
    const canvas = document.createElement('canvas')
    canvas.width = ${QR_SIDE}
    canvas.height = ${QR_SIDE}
    const context = canvas.getContext('2d')
    context.fillStyle = '#fff'
    context.fillRect(0, 0, ${QR_SIDE}, ${QR_SIDE})
    context.drawImage(image, 0, 0, ${QR_SIDE}, ${QR_SIDE})
    return Array.from(context.getImageData(0, 0, ${QR_SIDE}, ${QR_SIDE}).data)
  })()`)
  return jsQR(Uint8ClampedArray.from(pixels), QR_SIDE, QR_SIDE)?.data ?? null
}

async function textOf(locator: Locator) {
  const text = await locator.textContent()
  return text?.trim()
}

/** The short code as shown, without the space that groups its digits */
async function codeOn(page: Page) {
  const text = await page.locator('[data-role="short-code"]').textContent()
  return text?.replaceAll(/\s/g, '')
}

function noSidewaysScroll(page: Page) {
  return page.evaluate<boolean>(
    'document.documentElement.scrollWidth <= document.documentElement.clientWidth'
  )
}

async function startVisit(page: Page, hours: string) {
  await page.goto('/m/minato/provider')
  await page.getByRole('heading', { level: 1, name: '利用の開始' }).waitFor()
  await page.getByLabel('制度').selectOption('postpartum_support/postpartum')
  await page.getByLabel('サービス').selectOption('home_helper')
  await page.getByLabel('開始時刻').fill('10:00')
  await page.getByLabel('予定時間').selectOption(hours)
  await page.getByRole('button', { name: 'QRコードを表示する' }).click()
  await page.getByRole('heading', { level: 1, name: '利用のQRコード' }).waitFor()
  return db.from('visit_tokens').orderBy('id', 'desc').firstOrFail()
}

test.group('Provider visit QR page', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    test(`${size}: start a visit, show a scannable QR and code, see the resident confirm`, async ({
      browserContext,
      assert,
    }) => {
      await browserContext.setDefaultTimeout(15_000)
      const { city, resident } = await hanakoWithHours()
      const page = await browserContext.newPage()
      await page.setViewportSize(viewport)
      const problems = watchForProblems(page)
      const violations: string[] = []
      await signInInBrowser(page, 'helper@aozora.example')

      await page.goto('/m/minato/provider')
      await page.getByRole('heading', { level: 1, name: '利用の開始' }).waitFor()
      violations.push(...(await seriousViolations(page)))
      assert.isTrue(await noSidewaysScroll(page), 'landing scrolls sideways')

      const row = await startVisit(page, '2')
      assert.match(page.url(), new RegExp(`/m/minato/provider/visits/${row.id}$`))
      // The QR holds this visit's link: the token whose hash the table keeps.
      const link = parseVisitLink(String(await qrTextOn(page)))
      assert.equal(link?.slug, 'minato')
      assert.equal(sha256Hex(link!.token), row.token_hash)
      assert.equal(await codeOn(page), row.short_code)
      assert.match(
        String(await textOf(page.getByRole('timer'))),
        /有効期限まで あと (10:00|9:\d\d)/
      )
      const box = await page.locator('[data-role="qr"]').boundingBox()
      assert.isAtLeast(box!.width, 250, 'the QR is large enough to scan across a table')
      violations.push(...(await seriousViolations(page)))
      assert.isTrue(await noSidewaysScroll(page), 'QR page scrolls sideways')

      // The resident confirms on their phone; the page notices by itself.
      const { redemptionId } = await VisitTokens.redeem(
        city.id,
        resident.id,
        { token: link!.token },
        await staffOf(city)
      )
      await page.locator('[data-role="confirmed"]').waitFor()
      assert.include(
        await page.locator('[data-role="confirmed"]').textContent(),
        '利用者が確認しました'
      )
      assert.equal(
        await textOf(page.locator('[data-role="resident"]')),
        `${resident.familyName} ${resident.givenName}`
      )
      assert.equal(
        await page.getByRole('link', { name: '使用承認へ進む' }).getAttribute('href'),
        `/m/minato/provider/approvals/${redemptionId}`
      )
      violations.push(...(await seriousViolations(page)))

      assert.deepEqual(violations, [])
      assert.deepEqual(problems, [])
    })
  }

  test('an expired QR says so and starts again with the same details', async ({
    browserContext,
    assert,
  }) => {
    await browserContext.setDefaultTimeout(15_000)
    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.phone)
    const problems = watchForProblems(page)
    await signInInBrowser(page, 'helper@aozora.example')
    const first = await startVisit(page, '3')
    await expireVisitToken(first.short_code)
    await page.locator('[data-role="lapsed"]').getByText('有効期限が切れました').waitFor()
    assert.deepEqual(await seriousViolations(page), [])

    await page.getByRole('button', { name: '同じ内容でもう一度始める' }).click()
    await page.waitForURL((url) => !url.pathname.endsWith(`/visits/${first.id}`))
    const again = await db.from('visit_tokens').orderBy('id', 'desc').firstOrFail()
    assert.notEqual(again.id, first.id)
    assert.equal(Number(again.minutes), 180)
    await page.locator('[data-role="qr"]').waitFor()
    assert.equal(await codeOn(page), again.short_code)
    assert.deepEqual(problems, [])
  })
})
