import { test } from '@japa/runner'
import router from '@adonisjs/core/services/router'
import i18nManager from '@adonisjs/i18n/services/main'
import { SUPPORTED_LOCALES } from '#config/i18n'
import { AUDIT_ACTIONS, AUDIT_PURPOSES } from '#audit/audit_vocabulary'
import AuditWording, { pluginScreenKey } from '#audit_viewer/audit_wording'
import { pluginIds } from '#plugins/index'

/** The app's named routes: each can be the screen an event was recorded on (httpDestination) */
function namedRoutes() {
  // The HTTP server commits the routes when it starts; the unit suite starts none
  router.commit()
  return Object.values(router.toJSON())
    .flat()
    .map((route) => route.name)
    .filter((name): name is string => Boolean(name))
}

/** The keys under `prefix` in one language's messages, without the prefix */
function labelled(locale: string, prefix: string) {
  return Object.keys(i18nManager.getTranslationsFor(locale))
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length))
    .sort()
}

test.group('Audit wording: the catalogue', () => {
  test(
    'in {$self}: every recorded action has a label, and no label is for an action never recorded'
  )
    .with([...SUPPORTED_LOCALES])
    .run(({ assert }, locale) => {
      assert.deepEqual(labelled(locale, 'audit.actions.'), [...AUDIT_ACTIONS].sort())
    })

  test('in {$self}: every purpose has words, and only the purposes recorded')
    .with([...SUPPORTED_LOCALES])
    .run(({ assert }, locale) => {
      assert.deepEqual(labelled(locale, 'audit.purposes.'), [...AUDIT_PURPOSES].sort())
    })

  test('in {$self}: every named route has a screen label, and only routes that exist')
    .with([...SUPPORTED_LOCALES])
    .run(({ assert }, locale) => {
      const messages = i18nManager.getTranslationsFor(locale)
      const routes = [...new Set(namedRoutes())].sort()
      const plugins = routes.filter((name) => pluginIds.some((id) => name.startsWith(`${id}.`)))
      const core = routes.filter((name) => !plugins.includes(name))
      assert.isAbove(core.length, 100)
      assert.isNotEmpty(plugins)
      // dev.outbox exists in development only (NODE_ENV=development)
      assert.deepEqual(labelled(locale, 'audit.screens.'), [...core, 'dev.outbox'].sort())
      // A plugin names its own routes in its messages
      assert.deepEqual(
        plugins.filter((name) => !(pluginScreenKey(name) in messages)),
        []
      )
    })

  test('in {$self}: no label is a code: each reads as words')
    .with([...SUPPORTED_LOCALES])
    .run(({ assert }, locale) => {
      const messages = i18nManager.getTranslationsFor(locale)
      const codeLike = Object.entries(messages).filter(
        ([key, text]) => key.startsWith('audit.') && /\b[a-z_]+\.[a-z_]+\b/.test(text)
      )
      assert.deepEqual(codeLike, [])
    })
})

/** What AuditWording says, in Japanese and in English */
const READINGS: [(words: AuditWording) => string | null, ja: string | null, en: string | null][] = [
  [(words) => words.action('resident.viewed'), '住民情報の閲覧', 'Resident record viewed'],
  [(words) => words.purpose('resident_record'), '住民記録の確認', 'Resident record'],
  [(words) => words.purpose(null), null, null],
  [(words) => words.destination('tenant.residents.show'), '住民の詳細', 'Resident details'],
  [(words) => words.destination('file:a.csv'), 'CSVファイル（a.csv）', 'CSV file (a.csv)'],
  [(words) => words.destination('csv_job:12'), 'CSV処理 #12', 'CSV job #12'],
  [
    (words) => words.destination('sample_program.notes.index'),
    'サンプル制度のメモ',
    'Sample program notes',
  ],
  [(words) => words.channel('job'), '自動処理', 'Background job'],
  [(words) => words.outcome('denied'), '拒否', 'Denied'],
  [(words) => words.role('municipal_admin'), '自治体管理者', 'Municipal administrator'],
]

test.group('Audit wording: an event in words', () => {
  test('actions, purposes, screens, files, channels in {$self}')
    .with(['ja', 'en'] as const)
    .run(({ assert }, locale) => {
      const words = new AuditWording(i18nManager.locale(locale))
      const column = locale === 'ja' ? 1 : 2
      assert.deepEqual(
        READINGS.map((reading) => reading[0](words)),
        READINGS.map((reading) => reading[column])
      )
    })

  test('a code an older version recorded is named, not dropped', ({ assert }) => {
    const words = new AuditWording(i18nManager.locale('ja'))
    assert.equal(words.action('resident.archived'), 'その他の操作（resident.archived）')
    assert.equal(words.purpose('old_purpose'), 'その他の目的（old_purpose）')
    assert.equal(words.destination('/m/minato/gone'), '画面（/m/minato/gone）')
  })
})
