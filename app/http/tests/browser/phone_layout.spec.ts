import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { BrowserContext, Page } from 'playwright'
import { todayInJapan } from '#ledger/coupon_issuance'
import Child from '#residents/child'
import ProgramApplications from '#applications/program_applications'
import ProviderMemos from '#providers/provider_memos'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { VIEWPORTS, watchForProblems } from '#tests/helpers/browser_page'
import { HOUR, staffOf } from '#tests/helpers/programs'
import { POSTPARTUM_PROGRAM, postpartumAnswers } from '#tests/helpers/program_applications'
import { reserveAtAozora } from '#tests/helpers/resident_home'
import { aozoraVisit, hanakoWithHours, waitingAozoraVisit } from '#tests/helpers/resident_visits'
import { REFLOW_SIZES, reflowProblems, useTextSize } from '#tests/helpers/reflow'

/**
 * Hanako with 128 hours, a home helper visit of 1 h approved and one of
 * 2 h waiting for Aozora (125 h left, the figure that broke one character
 * a line), an application, a visit QR Aozora's helper just started and a memo on the
 * waiting visit.
 */
async function hanakosMonth() {
  const { city, resident } = await hanakoWithHours()
  const approvedId = await reserveAtAozora(city, resident.id, {
    date: todayInJapan(),
    minutes: HOUR,
    approve: true,
  })
  const waiting = await waitingAozoraVisit()
  const child = await Child.findByOrFail({ residentId: resident.id })
  const application = await ProgramApplications.submit(city.id, resident.id, {
    ...POSTPARTUM_PROGRAM,
    childId: child.id,
    answers: postpartumAnswers,
  })
  const started = await aozoraVisit()
  await new ProviderMemos(city.id, waiting.provider.id).create(
    { redemptionId: waiting.redemptionId },
    'エレベーターのない5階です。ベビーカーは玄関に置いてあります。',
    await staffOf(city)
  )
  return { approvedId, waitingId: waiting.redemptionId, applicationId: application.id, started }
}

/**
 * Every page at every reflow size; the problems found, each a line. One
 * page (and one signed-in context) for all of a role's pages.
 */
async function problemsOn(page: Page, paths: string[]) {
  const problems: string[] = []
  for (const size of REFLOW_SIZES) {
    await page.setViewportSize(size.viewport)
    for (const path of paths) {
      await page.goto(path)
      await page.getByRole('heading', { level: 1 }).first().waitFor()
      await useTextSize(page, size.text)
      const found = await reflowProblems(page)
      problems.push(...found.map((problem) => `${size.name} ${problem}`))
    }
  }
  return problems
}

/** The page in English from now on, chosen in the header's menu as a reader would */
async function chooseEnglish(page: Page) {
  await page.getByRole('button', { name: 'メニュー' }).click()
  await page.getByRole('button', { name: 'English' }).click()
  await page.getByRole('button', { name: 'Menu' }).waitFor()
}

async function phonePage(browserContext: BrowserContext) {
  await browserContext.setDefaultTimeout(15_000)
  const page = await browserContext.newPage()
  await page.setViewportSize(VIEWPORTS.phone)
  return page
}

/** Japanese first; English words are longer and break where Japanese does not */
const LANGUAGES = [
  { name: 'Japanese', hoursLeft: '125 時間' },
  { name: 'English', hoursLeft: '125 hours' },
] as const

/*
| WCAG 1.4.4 (200 % text) and 1.4.10 (reflow at 320 px): every resident
| and provider page at 320 × 640, 390 × 844 and 390 × 844 with the text
| twice as large does not scroll sideways, keeps its text inside its
| boxes, and breaks no word or number one character a line.
*/
test.group('Phone layout: resident and provider pages reflow', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const language of LANGUAGES) {
    test(`the resident app at 320 px, 390 px and 200 % text, in ${language.name}`, async ({
      browserContext,
      assert,
    }) => {
      const { approvedId, waitingId, applicationId, started } = await hanakosMonth()
      const page = await phonePage(browserContext)
      const browserProblems = watchForProblems(page)
      await signInInBrowser(page, 'hanako@example.jp')
      if (language.name === 'English') await chooseEnglish(page)

      // The balance that broke one character a line is where it was reported
      await page.goto(`/m/minato/my/visits/${approvedId}`)
      const left = await page.locator('[data-role="left"]').textContent()
      assert.equal(left?.trim(), language.hoursLeft)

      const my = '/m/minato/my'
      const problems = await problemsOn(page, [
        '/',
        `${my}/programs/postpartum_support/postpartum`,
        `${my}/history`,
        `${my}/visits/${approvedId}`,
        `${my}/visits/${waitingId}`,
        `${my}/visits/${approvedId}/survey`,
        `${my}/scan`,
        `${my}/visit?token=${started.token}`,
        `${my}/apply`,
        `${my}/apply/single_parent_home_help/home_help`,
        `${my}/applications`,
        `${my}/applications/${applicationId}`,
        `${my}/profile`,
        '/account',
      ])
      assert.deepEqual(problems, [])
      assert.deepEqual(browserProblems, [])
    }).timeout(240_000)
  }

  for (const language of LANGUAGES) {
    test(`the provider console at 320 px, 390 px and 200 % text, in ${language.name}`, async ({
      browserContext,
      assert,
    }) => {
      const { waitingId, started } = await hanakosMonth()
      const page = await phonePage(browserContext)
      const browserProblems = watchForProblems(page)
      await signInInBrowser(page, 'owner@aozora.example')
      if (language.name === 'English') await chooseEnglish(page)

      const provider = '/m/minato/provider'
      const problems = await problemsOn(page, [
        provider,
        `${provider}/visits/${started.id}`,
        `${provider}/residents?number=MN-000101`,
        `${provider}/approvals`,
        `${provider}/approvals/${waitingId}`,
        `${provider}/history`,
        `${provider}/memos`,
        `${provider}/staff`,
      ])
      assert.deepEqual(problems, [])
      assert.deepEqual(browserProblems, [])
    }).timeout(240_000)
  }
})

/*
| The pages before signing in (where a resident arriving from a provider's
| QR lands), in both languages.
*/
test.group('Phone layout: signed-out pages reflow', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const language of LANGUAGES) {
    test(`sign-in, sign-up and password pages in ${language.name}`, async ({
      browserContext,
      assert,
    }) => {
      const { started } = await hanakosMonth()
      const page = await phonePage(browserContext)
      const browserProblems = watchForProblems(page)
      await page.goto('/login')
      if (language.name === 'English') {
        await page.getByRole('button', { name: 'English' }).click()
        await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
      }
      const problems = await problemsOn(page, [
        '/login',
        `/m/minato/my/visit?token=${started.token}`,
        '/register',
        '/forgot-password',
        '/login/link/no-such-link',
      ])
      assert.deepEqual(problems, [])
      assert.deepEqual(browserProblems, [])
    }).timeout(120_000)
  }
})

/** Hanako signed in on a phone (390 × 844), on a page; what the browser complains of */
async function hanakoOn(browserContext: BrowserContext, path: string, heading: string) {
  const page = await phonePage(browserContext)
  const problems = watchForProblems(page)
  await signInInBrowser(page, 'hanako@example.jp')
  await page.goto(path)
  await page.getByRole('heading', { level: 1, name: heading }).waitFor()
  return { page, problems }
}

/*
| The resident app on a phone: a one-line header and a tab bar at the foot
| of the screen, so the scanner is on the first screen of /scan; the
| header's menu holds the account, the language and signing out, and the
| tab bar's links when large text leaves no room for the bar.
*/
test.group('Phone layout: header, tab bar and menu', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('at 390 × 844 the scanner is on the first screen, the navigation under 15 % of it', async ({
    browserContext,
    assert,
  }) => {
    const { page, problems } = await hanakoOn(browserContext, '/scan', 'QRコードで利用する')
    const { height } = VIEWPORTS.phone

    const header = (await page.getByRole('banner').boundingBox())!
    const tabs = page.getByRole('navigation', { name: '利用者メニュー' })
    const bar = (await tabs.boundingBox())!
    assert.isAtMost(header.height + bar.height, 0.15 * height, 'header and tab bar')
    assert.approximately(bar.y + bar.height, height, 1, 'the tab bar sits at the foot')
    assert.equal(
      await tabs.getByRole('link', { name: 'QRで使う' }).getAttribute('aria-current'),
      'page'
    )
    for (const link of await tabs.getByRole('link').all()) {
      const box = (await link.boundingBox())!
      assert.isAtLeast(Math.min(box.width, box.height), 44, await link.innerText())
    }

    // The camera's button, then its picture with the square to aim at,
    // between the header and the tab bar without scrolling
    const start = page.getByRole('button', { name: 'カメラで読み取る' })
    const button = (await start.boundingBox())!
    assert.isAtMost(button.y + button.height, bar.y, 'the camera button above the tab bar')
    await start.click()
    await page.getByLabel('カメラの映像').waitFor()
    const preview = (await page.locator('.visit-scan__preview').boundingBox())!
    const aim = (await page.locator('.visit-scan__frame').boundingBox())!
    assert.isBelow(preview.y, bar.y, 'the camera picture starts on the first screen')
    assert.isAtLeast(aim.y, header.y + header.height)
    assert.isAtMost(aim.y + aim.height, bar.y, 'the square to aim at is whole')
    assert.equal(await page.evaluate<number>('window.scrollY'), 0)
    await page.getByRole('button', { name: 'カメラを止める' }).click()
    assert.deepEqual(problems, [])
  })

  test('the menu opens and closes from the keyboard; with 200 % text it lists the tab bar’s links', async ({
    browserContext,
    assert,
  }) => {
    const { page, problems } = await hanakoOn(browserContext, '/m/minato/my/history', '履歴')

    const menu = page.getByRole('button', { name: 'メニュー' })
    assert.equal(await menu.getAttribute('aria-expanded'), 'false')
    assert.isFalse(await page.getByRole('button', { name: 'ログアウト' }).isVisible())
    await menu.focus()
    await page.keyboard.press('Enter')
    assert.equal(await menu.getAttribute('aria-expanded'), 'true')
    const panel = page.locator(`[id="${await menu.getAttribute('aria-controls')}"]`)
    await panel.getByText('山田 花子 さんがログインしています').waitFor()
    // Reached by Tab right after the button, in this order
    await page.keyboard.press('Tab')
    assert.equal(
      await page.evaluate<string>('document.activeElement.textContent.trim()'),
      'アカウント設定'
    )
    await panel.getByRole('button', { name: 'English' }).waitFor()
    await panel.getByRole('button', { name: 'ログアウト' }).waitFor()
    // The tab bar is on the screen, so the menu does not repeat it
    assert.equal(await page.getByRole('navigation', { name: '利用者メニュー' }).count(), 1)
    await page.keyboard.press('Escape')
    assert.equal(await menu.getAttribute('aria-expanded'), 'false')
    assert.isFalse(await panel.isVisible())
    assert.equal(
      await page.evaluate<string>('document.activeElement.getAttribute("aria-controls")'),
      await menu.getAttribute('aria-controls')
    )

    // 200 % text: no room for the bar; its links are in the menu, current page marked
    await useTextSize(page, '200%')
    assert.equal(await page.getByRole('navigation', { name: '利用者メニュー' }).count(), 0)
    await menu.click()
    const links = panel.getByRole('navigation', { name: '利用者メニュー' })
    assert.equal(
      await links.getByRole('link', { name: '履歴' }).getAttribute('aria-current'),
      'page'
    )
    await links.getByRole('link', { name: '登録情報' }).click()
    await page.getByRole('heading', { level: 1, name: '登録情報' }).waitFor()
    assert.isFalse(await panel.isVisible(), 'closed on the next page')
    assert.deepEqual(problems, [])
  })
})
