import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Page } from 'playwright'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { seriousViolations, VIEWPORTS, watchForProblems } from '#tests/helpers/browser_page'
import { todayInJapan } from '#ledger/coupon_issuance'
import { HOUR } from '#tests/helpers/programs'
import { hanakoWithHours } from '#tests/helpers/resident_visits'
import { newParent, reserveAtAozora } from '#tests/helpers/resident_home'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'

/** Hanako's baby born a month ago, 128 hours, and a doula visit of 4 h approved */
async function hanakoWithAVisit() {
  const { city, resident } = await hanakoWithHours()
  return reserveAtAozora(city, resident.id, {
    service: 'doula',
    date: todayInJapan(),
    minutes: 4 * HOUR,
    approve: true,
  })
}

async function noHorizontalOverflow(page: Page) {
  return page.evaluate<boolean>(
    'document.documentElement.scrollWidth <= document.documentElement.clientWidth'
  )
}

async function text(page: Page, selector: string) {
  const content = await page.locator(selector).first().textContent()
  return content?.replace(/\s+/g, ' ').trim()
}

test.group('Resident home journey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    test(`on a ${name}: hours on home, the program's lots and rules, the history`, async ({
      browserContext,
      assert,
    }) => {
      await browserContext.setDefaultTimeout(15_000)
      const visitId = await hanakoWithAVisit()
      const page = await browserContext.newPage()
      await page.setViewportSize(viewport)
      const problems = watchForProblems(page)
      await signInInBrowser(page, 'hanako@example.jp')

      // Home: the shared hours as one big number, the doula's part under it
      await page.getByRole('heading', { level: 2, name: '港区のサービス' }).waitFor()
      const card = page.locator('article[data-program="postpartum_support/postpartum"]')
      const pool = card.locator('[data-pool="home_helper doula"]')
      assert.equal(
        await pool.locator('.program-hours__service').textContent(),
        '家事支援（ホームヘルパー）、家事・育児支援（産後ドゥーラ）'
      )
      assert.equal(await text(page, '[data-role="pool-hours"]'), 'あと 124 時間')
      assert.equal(
        await text(page, '[data-service="doula"]'),
        'そのうち家事・育児支援（産後ドゥーラ）は 26 時間まで'
      )
      assert.equal(await card.locator('[data-pool]').count(), 1, 'not 124 h and 26 h side by side')
      await card.getByText('使うときは、有効期限の近い時間から先に引かれます。').waitFor()
      assert.match((await card.locator('[data-role="expiry"]').textContent())!, /有効期限：/)
      assert.equal(await card.locator('[data-role="expiring-soon"]').count(), 0)
      await page.getByRole('link', { name: 'QRコードを読み取って使う' }).waitFor()
      await page.getByRole('link', { name: 'ひとり親家庭ホームヘルプサービスに申し込む' }).waitFor()
      await page.getByRole('navigation', { name: '利用者メニュー' }).waitFor()
      assert.isTrue(await noHorizontalOverflow(page))
      assert.deepEqual(await seriousViolations(page), [])

      // The program's page: lots in plain words, the rules
      await card.getByRole('link', { name: '産前産後家事・育児支援サービスのくわしい内容' }).click()
      await page
        .getByRole('heading', { level: 1, name: '産前産後家事・育児支援サービス' })
        .waitFor()
      const lot = page.locator('article[data-lot]').first()
      await lot.getByRole('heading', { name: '妊娠中から1歳の誕生日の前日まで' }).waitFor()
      assert.equal(
        await lot
          .locator('[data-role="status"]')
          .textContent()
          .then((value) => value?.replace(/\s+/g, ' ').trim()),
        '✓ 使えます'
      )
      assert.include(await lot.textContent(), '124 時間')
      assert.include(await lot.textContent(), 'ひなた')
      await page.getByRole('heading', { level: 2, name: 'このサービスのきまり' }).waitFor()
      await page.getByText('そのうち産後ドゥーラは30時間まで', { exact: false }).waitFor()
      assert.isTrue(await noHorizontalOverflow(page))
      assert.deepEqual(await seriousViolations(page), [])

      // The history of this program, newest first
      await page.getByRole('link', { name: 'この制度の履歴を見る' }).click()
      await page.getByRole('heading', { level: 1, name: '履歴' }).waitFor()
      assert.equal(await page.getByLabel('サービス').inputValue(), 'postpartum_support:postpartum')
      const items = page.locator('li[data-type]')
      assert.equal(await items.count(), 2)
      const first = items.first()
      assert.equal(await first.getAttribute('data-id'), String(visitId))
      assert.include(await first.textContent(), '利用しました')
      assert.include(await first.textContent(), 'あおぞら 芝浦ステーション')
      assert.include(await items.nth(1).textContent(), '128 時間を受け取りました')
      assert.equal(
        await first.getByRole('link', { name: 'この利用のくわしい内容' }).getAttribute('href'),
        `/m/minato/my/visits/${visitId}`
      )
      assert.isTrue(await noHorizontalOverflow(page))
      assert.deepEqual(await seriousViolations(page), [])

      // Every program again, with the filter
      await page.getByLabel('サービス').selectOption('')
      await page.getByRole('button', { name: '表示する' }).click()
      await page.waitForURL((url) => !url.search.includes('program='))
      assert.equal(await items.count(), 2)
      assert.deepEqual(problems, [])
    })
  }

  test('on a phone: hours granted at 08:30 in Japan show that day, not the UTC day before', async ({
    browserContext,
    assert,
  }) => {
    const { resident } = await hanakoWithHours()
    // 1 June 2026, 08:30 in Japan, is 31 May 23:30 UTC
    await db
      .from('ledger_entries')
      .whereIn('lot_id', db.from('ledger_lots').where('resident_id', resident.id).select('id'))
      .update({ created_at: DateTime.fromISO('2026-05-31T23:30:00Z').toJSDate() })
    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.phone)
    await signInInBrowser(page, 'hanako@example.jp')
    await page.goto('/m/minato/my/history')
    await page.getByRole('heading', { level: 1, name: '履歴' }).waitFor()
    const grant = page.locator('li[data-type="grant"]')
    assert.include(await grant.textContent(), '2026年6月1日')
    assert.notInclude(await grant.textContent(), '2026年5月31日')
  })

  test('on a phone: an account without a record is welcomed with two clear choices', async ({
    browserContext,
    assert,
  }) => {
    const parent = await newParent()
    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.phone)
    const problems = watchForProblems(page)
    await signInInBrowser(page, parent.email)
    const link = page.getByRole('link', { name: /区から利用者IDとコードを受け取った方/ })
    assert.equal(await link.getAttribute('href'), '/my/link')
    const start = page.getByRole('link', { name: /はじめて申し込む方/ })
    assert.equal(await start.getAttribute('href'), '/my/start')
    assert.isTrue(await noHorizontalOverflow(page))
    assert.deepEqual(await seriousViolations(page), [])
    assert.deepEqual(problems, [])
  })
})
