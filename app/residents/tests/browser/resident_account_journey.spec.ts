import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Page } from 'playwright'
import { DateTime } from 'luxon'
import { DEMO_PASSWORD } from '#database/demo_data'
import { todayInJapan } from '#ledger/coupon_issuance'
import Resident from '#residents/resident'
import { signInInBrowser, signUpInBrowser } from '#tests/helpers/browser_sign_in'
import { onAPhone, seriousViolations } from '#tests/helpers/browser_page'
import { label } from '#tests/helpers/browser_labels'
import { minato } from '#tests/helpers/programs'

const PASSWORD = 'あさの こうえんで さんぽ 2026'

/** Every button and link of the page's main part is a comfortable tap target */
async function assertTapTargets(
  page: Page,
  assert: { isAtLeast: (a: number, b: number, m?: string) => void }
) {
  for (const target of await page
    .locator('main button, main a.button, main input, main select')
    .all()) {
    if (!(await target.isVisible())) continue
    const box = await target.boundingBox()
    const type = await target.getAttribute('type')
    // Check boxes and radio buttons are tapped through their (tall) labels; 48px: --tap
    if (box && type !== 'checkbox' && type !== 'radio') {
      assert.isAtLeast(box.height, 48, (await target.textContent()) ?? '')
    }
  }
}

async function noHorizontalScroll(page: Page) {
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')
}

test.group('Resident account journey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('on a phone: staff hand out a code for MN-000103; a new account claims the record', async ({
    browserContext,
    assert,
  }) => {
    const { page, problems } = await onAPhone(browserContext)
    const city = await minato()
    const suzuki = await Resident.findByOrFail({
      municipalityId: city.id,
      residentNumber: 'MN-000103',
    })

    // The center: 「アプリの利用開始」 on Suzuki's page
    await signInInBrowser(page, 'staff@minato.example')
    await page.goto(`/m/minato/residents/${suzuki.id}`)
    await page.getByRole('heading', { level: 2, name: 'アプリの利用開始' }).waitFor()
    await page.getByRole('button', { name: '利用開始コードを発行する' }).click()
    await page.getByRole('heading', { level: 3, name: '本人に渡すコード' }).waitFor()
    const code = (await page.getByTestId('claim-code').textContent())!.trim()
    assert.match(code, /^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/)
    assert.notInclude(page.url(), code)
    const sheet = (await page.getByTestId('claim-code-sheet').textContent()) ?? ''
    assert.include(sheet, 'MN-000103')
    assert.include(sheet, '/my/link')
    assert.deepEqual(await seriousViolations(page), [])
    assert.isTrue(await noHorizontalScroll(page))
    await browserContext.clearCookies()

    // Suzuki makes an account on his phone and confirms his address
    const email = `suzuki-${process.pid}@example.jp`
    await signUpInBrowser(page, { fullName: '鈴木 一郎', email, password: PASSWORD })

    // He links his record with the ID and the code, typed loosely
    await page.goto('/my/link')
    await page.getByRole('heading', { level: 1, name: '利用者情報と結び付ける' }).waitFor()
    assert.equal(await page.getByLabel(label('お住まいの区市町村')).inputValue(), 'minato')
    assert.deepEqual(await seriousViolations(page), [])
    await assertTapTargets(page, assert)
    assert.isTrue(await noHorizontalScroll(page))

    // A slip first: the one answer for every mistake, and the code field emptied
    await page.getByLabel(label('利用者ID')).fill('MN-000103')
    await page.getByLabel(label('利用開始コード')).fill('AAAA-BBBB-CCCC')
    await page.getByRole('button', { name: '結び付ける' }).click()
    await page
      .getByText('利用者IDかコードが違うか、コードの期限が切れています。', { exact: false })
      .waitFor()
    assert.deepEqual(await seriousViolations(page), [])

    await page.getByLabel(label('利用開始コード')).fill(code.toLowerCase().replaceAll('-', ' '))
    await page.getByRole('button', { name: '結び付ける' }).click()
    await page.waitForURL((url) => url.pathname === '/')
    assert.include(
      await page.getByRole('status').first().textContent(),
      '港区の利用者情報と結び付けました。'
    )
    await suzuki.refresh()
    assert.isNotNull(suzuki.userId)

    // His profile, then the first-time page: no serious accessibility problem
    await page.goto('/m/minato/my/profile')
    await page.getByRole('heading', { level: 1, name: '登録情報' }).waitFor()
    assert.include((await page.locator('main').textContent()) ?? '', 'MN-000103')
    assert.deepEqual(await seriousViolations(page), [])
    await assertTapTargets(page, assert)
    assert.isTrue(await noHorizontalScroll(page))

    await page.goto('/my/start')
    await page.getByRole('heading', { level: 1, name: 'はじめての登録' }).waitFor()
    await page.getByRole('button', { name: 'お子さまの欄を増やす' }).click()
    await page.getByRole('heading', { level: 2, name: 'お子さま 1' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    await assertTapTargets(page, assert)
    assert.isTrue(await noHorizontalScroll(page))

    assert.deepEqual(problems, [])
  })

  test('on a phone: Hanako adds her baby’s birth on the profile page', async ({
    browserContext,
    assert,
  }) => {
    const { page, problems } = await onAPhone(browserContext)

    await page.goto('/login')
    await page.getByLabel('メールアドレス', { exact: true }).fill('hanako@example.jp')
    await page.getByLabel('パスワード', { exact: true }).fill(DEMO_PASSWORD)
    await page.getByRole('button', { name: 'ログインする' }).click()
    await page.waitForURL((url) => url.pathname !== '/login')

    await page.goto('/m/minato/my/profile')
    await page.getByRole('heading', { level: 1, name: '登録情報' }).waitFor()
    const born = DateTime.fromISO(todayInJapan()).minus({ days: 10 })
    const add = page.getByRole('form', { name: 'お子さまを追加する' })
    await add.getByLabel('生年月日').fill(born.toISODate()!)
    await add.getByRole('button', { name: '追加する' }).click()
    await page.getByRole('status').filter({ hasText: 'お子さまを追加しました。' }).waitFor()
    const main = (await page.locator('main').textContent()) ?? ''
    assert.include(main, `${born.year}年${born.month}月${born.day}日`)
    assert.deepEqual(await seriousViolations(page), [])

    // English, from the page's own language choice
    await page.getByRole('radio', { name: 'English' }).check()
    await page.getByRole('button', { name: 'ことばを変える' }).click()
    await page.getByRole('heading', { level: 1, name: 'My details' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    assert.deepEqual(problems, [])
  })
})
