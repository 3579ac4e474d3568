import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import type { Page } from 'playwright'
import CouponRedemption from '#ledger/coupon_redemption'
import User from '#identity/user'
import { visitLink } from '#visits/visit_links'
import { signInInBrowser, signUpInBrowser } from '#tests/helpers/browser_sign_in'
import { VIEWPORTS, seriousViolations, watchForProblems } from '#tests/helpers/browser_page'
import { showNothing, showQrCode } from '#tests/helpers/fake_camera'
import { waitForMail } from '#tests/helpers/mailbox'
import { label } from '#tests/helpers/browser_labels'
import { minato } from '#tests/helpers/programs'
import { aozoraVisit } from '#tests/helpers/resident_visits'

const PASSWORD = 'ゆうがたの さんぽ みち 2026'

async function fitsTheScreen(page: Page) {
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')
}

async function textOf(page: Page, selector: string) {
  const text = await page.locator(selector).textContent()
  return text?.trim() ?? ''
}

async function mainText(page: Page) {
  return (await page.locator('main').textContent()) ?? ''
}

/**
 * Issue 6's whole journey on a phone, through the real pages: a new
 * resident signs up, registers, applies; staff approve in their console
 * (a second browser); the home shows the hours; the resident scans the
 * provider's visit QR with the camera (a real QR image decoded in the
 * page); the provider approves (its console is issue 7: the service it
 * will call); the balance and history update; the survey is answered.
 */
test.group('Resident journey: sign up to survey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.teardown(() => showNothing())

  test('on a phone, in Japanese', async ({ browserContext, assert }) => {
    await browserContext.setDefaultTimeout(20_000)
    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.phone)
    const problems = watchForProblems(page)
    const violations: string[] = []
    const check = async () => {
      violations.push(...(await seriousViolations(page)))
      assert.isTrue(await fitsTheScreen(page), `${page.url()} is wider than the phone`)
    }

    // Sign up and confirm the address from the mail.
    const email = `aoi-${process.pid}@example.jp`
    const since = new Date()
    await signUpInBrowser(page, { fullName: '中村 葵', email, password: PASSWORD })

    // No record yet: the welcome card; she registers as a newcomer, expecting a baby.
    await page.getByRole('heading', { name: 'ようこそ' }).waitFor()
    await check()
    await page.getByRole('link', { name: /はじめて申し込む方/ }).click()
    await page.getByRole('heading', { level: 1, name: 'はじめての登録' }).waitFor()
    await check()
    await page.getByLabel(label('姓')).fill('中村')
    await page.getByLabel(label('名')).fill('葵')
    await page.getByLabel(label('姓（カナ）')).fill('ナカムラ')
    await page.getByLabel(label('名（カナ）')).fill('アオイ')
    await page.getByLabel(label('電話番号')).fill('090-1234-5678')
    const due = DateTime.now().setZone('Asia/Tokyo').plus({ days: 45 }).toISODate()!
    if ((await page.getByLabel(label('出産予定日')).count()) === 0) {
      await page.getByRole('button', { name: 'お子さまの欄を増やす' }).click()
    }
    await page.getByLabel(label('出産予定日')).fill(due)
    await page.getByRole('button', { name: '登録する' }).click()

    // Straight on to the programs; she applies for postpartum support.
    await page.getByRole('heading', { level: 1, name: 'サービスに申し込む' }).waitFor()
    await check()
    await page.getByRole('link', { name: '産前産後家事・育児支援サービスに申し込む' }).click()
    await page
      .getByRole('heading', { level: 1, name: '産前産後家事・育児支援サービスの申し込み' })
      .waitFor()
    const child = page.getByRole('radio', { name: /出産予定日/ })
    if (!(await child.isChecked())) await child.check()
    await page.getByRole('radio', { name: 'はい' }).check()
    await page.getByRole('checkbox', { name: '家事' }).check()
    await page.getByLabel('伝えておきたいこと（任意）').fill('里帰りはできません。')
    await check()
    await page.getByRole('button', { name: '申し込む' }).click()
    await page.locator('main .application-status', { hasText: '審査中' }).waitFor()
    await check()

    // The center approves it in the staff console, in another browser.
    const origin = new URL(page.url()).origin
    const staffContext = await browserContext.browser()!.newContext({ baseURL: origin })
    const staffPage = await staffContext.newPage()
    await staffPage.setViewportSize(VIEWPORTS.desktop)
    await signInInBrowser(staffPage, 'staff@minato.example')
    await staffPage.goto('/m/minato/applications')
    await staffPage.getByRole('link', { name: '中村 葵さんの申請を審査する' }).click()
    await staffPage.getByRole('heading', { level: 1, name: /申請の内容/ }).waitFor()
    await staffPage.getByRole('button', { name: '承認して交付する' }).click()
    await staffPage
      .getByText(/承認しました|交付しました/)
      .first()
      .waitFor()
    await staffContext.close()

    // Her mail says so; the home shows the hours in big numbers.
    const approved = await waitForMail(email, since)
    assert.equal(approved.subject, '申し込みが承認されました')
    await page.goto('/')
    await page.getByRole('heading', { name: '港区のサービス' }).waitFor()
    const home = await mainText(page)
    assert.include(home, '家事支援（ホームヘルパー）')
    assert.match(home, /あと\s*128\s*時間/)
    await check()

    // At the first visit, the helper shows the QR; she scans it with the phone.
    const city = await minato()
    const { token } = await aozoraVisit()
    showQrCode(visitLink('minato', token))
    await page.getByRole('link', { name: 'QRコードを読み取って使う' }).first().click()
    await page.getByRole('heading', { level: 1, name: 'QRコードで利用する' }).waitFor()
    await check()
    await page.getByRole('button', { name: 'カメラで読み取る' }).click()
    await page.getByRole('heading', { level: 1, name: '利用する内容の確認' }).waitFor()
    assert.include(await textOf(page, '.visit-facts'), 'あおぞら 芝浦ステーション')
    assert.equal(await textOf(page, '[data-role="after"]'), '126 時間')
    await check()
    await page.getByRole('button', { name: 'この内容で利用する' }).click()
    await page.waitForURL(/\/m\/minato\/my\/visits\/\d+$/)
    const visitId = Number(new URL(page.url()).pathname.split('/').pop())
    assert.equal(await textOf(page, '[data-role="state"]'), '承認待ち')
    await check()

    // The provider approves; her waiting page changes by itself.
    const helper = await User.findByOrFail('email', 'helper@aozora.example')
    await CouponRedemption.approve(city.id, visitId, {
      actorUserId: helper.id,
      actorRole: 'provider_staff',
      source: { channel: 'web', ip: '192.0.2.20' },
    })
    await page.locator('[data-role="state"]', { hasText: '承認済み' }).waitFor()
    assert.equal(await textOf(page, '[data-role="left"]'), '126 時間')

    // The survey, once.
    await page.getByRole('link', { name: 'アンケートに答える' }).click()
    await page.getByRole('heading', { level: 1, name: 'アンケート' }).waitFor()
    await check()
    await page.locator('label.rating-choice', { hasText: '5' }).click()
    await page.getByRole('button', { name: '送信する' }).click()
    await page.getByText('アンケートにお答えいただき、ありがとうございました。').waitFor()
    assert.equal(await page.getByRole('link', { name: 'アンケートに答える' }).count(), 0)

    // Home and history show the new balance and the visit.
    await page.getByRole('link', { name: 'ホーム', exact: true }).click()
    await page.getByRole('heading', { name: '港区のサービス' }).waitFor()
    assert.match(await mainText(page), /あと\s*126\s*時間/)
    await page.getByRole('link', { name: '履歴', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: '履歴' }).waitFor()
    const history = await mainText(page)
    assert.match(history, /家事支援（ホームヘルパー）\s*2\s*時間/)
    assert.include(history, '利用しました')
    assert.match(history, /128\s*時間を受け取りました/)
    await check()

    assert.deepEqual(violations, [])
    assert.deepEqual(problems, [])
  }).timeout(180_000)
})
