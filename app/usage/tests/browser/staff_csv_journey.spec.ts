import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Page } from 'playwright'
import { signInInBrowser } from '#tests/helpers/browser_sign_in'
import { VIEWPORTS, watchForProblems } from '#tests/helpers/browser_page'
import Resident from '#residents/resident'
import { minato } from '#tests/helpers/programs'
import {
  HOME_HELP,
  aozoraStation,
  grantLot,
  ledgerVisit,
  usageResident,
} from '#tests/helpers/usage_fixtures'

const HEADER = '利用者ID,氏,名,氏（カナ）,名（カナ）,電話番号,子の出産予定日,子の生年月日,多胎'

function csvFile(name: string, lines: string[]) {
  const text = [HEADER, ...lines].map((line) => `${line}\r\n`).join('')
  return { name, mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${text}`) }
}

async function uploadCsv(page: Page, file: ReturnType<typeof csvFile>) {
  await page.goto('/m/minato/csv')
  await page.getByRole('heading', { level: 1, name: 'CSV取込・出力' }).waitFor()
  await page.getByLabel('CSVファイル').setInputFiles(file)
  await page.getByRole('button', { name: 'アップロードして確認する' }).click()
  await page.waitForURL(/\/csv\/jobs\/\d+$/)
}

test.group('Staff CSV journey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    test(`on a ${name}: import with errors, then a clean file, commit; export a month and download it`, async ({
      browserContext,
      assert,
    }) => {
      await browserContext.setDefaultTimeout(20_000)
      const city = await minato()
      const { provider, facility } = await aozoraStation()
      const parent = await usageResident(city, { familyName: '芝', givenName: '一郎' })
      await grantLot(city, parent, HOME_HELP, 'II')
      await ledgerVisit(city, parent, HOME_HELP, {
        service: 'housework',
        date: '2026-11-12',
        start: '10:00',
        minutes: 120,
        providerId: provider.id,
        facilityId: facility.id,
      })

      const page = await browserContext.newPage()
      await page.setViewportSize(viewport)
      const problems = watchForProblems(page)
      await signInInBrowser(page, 'staff@minato.example')

      // A file with errors: the report lists the rows, columns and reasons
      await uploadCsv(
        page,
        csvFile('errors.csv', [
          'BR-1,山田,花子,やまだ,ハナコ,,,,',
          'BR-2,佐藤,一郎,サトウ,イチロウ,123,,,',
        ])
      )
      await page.getByText('エラーが2件あるため、何も取り込んでいません').waitFor()
      const problemsTable = page.locator('table.problems')
      assert.include(await problemsTable.textContent(), '氏（カナ）')
      assert.include(await problemsTable.textContent(), 'カタカナで入力してください')
      assert.include(await problemsTable.textContent(), '電話番号')
      assert.equal(await page.locator('progress').getAttribute('value'), '100')
      assert.equal(await page.getByRole('button', { name: '登録する' }).count(), 0)

      // A clean file: checked, then registered
      await uploadCsv(
        page,
        csvFile('clean.csv', [
          'BR-10,山田,花子,ヤマダ,ハナコ,,,,',
          'BR-11,佐藤,一郎,サトウ,イチロウ,,,,',
        ])
      )
      await page.getByText('誤りはありません。まだ登録されていません。').waitFor()
      const commit = page.getByRole('button', { name: '登録する' })
      const box = await commit.boundingBox()
      assert.isAtLeast(box!.height, 48)
      await commit.click()
      await page.getByText('登録しました（新規 2 件、更新 0 件、変更なし 0 件）。').waitFor()
      assert.isNotNull(await Resident.findBy('residentNumber', 'BR-11'))

      // A month's usage by facility, downloaded
      await page.goto('/m/minato/csv')
      await page.getByLabel('出力する内容').selectOption('facility_month')
      await page.getByLabel('対象月').fill('2026-11')
      await page.getByRole('button', { name: 'CSVを作成する' }).click()
      await page.waitForURL(/\/csv\/jobs\/\d+$/)
      const link = page.getByRole('link', { name: /施設別利用実績_131032_2026-11\.csv/ })
      await link.waitFor()
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
      assert.equal(download.suggestedFilename(), '施設別利用実績_131032_2026-11.csv')
      const downloaded = await download.path()
      const content = await readFile(downloaded!, 'utf8')
      assert.isTrue(content.startsWith('\uFEFF施設,事業者,利用日'))
      assert.include(content, '芝 一郎')
      assert.include(content, '2026-11-12,10:00')
      // Tier II: ¥100 an hour, two hours
      assert.include(content, ',2,2025-04,II,200,')

      // The list shows both imports and the export
      await page.goto('/m/minato/csv')
      const jobs = page.locator('table.data-table tbody tr')
      await jobs.first().waitFor()
      assert.isAtLeast(await jobs.count(), 4)
      assert.deepEqual(problems, [])
    })
  }
})
