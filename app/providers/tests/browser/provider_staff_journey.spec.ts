import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Page } from 'playwright'
import { signInInBrowser, signUpInBrowser } from '#tests/helpers/browser_sign_in'
import { seriousViolations, VIEWPORTS, watchForProblems } from '#tests/helpers/browser_page'
import { linkIn, waitForMail } from '#tests/helpers/mailbox'
import User from '#identity/user'

const INVITEE = 'shinjin@aozora.example'
const PASSWORD = 'あたらしい しごとの はじまり 2026'

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

/** The status cell of an address's row in the table of invitations */
function invitedStatus(page: Page, email: string) {
  return page
    .getByRole('region', { name: '招待中' })
    .getByRole('row', { name: new RegExp(email) })
    .locator('td')
    .nth(2)
}

/**
 * A provider's administrator, on a phone in Japanese, invites a new member
 * of staff (listed as invited until she signs up with the invited address
 * and accepts from the mailed link, in her own browser), disables the
 * helper (who, in another browser, is signed out) and enables them again;
 * the screens pass axe-core at every step.
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
    await form.getByLabel('メールアドレス').fill(INVITEE)
    await form.getByLabel('権限').selectOption({ label: '事業者スタッフ' })
    await form.getByRole('button', { name: '招待メールを送る' }).click()
    await page.getByText(`${INVITEE} に招待メールを送りました。`).waitFor()
    assert.equal(await form.getByLabel('氏名').inputValue(), '')
    // Invited, not staff: the address under 招待中, nobody new in the staff table
    const invited = page.getByRole('region', { name: '招待中' })
    assert.match((await invitedStatus(page, INVITEE).textContent())!, /招待中/)
    assert.include(await invited.textContent(), '事業者スタッフ')
    assert.equal(await page.getByRole('row', { name: /青空 新人/ }).count(), 0)
    assert.isTrue(await noHorizontalOverflow(page))
    assert.deepEqual(await seriousViolations(page), [])
    const mail = await waitForMail(INVITEE, since)
    assert.include(mail.text, 'あおぞら家事支援サービス')
    const link = linkIn(mail)
    // Inviting creates no account
    assert.isNull(await User.findBy('email', INVITEE))

    // The helper is at work in another browser; the link is not for her
    const origin = new URL(page.url()).origin
    const helperContext = await browserContext.browser()!.newContext({ baseURL: origin })
    const helperPage = await helperContext.newPage()
    await helperPage.setViewportSize(VIEWPORTS.phone)
    await signInInBrowser(helperPage, 'helper@aozora.example')
    await helperPage.goto(link)
    await helperPage
      .getByRole('alert')
      .getByText(/別のメールアドレスあて/)
      .waitFor()
    assert.equal(await helperPage.getByRole('button', { name: '招待を受ける' }).count(), 0)
    await helperPage.goto('/m/minato/provider')
    await helperPage.getByRole('heading', { level: 1, name: '利用の開始' }).waitFor()

    // The invitee, on her own phone, opens the mailed link: she has no account yet
    const inviteeContext = await browserContext.browser()!.newContext({ baseURL: origin })
    const invitee = await inviteeContext.newPage()
    await invitee.setViewportSize(VIEWPORTS.phone)
    const inviteeProblems = watchForProblems(invitee)
    await invitee.goto(link)
    await invitee.getByRole('heading', { level: 1, name: '招待' }).waitFor()
    await invitee
      .getByText('あおぞら家事支援サービス（港区）の事業者スタッフとして招待されています。')
      .waitFor()
    assert.equal(await invitee.getByRole('button', { name: '招待を受ける' }).count(), 0)
    assert.isTrue(await noHorizontalOverflow(invitee))
    assert.deepEqual(await seriousViolations(invitee), [])

    // She signs up with the invited address and confirms it from the mail
    await invitee.getByRole('link', { name: 'アカウントを登録する' }).click()
    await invitee.waitForURL((url) => url.pathname === '/register')
    await signUpInBrowser(invitee, { fullName: '青空 新人', email: INVITEE, password: PASSWORD })
    await invitee.getByRole('heading', { level: 1, name: /こんにちは/ }).waitFor()
    // Signed up, not yet staff: still only invited on the administrator's list
    await page.reload()
    assert.match((await invitedStatus(page, INVITEE).textContent())!, /招待中/)
    assert.equal(await page.getByRole('row', { name: /青空 新人/ }).count(), 0)

    // Back to the link, signed in: she accepts
    await invitee.goto(link)
    await invitee.getByRole('button', { name: '招待を受ける' }).click()
    // Staff need a second factor, which her session was opened without
    await invitee.waitForURL((url) => url.pathname === '/login')
    await invitee
      .getByRole('status')
      .getByText(/招待を受けました。/)
      .waitFor()
    await signInInBrowser(invitee, INVITEE, PASSWORD)
    // The provider console is hers now
    await invitee.goto('/m/minato/provider')
    await invitee.getByRole('heading', { level: 1, name: '利用の開始' }).waitFor()
    await invitee.getByRole('navigation', { name: '事業者メニュー' }).waitFor()
    // The link works once
    await invitee.goto(link)
    await invitee
      .getByRole('alert')
      .getByText(/無効か、有効期限が切れています/)
      .waitFor()
    assert.deepEqual(inviteeProblems, [])
    await inviteeContext.close()

    // On the administrator's list she is staff now, and no longer invited
    await page.reload()
    assert.match((await statusOf(page, '青空 新人').textContent())!, /有効/)
    assert.include(
      await page.getByRole('row', { name: /青空 新人/ }).textContent(),
      '事業者スタッフ'
    )
    assert.equal(await page.getByRole('region', { name: '招待中' }).count(), 0)

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
