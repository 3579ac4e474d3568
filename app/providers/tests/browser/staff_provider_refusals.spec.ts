import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { watchForProblems } from '#tests/helpers/browser_page'
import { expectRefusalShown } from '#tests/helpers/error_summary'
import db from '@adonisjs/lucid/services/db'
import Provider from '#tenancy/provider'
import { minato } from '#tests/helpers/programs'

/*
| Every refusal of the provider registry's forms (all filed under the
| services chosen) shows on the page: in the form's error summary and
| beside the service choices, whose first box the summary's link focuses.
*/
const NO_SERVICES = '契約するサービスを1つ以上選んでください。'

test.group('Staff providers: every refusal shows', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('registering without a service; contracts for a program no longer in use', async ({
    browserContext,
    assert,
  }) => {
    await browserContext.setDefaultTimeout(15_000)
    const page = await browserContext.newPage()
    const problems = watchForProblems(page)
    await signInInBrowser(page, 'staff@minato.example')

    await page.goto('/m/minato/providers/new')
    const create = page.locator('form', { has: page.getByRole('button', { name: '登録する' }) })
    await create.getByLabel('名称（日本語）').fill('ひかり産後ケア')
    await create.getByLabel('名称（英語）').fill('Hikari Postnatal Care')
    await create.getByRole('button', { name: '登録する' }).click()
    await expectRefusalShown(create, NO_SERVICES, { field: '家事支援（ホームヘルパー）' })

    // A program the municipality stopped using meanwhile, still chosen → services
    const provider = await Provider.findByOrFail('nameJa', 'あおぞら家事支援サービス')
    await page.goto(`/m/minato/providers/${provider.id}`)
    const contracts = page.locator('form', {
      has: page.getByRole('button', { name: '契約内容を保存する' }),
    })
    await contracts.getByLabel('家事支援（ホームヘルパー）').check()
    const city = await minato()
    await db
      .from('municipality_plugins')
      .where({ municipality_id: city.id, plugin_id: 'postpartum_support' })
      .delete()
    await contracts.getByRole('button', { name: '契約内容を保存する' }).click()
    await expectRefusalShown(contracts, /この自治体では使えない制度が選ばれています/, {
      field: '家事援助', // the first box left on the page
    })
    assert.deepEqual(problems, [])
  })
})
