import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Page } from 'playwright'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { seriousViolations, VIEWPORTS, watchForProblems } from '#tests/helpers/browser_page'
import { waitForMail } from '#tests/helpers/mailbox'
import User from '#models/user'

async function noHorizontalOverflow(page: Page) {
  return page.evaluate<boolean>(
    'document.documentElement.scrollWidth <= document.documentElement.clientWidth'
  )
}

/** The status cell of a person's row in the staff table */
function statusOf(page: Page, name: string) {
  return page
    .getByRole('row', { name: new RegExp(name) })
    .locator('td')
    .nth(3)
}

/**
 * A provider's administrator, on a phone in Japanese, invites a new member
 * of staff, disables the helper (who, in another browser, is signed out)
 * and enables them again; the screen passes axe-core at every step.
 */
test.group('Provider console journey: staff (phone, Japanese)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an administrator invites, disables and enables staff', async ({
    browserContext,
    assert,
  }) => {
    await browserContext.setDefaultTimeout(15_000)
    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.phone)
    const problems = watchForProblems(page)
    await signInInBrowser(page, 'owner@aozora.example')

    await page.goto('/m/minato/provider/staff')
    await page.getByRole('heading', { level: 1, name: 'スタッフ' }).waitFor()
    const nav = page.getByRole('navigation', { name: '事業者メニュー' })
    assert.equal(
      await nav.getByRole('link', { name: 'スタッフ' }).getAttribute('aria-current'),
      'page'
    )
    assert.match((await statusOf(page, '青空 ヘルパー').textContent())!, /有効/)
    assert.isTrue(await noHorizontalOverflow(page))
    assert.deepEqual(await seriousViolations(page), [])

    // An empty form is explained at the fields
    const form = page.getByRole('form', { name: 'スタッフを招待する' })
    await form.getByRole('button', { name: '招待メールを送る' }).click()
    await form.getByText('氏名を入力してください。').waitFor()
    assert.deepEqual(await seriousViolations(page), [])

    const since = new Date()
    await form.getByLabel('氏名').fill('青空 新人')
    await form.getByLabel('メールアドレス').fill('shinjin@aozora.example')
    await form.getByLabel('権限').selectOption({ label: '事業者スタッフ' })
    await form.getByRole('button', { name: '招待メールを送る' }).click()
    await page.getByText('shinjin@aozora.example に招待メールを送りました。').waitFor()
    assert.match(
      (await statusOf(page, '青空 新人').textContent())!,
      /招待中（まだログインしていません）/
    )
    assert.equal(await form.getByLabel('氏名').inputValue(), '')
    const mail = await waitForMail('shinjin@aozora.example', since)
    assert.include(mail.text, 'あおぞら家事支援サービス')
    const invited = await User.findByOrFail('email', 'shinjin@aozora.example')
    assert.equal(invited.fullName, '青空 新人')

    // The helper is at work in another browser
    const origin = new URL(page.url()).origin
    const helperContext = await browserContext.browser()!.newContext({ baseURL: origin })
    const helperPage = await helperContext.newPage()
    await helperPage.setViewportSize(VIEWPORTS.phone)
    await signInInBrowser(helperPage, 'helper@aozora.example')

    await page.getByRole('button', { name: '青空 ヘルパーさんを無効にする' }).click()
    await page.getByText('青空 ヘルパーさんを無効にしました。').waitFor()
    assert.match((await statusOf(page, '青空 ヘルパー').textContent())!, /無効/)
    assert.isTrue(await noHorizontalOverflow(page))
    assert.deepEqual(await seriousViolations(page), [])

    // Their next step asks them to sign in again
    await helperPage.reload()
    await helperPage.waitForURL((url) => url.pathname === '/login')
    await helperContext.close()

    await page.getByRole('button', { name: '青空 ヘルパーさんを有効に戻す' }).click()
    await page.getByText('青空 ヘルパーさんを有効に戻しました。').waitFor()
    assert.match((await statusOf(page, '青空 ヘルパー').textContent())!, /有効/)
    await page.getByRole('button', { name: '青空 ヘルパーさんを無効にする' }).waitFor()
    // No button to disable oneself
    assert.equal(await page.getByRole('button', { name: '青空 社長さんを無効にする' }).count(), 0)
    assert.deepEqual(await seriousViolations(page), [])
    assert.deepEqual(problems, [])
  })
})
