import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import type { Page } from 'playwright'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { watchForProblems, seriousViolations } from '#tests/helpers/browser_page'
import { HOUR, residentWithChildren } from '#tests/helpers/programs'
import ProgramApplications from '#applications/program_applications'

async function fitsTheScreen(page: Page) {
  // Runs in the page (a string, so the server's types need no DOM library).
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')
}

test.group('Staff applications journey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('on a phone, in Japanese: staff review a single parent and grant 30 tickets', async ({
    browserContext,
    assert,
  }) => {
    const household = await residentWithChildren([{ birthDate: '2019-06-15' }])
    const application = await ProgramApplications.submit(
      household.municipality.id,
      household.resident.id,
      {
        pluginId: 'single_parent_home_help',
        programCode: 'home_help',
        answers: { reason: 'parent_illness', details: '入院のため家事ができません。' },
      }
    )
    const name = `${household.resident.familyName} ${household.resident.givenName}`

    await browserContext.setDefaultTimeout(15_000)
    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 390, height: 844 })
    const problems = watchForProblems(page)
    await signInInBrowser(page, 'staff@minato.example')

    await page.goto('/m/minato/applications')
    await page.getByRole('heading', { level: 1, name: '申請の審査' }).waitFor()
    assert.isTrue(await fitsTheScreen(page))
    assert.deepEqual(await seriousViolations(page), [])
    await page.getByRole('link', { name: `${name}さんの申請を審査する` }).click()

    await page.getByRole('heading', { level: 1, name: /申請の内容/ }).waitFor()
    const main = page.locator('main')
    assert.include(await main.textContent(), '利用する理由')
    assert.include(await main.textContent(), '親の疾病')
    assert.include(await main.textContent(), '2019年6月15日生まれ')
    assert.include(await main.textContent(), '登録年度（3月31日まで）：24〜48 時間から選択')
    assert.isTrue(await fitsTheScreen(page))
    assert.deepEqual(await seriousViolations(page), [])

    // Too few tickets: the reason appears beside the field, nothing is issued.
    const units = page.getByLabel(/交付する数/)
    // the range says its unit
    await page.getByText('24〜48 時間（枚）の範囲で入力してください。').waitFor()
    await units.fill('10')
    await page.getByLabel('自己負担の階層').selectOption('III')
    await page.getByRole('button', { name: '承認して交付する' }).click()
    await page
      .locator('.field__error', {
        hasText: '発行する時間は24時間から48時間の範囲で指定してください。',
      })
      .waitFor()
    assert.equal(await units.getAttribute('aria-invalid'), 'true')

    await units.fill('30')
    await page.getByLabel('自己負担の階層').selectOption('III')
    await page.getByRole('button', { name: '承認して交付する' }).click()
    await page.getByText('申請を承認し、利用券を交付しました（30 時間）。').waitFor()
    assert.include(await main.textContent(), '承認済み')
    assert.equal(await page.getByRole('button', { name: '承認して交付する' }).count(), 0)

    const lots = await db.from('ledger_lots').where('resident_id', household.resident.id)
    assert.lengthOf(lots, 1)
    assert.equal(Number(lots[0].granted_minutes), 30 * HOUR)
    assert.equal(lots[0].copayment_tier, 'III')
    assert.isAbove(application.id, 0)
    assert.deepEqual(problems, [])
  }).timeout(60_000)
})
