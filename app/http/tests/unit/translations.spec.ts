import { test } from '@japa/runner'
import { messages as vineMessages } from '@vinejs/vine/defaults'
import { readdir, readFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import { pluginIds } from '#plugins/index'
import { SUPPORTED_LOCALES } from '#config/i18n'

function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (typeof value === 'string') return { [prefix]: value }
  return Object.entries(value as Record<string, unknown>).reduce(
    (result, [key, child]) => ({ ...result, ...flatten(child, prefix ? `${prefix}.${key}` : key) }),
    {}
  )
}

async function catalogue(folder: string, locale: string) {
  const directory = app.makePath(folder, locale)
  const messages: Record<string, string> = {}
  for (const file of await readdir(directory)) {
    const namespace = file.replace(/\.json$/, '')
    Object.assign(
      messages,
      flatten(JSON.parse(await readFile(`${directory}/${file}`, 'utf8')), namespace)
    )
  }
  return messages
}

const folders = ['resources/lang', ...pluginIds.map((id) => `plugins/${id}/lang`)]

test.group('Translations', () => {
  test('{$self}: every message exists in Japanese and in English')
    .with(folders)
    .run(async ({ assert }, folder) => {
      const [ja, en] = await Promise.all(
        SUPPORTED_LOCALES.map((locale) => catalogue(folder, locale))
      )
      assert.deepEqual(Object.keys(en).sort(), Object.keys(ja).sort())
      const japaneseLeftInEnglish = Object.keys(en).filter((key) =>
        /[ぁ-んァ-ン一-龯]/.test(en[key])
      )
      assert.deepEqual(japaneseLeftInEnglish, [])
    })
})

test.group('Validation messages', () => {
  test('every VineJS rule has a message in {$self}')
    .with([...SUPPORTED_LOCALES])
    .run(async ({ assert }, locale) => {
      const messages = await catalogue('resources/lang', locale)
      const missing = Object.keys(vineMessages).filter(
        (rule) => !(`validator.shared.messages.${rule}` in messages)
      )
      assert.deepEqual(missing, [])
    })
})

test.group('Counts in English', () => {
  test('one visit is "1 visit", never "1 visits"', async ({ assert }) => {
    const { default: i18nManager } = await import('@adonisjs/i18n/services/main')
    const en = i18nManager.locale('en')
    assert.equal(en.t('provider_history.totals.visits_value', { visits: 1 }), '1 visit')
    assert.equal(en.t('provider_history.totals.visits_value', { visits: 2 }), '2 visits')
    assert.equal(
      en.t('staff_coupons.usage.total_line', { status: 'Approved', visits: 1, hours: 2 }),
      'Approved: 1 visit, 2 h'
    )
    assert.equal(
      en.t('staff_coupons.summary.pending', { visits: 1, hours: '4 hours' }),
      "1 visit (4 hours) is waiting for a provider's approval."
    )
    assert.equal(
      en.t('staff_coupons.summary.pending', { visits: 3, hours: '6 hours' }),
      "3 visits (6 hours) are waiting for a provider's approval."
    )
  })
})
