import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Page } from 'playwright'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { seriousViolations } from '#tests/helpers/browser_page'
import db from '@adonisjs/lucid/services/db'
import AccountInvitation from '#tenancy/account_invitation'
import Municipality from '#tenancy/municipality'
import Provider from '#tenancy/provider'

const PUBLIC_PAGES = [
  '/login',
  '/register',
  '/forgot-password',
  '/no-such-page',
  // A sign-in link that no longer works (its live page has one button)
  '/login/link/no-such-link',
]

/** The link of an invitation to Aozora's staff in Minato, as its mail carries it */
async function invitationLink() {
  const municipality = await Municipality.findByOrFail('slug', 'minato')
  const provider = await Provider.findByOrFail('nameJa', 'あおぞら家事支援サービス')
  const { secret } = await db.transaction((trx) =>
    AccountInvitation.issue(
      { email: 'a11y@aozora.example', fullName: '青空 確認', locale: 'ja' },
      { municipalityId: municipality.id, providerId: provider.id, role: 'provider_staff' },
      { userId: null, role: null },
      trx
    )
  )
  return new URL(AccountInvitation.linkFor(secret)).pathname
}

async function seriousViolationsAt(page: Page, path: string) {
  await page.goto(path)
  await page.getByRole('heading', { level: 1 }).waitFor()
  return seriousViolations(page)
}

/**
 * axe-core on the pages everyone sees, at phone size, in Japanese and in
 * English: no serious or critical violations (WCAG 2.1 A/AA rules).
 */
test.group('Accessibility (axe-core)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const locale of ['ja', 'en']) {
    test(`public pages in ${locale}`, async ({ browserContext, assert }) => {
      const page = await browserContext.newPage()
      await page.setViewportSize({ width: 390, height: 844 })
      await page.goto('/login')
      if (locale === 'en') {
        await page.getByRole('button', { name: 'English' }).click()
        await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
      }
      // The invitation page: a live link, and one that no longer works
      const invitation = await invitationLink()
      for (const path of [...PUBLIC_PAGES, invitation, '/invitations/no-such-invitation']) {
        assert.deepEqual(await seriousViolationsAt(page, path), [])
      }
      await page.goto(invitation)
      await page
        .getByText(
          locale === 'ja'
            ? 'あおぞら家事支援サービス（港区）の事業者スタッフとして招待されています。'
            : /You are invited as .+ of Aozora/
        )
        .waitFor()
    })
  }

  test('signed-in screens: home, account, audit trail, invitation', async ({
    browserContext,
    assert,
  }) => {
    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 390, height: 844 })
    await signInInBrowser(page, 'admin@minato.example')
    // An invitation for another address: its refusal is shown
    for (const path of ['/', '/account', '/m/minato/audit', await invitationLink()]) {
      assert.deepEqual(await seriousViolationsAt(page, path), [])
    }
  })
})
