import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Page } from 'playwright'
import { DateTime } from 'luxon'
import { DEMO_PASSWORD } from '#database/demo_data'
import Application from '#applications/application'
import Child from '#residents/child'
import Resident from '#residents/resident'
import ProgramApplications from '#applications/program_applications'
import { VIEWPORTS, seriousViolations, watchForProblems } from '#tests/helpers/browser_page'
import { minato, staffOf } from '#tests/helpers/programs'

async function fitsTheScreen(page: Page) {
  // Runs in the page (a string, so the server's types need no DOM library).
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')
}

/** Signs in through the Japanese login page, wherever the app lands a resident */
async function signInAsHanako(page: Page) {
  await page.goto('/login')
  await page.getByLabel('メールアドレス', { exact: true }).fill('hanako@example.jp')
  await page.getByLabel('パスワード', { exact: true }).fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: 'ログインする' }).click()
  await page.waitForURL((url) => url.pathname !== '/login')
}

test.group('Resident apply journey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('on a phone, hanako applies for postpartum support and sees it approved', async ({
    browserContext,
    assert,
  }) => {
    const city = await minato()
    const hanako = await Resident.findByOrFail({
      municipalityId: city.id,
      residentNumber: 'MN-000101',
    })

    await browserContext.setDefaultTimeout(15_000)
    const page = await browserContext.newPage()
    await page.setViewportSize(VIEWPORTS.phone)
    const problems = watchForProblems(page)
    await signInAsHanako(page)

    // The programs of Minato, with their rules in plain words.
    await page.goto('/m/minato/my/apply')
    await page.getByRole('heading', { level: 1, name: 'サービスに申し込む' }).waitFor()
    const main = page.locator('main')
    assert.include(await main.textContent(), 'お子さま1人ごとに時間がもらえます（双子なら2人分）。')
    assert.isTrue(await fitsTheScreen(page))
    assert.deepEqual(await seriousViolations(page), [])
    await page.getByRole('link', { name: '産前産後家事・育児支援サービスに申し込む' }).click()

    // No child yet: the form says where to add one.
    await page
      .getByRole('heading', { level: 1, name: '産前産後家事・育児支援サービスの申し込み' })
      .waitFor()
    await page.getByText('お子さまの情報がまだありません。').waitFor()
    assert.equal(
      await page.getByRole('link', { name: 'お子さまを追加する（登録情報）' }).getAttribute('href'),
      '/m/minato/my/profile'
    )
    assert.isTrue(await fitsTheScreen(page))
    assert.deepEqual(await seriousViolations(page), [])

    // Sending without answers: the errors at the questions, nothing stored.
    await page.getByRole('button', { name: '申し込む' }).click()
    await page.getByText('「希望する支援」を選んでください。').waitFor()
    await page.getByText('どのお子さまの申し込みか選んでください。').waitFor()
    assert.deepEqual(await seriousViolations(page), [])
    assert.lengthOf(await Application.query().where('resident_id', hanako.id), 0)

    // The child added on the profile page (another section's screen).
    const due = DateTime.now().setZone('Asia/Tokyo').plus({ days: 60 }).toISODate()!
    await Child.create({
      municipalityId: city.id,
      residentId: hanako.id,
      givenName: 'さくら',
      dueDate: due,
      multipleBirth: false,
    })
    await page.reload()
    await page.getByRole('radio', { name: /^さくら（出産予定日/ }).check()
    await page.getByRole('radio', { name: 'はい' }).check()
    await page.getByRole('checkbox', { name: '家事' }).check()
    await page.getByRole('checkbox', { name: '育児' }).check()
    await page.getByLabel('伝えておきたいこと（任意）').fill('上の子が2歳です。')
    await page.getByRole('button', { name: '申し込む' }).click()

    // The application's page: being reviewed, with the answers.
    await page
      .getByText('申し込みを受け付けました。結果はメールとこのページでお知らせします。')
      .waitFor()
    await main.locator('.application-status', { hasText: '審査中' }).waitFor()
    assert.include(await main.textContent(), '家事、育児')
    assert.include(await main.textContent(), '上の子が2歳です。')
    assert.isTrue(await fitsTheScreen(page))
    assert.deepEqual(await seriousViolations(page), [])

    const [application] = await Application.query().where('resident_id', hanako.id)
    assert.equal(application.status, 'submitted')

    // Staff approve it (their screen has its own journey).
    await ProgramApplications.approve(city.id, application.id, {}, await staffOf(city))

    await page.getByRole('link', { name: '申し込み', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: '申し込みの状況' }).waitFor()
    await main.locator('.application-status', { hasText: '承認されました' }).waitFor()
    assert.isTrue(await fitsTheScreen(page))
    assert.deepEqual(await seriousViolations(page), [])

    await page.getByRole('link', { name: '産前産後家事・育児支援サービスの申し込みを見る' }).click()
    await page.getByText('利用券が発行されました。').waitFor()
    assert.isTrue(await fitsTheScreen(page))
    assert.deepEqual(await seriousViolations(page), [])
    assert.equal(await page.getByRole('button', { name: 'この申し込みを取り下げる' }).count(), 0)

    assert.deepEqual(problems, [])
  }).timeout(90_000)
})
