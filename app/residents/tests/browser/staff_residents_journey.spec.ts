import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { VIEWPORTS, watchForProblems, seriousViolations } from '#tests/helpers/browser_page'
import { label } from '#tests/helpers/browser_labels'
import { todayInJapan } from '#ledger/coupon_issuance'
import { hanakoWithHours } from '#tests/helpers/resident_visits'
import { reserveAtAozora } from '#tests/helpers/resident_home'
import { HOUR } from '#tests/helpers/programs'

test.group('Staff residents journey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    test(`on a ${name}: register a resident expecting a child, find them by kana, open their page`, async ({
      browserContext,
      assert,
    }) => {
      await browserContext.setDefaultTimeout(15_000)
      const page = await browserContext.newPage()
      await page.setViewportSize(viewport)
      const problems = watchForProblems(page)
      const dueDate = DateTime.fromISO(todayInJapan()).plus({ days: 90 })

      await signInInBrowser(page, 'staff@minato.example')
      await page.goto('/m/minato/residents')
      await page.getByRole('heading', { level: 1, name: '利用者' }).waitFor()
      assert.deepEqual(await seriousViolations(page), [])

      await page.getByRole('link', { name: '利用者を登録する' }).click()
      await page.getByRole('heading', { level: 1, name: '利用者の登録' }).waitFor()
      assert.equal(await page.title(), '利用者の登録 | Tomoni')
      await page.getByLabel(label('利用者ID')).fill('MN-000250')
      await page.getByLabel(label('氏')).fill('中村')
      await page.getByLabel(label('名')).first().fill('愛')
      await page.getByLabel(label('氏（カナ）')).fill('ナカムラ')
      await page.getByLabel(label('名（カナ）')).fill('アイ')
      await page.getByLabel(label('電話番号')).fill('080-1111-2222')
      await page.getByLabel(label('世帯メモ')).fill('上の子が3歳。')
      await page.getByLabel(label('出産予定日')).fill(dueDate.toISODate()!)
      assert.deepEqual(await seriousViolations(page), [])
      await page.getByRole('button', { name: '登録する' }).click()

      await page.getByRole('heading', { level: 1, name: '中村 愛さん' }).waitFor()
      assert.include(await page.getByRole('status').first().textContent(), '利用者を登録しました。')

      // Back to the list: find her by kana typed in hiragana
      await page.getByRole('link', { name: '利用者の一覧へ戻る' }).click()
      await page.getByRole('heading', { level: 1, name: '利用者' }).waitFor()
      await page.getByRole('searchbox', { name: '検索' }).fill('なかむら')
      await page.getByRole('button', { name: '検索する' }).click()
      await page.getByRole('heading', { level: 2, name: '「なかむら」の検索結果' }).waitFor()
      const row = page.getByRole('row').filter({ hasText: 'MN-000250' })
      assert.include(await row.textContent(), 'ナカムラ アイ')
      assert.include(await row.textContent(), '080-1111-2222')
      await row.getByRole('link', { name: /中村 愛/ }).click()

      await page.getByRole('heading', { level: 1, name: '中村 愛さん' }).waitFor()
      const main = (await page.locator('main').textContent()) ?? ''
      assert.include(main, 'MN-000250')
      assert.include(main, 'ナカムラ アイ')
      assert.include(main, '上の子が3歳。')
      assert.include(main, `${dueDate.year}年${dueDate.month}月${dueDate.day}日`)
      assert.deepEqual(await seriousViolations(page), [])

      // Every button and link of the page is a comfortable tap target
      for (const target of await page.locator('main button, main a.button').all()) {
        const box = await target.boundingBox()
        if (box) assert.isAtLeast(box.height, 44)
      }
      assert.deepEqual(problems, [])
    })
  }

  test('on a phone: a resident’s page opens with the hours left, usable lots and waiting visits', async ({
    browserContext,
    assert,
  }) => {
    await browserContext.setDefaultTimeout(15_000)
    const { city, resident } = await hanakoWithHours()
    await reserveAtAozora(city, resident.id, { date: todayInJapan(), minutes: 4 * HOUR })
    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.phone)
    const problems = watchForProblems(page)
    await signInInBrowser(page, 'staff@minato.example')
    await page.goto(`/m/minato/residents/${resident.id}`)

    const summary = page.locator('section[aria-labelledby="coupon-summary-heading"]')
    await summary.getByRole('heading', { level: 2, name: '利用できる時間' }).waitFor()
    const program = summary.locator('article[data-program="postpartum_support/postpartum"]')
    // 128 hours, 4 of them held by the waiting visit: one figure, the doula's part under it
    const pool = program.locator('[data-pool="home_helper doula"]')
    const poolHours = await pool.locator('[data-role="pool-hours"]').innerText()
    assert.equal(poolHours.trim(), '124 時間')
    assert.include(await pool.locator('[data-service="doula"]').textContent(), '30 時間まで')
    const pending = await program.locator('[data-role="pending"]').innerText()
    assert.equal(
      pending.replace(/\s+/g, ' ').trim(),
      '事業者の承認待ちの利用が 1 件（4 時間）あります。 承認待ちの利用を見る'
    )
    const lot = program.locator('tr[data-lot]')
    assert.equal(await lot.count(), 1)
    assert.include(await lot.textContent(), '124 時間 ／ 128 時間')
    assert.match((await lot.textContent())!, /\d{4}年\d{1,2}月\d{1,2}日/)
    // The summary comes before the resident's details
    const headings = await page.getByRole('heading', { level: 2 }).allTextContents()
    assert.isBelow(headings.indexOf('利用できる時間'), headings.indexOf('基本情報'))
    await program.getByRole('link', { name: '承認待ちの利用を見る' }).click()
    await page.waitForURL(/status=reserved/)
    assert.include(page.url(), 'resident=MN-000101')
    assert.deepEqual(await seriousViolations(page), [])
    assert.deepEqual(problems, [])
  })

  test('on a 1280 px office screen the console uses the width; residents keep a reading width', async ({
    browserContext,
    assert,
  }) => {
    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.desktop)
    await signInInBrowser(page, 'staff@minato.example')
    for (const screen of ['/m/minato/residents', '/m/minato/usage', '/m/minato/statistics']) {
      await page.goto(screen)
      await page.locator('nav.staff-nav').waitFor()
      const box = await page.locator('main').boundingBox()
      assert.isAtLeast(box!.width, 1200, screen)
    }
    const home = await browserContext.newPage()
    await home.setViewportSize(VIEWPORTS.desktop)
    await browserContext.clearCookies()
    await signInInBrowser(home, 'hanako@example.jp')
    await home.getByRole('heading', { level: 2, name: '港区のサービス' }).waitFor()
    const resident = await home.locator('main').boundingBox()
    assert.isAtMost(resident!.width, 960)
  })
})
