import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Page } from 'playwright'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { VIEWPORTS } from '#tests/helpers/browser_page'
import { hanakoWithHours } from '#tests/helpers/resident_visits'
import { reserveAtAozora } from '#tests/helpers/resident_home'
import { todayInJapan } from '#ledger/coupon_issuance'
import { HOUR } from '#tests/helpers/programs'

/*
| Printouts as they come out of the printer: A4, the municipality's name on
| top, page numbers at the foot, no navigation, buttons or forms; a
| resident's coupon summary for the counter holds nothing else of their
| record (household notes stay off paper).
*/

/** Whether the page's styles print A4 with "page / pages" at the foot */
function printsA4WithPageNumbers(page: Page) {
  return page.evaluate<boolean>(`[...document.styleSheets].some((sheet) =>
    [...sheet.cssRules].some((rule) =>
      rule instanceof CSSPageRule &&
      /size:\\s*A4/i.test(rule.cssText) &&
      rule.cssText.includes('counter(pages)')))`)
}

/** The PDF Chromium prints: A4 pages (595 × 842 points) */
async function pdfPageSizes(page: Page) {
  const bytes = await page.pdf({ preferCSSPageSize: true })
  const pdf = bytes.toString('latin1')
  return [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((match) => [
    Math.round(Number(match[1])),
    Math.round(Number(match[2])),
  ])
}

test.group('Printouts', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a resident’s coupon summary for the counter: the summary alone, A4, numbered', async ({
    browserContext,
    assert,
  }) => {
    await browserContext.setDefaultTimeout(15_000)
    const { resident } = await hanakoWithHours()
    await resident.merge({ householdNotes: '夫は単身赴任中' }).save()
    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.desktop)
    await signInInBrowser(page, 'staff@minato.example')
    await page.goto(`/m/minato/residents/${resident.id}`)
    await page.locator('.coupon-summary').waitFor()
    // The print dialog is the browser's; what it prints is what is tested
    await page.evaluate('window.print = () => {}')
    await page.getByRole('button', { name: 'この内容を印刷する' }).click()
    await page.emulateMedia({ media: 'print' })

    const printTitle = await page.locator('.shell__print-title').innerText()
    assert.equal(printTitle.trim(), '港区')
    assert.isTrue(await page.locator('.coupon-summary').isVisible())
    assert.match(await page.locator('[data-role="as-of"]').innerText(), /\d+年\d+月\d+日現在/)
    assert.isTrue(await page.getByRole('heading', { level: 1 }).isVisible())
    for (const hidden of ['.shell__header', '.section-nav', 'main button', 'main .button']) {
      assert.isFalse(await page.locator(hidden).first().isVisible(), hidden)
    }
    assert.isFalse(
      await page.getByText('夫は単身赴任中').isVisible(),
      'household notes stay off paper'
    )
    assert.isFalse(await page.getByRole('heading', { name: '基本情報' }).isVisible())
    assert.isTrue(await printsA4WithPageNumbers(page))
    const sizes = await pdfPageSizes(page)
    assert.isAbove(sizes.length, 0)
    assert.deepEqual([...new Set(sizes.map((size) => size.join('×')))], ['595×842'])
  })

  test('a provider’s month: the visits and totals, without the forms, A4, numbered', async ({
    browserContext,
    assert,
  }) => {
    await browserContext.setDefaultTimeout(15_000)
    const { city, resident } = await hanakoWithHours()
    await reserveAtAozora(city, resident.id, {
      date: todayInJapan(),
      minutes: 2 * HOUR,
      approve: true,
    })
    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.desktop)
    await signInInBrowser(page, 'owner@aozora.example')
    await page.goto('/m/minato/provider/history')
    await page.getByRole('button', { name: 'この月の実績を印刷する' }).waitFor()
    await page.emulateMedia({ media: 'print' })

    const printTitle = await page.locator('.shell__print-title').innerText()
    assert.equal(printTitle.trim(), '港区')
    assert.match(
      await page.locator('[data-role="print-month"]').innerText(),
      /^\d{4}年\d{1,2}月の利用実績$/
    )
    assert.isTrue(await page.locator('main table').first().isVisible())
    for (const hidden of ['.shell__header', '.section-nav', 'main form', 'main button']) {
      assert.isFalse(await page.locator(hidden).first().isVisible(), hidden)
    }
    assert.isFalse(await page.getByRole('heading', { name: /CSV/ }).first().isVisible())
    assert.isTrue(await printsA4WithPageNumbers(page))
    const sizes = await pdfPageSizes(page)
    assert.deepEqual([...new Set(sizes.map((size) => size.join('×')))], ['595×842'])
  })
})
