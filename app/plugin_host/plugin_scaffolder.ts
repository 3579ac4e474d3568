import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import PluginScaffoldError from '#plugin_host/plugin_scaffold_error'

/** The same rule the manifest validator applies to `id` */
const PLUGIN_ID = /^[a-z][a-z0-9_]{1,62}$/

/** The project's prettier printWidth: a longer registry line is wrapped as prettier would */
const PRINT_WIDTH = 100

const REGISTRY_FILE = 'plugins/index.ts'

export type ScaffoldedPlugin = {
  id: string
  /** Paths relative to the project root, in the order they were written */
  files: string[]
  registryFile: string
}

/**
 * Writes a new program plugin under plugins/<id>/ and adds it to the
 * registry: a manifest that already passes the contract, a route with its
 * controller, Vue page and translations, a tenant-scoped table and a test
 * of the manifest. Every check runs before the first write, so a refusal
 * leaves the project as it was.
 *
 * Methods take the project root so tests can scaffold into a scratch copy.
 */
export default class PluginScaffolder {
  /** `today` dates the first coupon definition (the fiscal year it starts in) */
  constructor(private readonly today: Date = new Date()) {}

  async scaffold(projectRoot: string, id: string): Promise<ScaffoldedPlugin> {
    const registryPath = join(projectRoot, REGISTRY_FILE)
    await this.assertAvailable(projectRoot, id)
    const registry = this.registryWithPlugin(await readFile(registryPath, 'utf8'), id)

    const files = this.pluginFiles(id)
    const written: string[] = []
    for (const [relativePath, contents] of Object.entries(files)) {
      const path = join(projectRoot, 'plugins', id, relativePath)
      await mkdir(dirname(path), { recursive: true })
      // `wx`: never overwrite, even if the folder appeared since the check
      await writeFile(path, contents, { flag: 'wx' })
      written.push(`plugins/${id}/${relativePath}`)
    }
    await writeFile(registryPath, registry)
    return { id, files: written, registryFile: REGISTRY_FILE }
  }

  /**
   * Refuses an id the contract would refuse, a reserved folder name, an
   * existing folder, or an id the registry already lists.
   */
  async assertAvailable(projectRoot: string, id: string) {
    if (!PLUGIN_ID.test(id)) {
      throw new PluginScaffoldError(
        `"${id}" is not a valid plugin id: use snake_case, 2 to 63 characters, ` +
          'starting with a letter (e.g. child_care)'
      )
    }
    if (existsSync(join(projectRoot, 'plugins', id))) {
      throw new PluginScaffoldError(`plugins/${id} already exists`)
    }
    const registryPath = join(projectRoot, REGISTRY_FILE)
    if (!existsSync(registryPath)) {
      throw new PluginScaffoldError(`${REGISTRY_FILE} not found under ${projectRoot}`)
    }
    const registered = this.registeredPlugins(await readFile(registryPath, 'utf8'))
    if (registered.includes(id)) {
      throw new PluginScaffoldError(`"${id}" is already registered in ${REGISTRY_FILE}`)
    }
  }

  /**
   * The ids the registry source lists, from both the keys and the folders
   * their lazy imports point at (they should agree, but either one taken
   * is enough to refuse).
   */
  registeredPlugins(registrySource: string): string[] {
    const entry =
      /['"]?([a-z][a-z0-9_]*)['"]?\s*:\s*\(\)\s*=>\s*import\(\s*['"]\.\/([^/'"]+)\/plugin\.js['"]\s*\)/g
    const ids = new Set<string>()
    for (const [, key, folder] of registrySource.matchAll(entry)) {
      ids.add(key)
      ids.add(folder)
    }
    return [...ids]
  }

  /**
   * The registry source with the plugin appended to `productionPlugins`,
   * laid out as prettier would: one entry a line, trailing commas. It goes
   * last because plugin migrations run in registry order.
   */
  registryWithPlugin(registrySource: string, id: string): string {
    const declaration = /^([ \t]*)(?:export\s+)?const\s+productionPlugins\b[^=]*=\s*\{/m.exec(
      registrySource
    )
    if (!declaration) {
      throw new PluginScaffoldError(
        `${REGISTRY_FILE} has no "const productionPlugins = { ... }" object to add the plugin to`
      )
    }
    const indent = declaration[1]
    const open = declaration.index + declaration[0].length - 1
    const close = closingBraceOf(registrySource, open)
    if (close === -1) {
      throw new PluginScaffoldError(
        `The productionPlugins object in ${REGISTRY_FILE} is not closed`
      )
    }

    const newEntry = registryEntry(id, `${indent}  `)
    const body = registrySource.slice(open + 1, close)
    let object: string
    if (body.includes('\n')) {
      const head = withTrailingComma(registrySource.slice(open, close).trimEnd())
      object = `${head}\n${newEntry}\n${indent}}`
    } else {
      // `{}` or a one-line object: prettier puts each entry on its own line once it breaks
      const entries = splitTopLevel(body)
        .map((existing) => existing.trim())
        .filter(Boolean)
        .map((existing) => `${indent}  ${existing},\n`)
      object = `{\n${entries.join('')}${newEntry}\n${indent}}`
    }
    return registrySource.slice(0, open) + object + registrySource.slice(close + 1)
  }

  /** Contents of every file of the new plugin, by path inside plugins/<id>/ */
  pluginFiles(id: string): Record<string, string> {
    const names = placeholderNames(id)
    const fiscalYear = fiscalYearOf(this.today)
    return {
      'plugin.ts': manifestTemplate(id, names, fiscalYear),
      'routes.ts': routesTemplate(id),
      'records_controller.ts': controllerTemplate(id),
      'ui/pages/index.vue': pageTemplate(id),
      // screens: the audit trail's name for each named route (AuditWording)
      [`lang/ja/${id}.json`]: translationsTemplate({
        index: { title: names.ja, empty: '記録はまだありません。' },
        screens: { index: names.ja },
      }),
      [`lang/en/${id}.json`]: translationsTemplate({
        index: { title: names.en, empty: 'No records yet.' },
        screens: { index: names.en },
      }),
      [`database/migrations/0001_create_${id}_records_table.ts`]: migrationTemplate(id),
      [`tests/unit/${id}_manifest.spec.ts`]: manifestTestTemplate(id),
    }
  }
}

type LocalizedNames = { ja: string; en: string }

/** Names that pass the contract and are plainly placeholders: child_care → "Child care" */
function placeholderNames(id: string): LocalizedNames {
  const words = id.replace(/_+/g, ' ').trim()
  return {
    ja: `新しい制度（${id}）`,
    en: words.charAt(0).toUpperCase() + words.slice(1),
  }
}

/** Japanese fiscal years start on 1 April */
function fiscalYearOf(date: Date) {
  return date.getMonth() >= 3 ? date.getFullYear() : date.getFullYear() - 1
}

function registryEntry(id: string, indent: string) {
  const oneLine = `${indent}${id}: () => import('./${id}/plugin.js'),`
  if (oneLine.length <= PRINT_WIDTH) return oneLine
  return `${indent}${id}: () =>\n${indent}  import('./${id}/plugin.js'),`
}

/**
 * Index of the `}` closing the `{` at `open`, skipping strings and
 * comments; -1 when there is none.
 */
function closingBraceOf(source: string, open: number) {
  let depth = 0
  for (let index = open; index < source.length; index++) {
    const char = source[index]
    if (char === '/' && source[index + 1] === '/') {
      index = source.indexOf('\n', index)
      if (index === -1) return -1
    } else if (char === '/' && source[index + 1] === '*') {
      index = source.indexOf('*/', index + 2) + 1
      if (index === 0) return -1
    } else if (char === "'" || char === '"' || char === '`') {
      index = endOfString(source, index)
    } else if (char === '{') {
      depth++
    } else if (char === '}') {
      depth--
      if (depth === 0) return index
    }
  }
  return -1
}

function endOfString(source: string, start: number) {
  const quote = source[start]
  let index = start + 1
  while (index < source.length && source[index] !== quote) {
    index += source[index] === '\\' ? 2 : 1
  }
  return index
}

/** Splits one-line object contents at the commas between entries */
function splitTopLevel(body: string) {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let index = 0; index < body.length; index++) {
    const char = body[index]
    if (char === "'" || char === '"' || char === '`') index = endOfString(body, index)
    else if ('([{'.includes(char)) depth++
    else if (')]}'.includes(char)) depth--
    else if (char === ',' && depth === 0) {
      parts.push(body.slice(start, index))
      start = index + 1
    }
  }
  parts.push(body.slice(start))
  return parts
}

/**
 * Adds the comma after the last entry if the file lacked one (prettier
 * always writes it), looking past trailing comment lines.
 */
function withTrailingComma(objectHead: string) {
  const lines = objectHead.split('\n')
  for (let index = lines.length - 1; index >= 0; index--) {
    const code = lines[index].replace(/\/\/.*$/, '').trimEnd()
    const isBlockComment = /^\s*(\/\*|\*)/.test(code) || code.endsWith('*/')
    if (code === '' || isBlockComment) continue
    if (!code.endsWith(',') && !code.endsWith('{')) {
      lines[index] = code + ',' + lines[index].slice(code.length)
    }
    break
  }
  return lines.join('\n')
}

function manifestTemplate(id: string, names: LocalizedNames, fiscalYear: number) {
  const version = `${fiscalYear}-04`
  return `import { definePlugin } from '#plugin_host/define_plugin'

const HOUR = 60
const name = {
  ja: '${names.ja}',
  en: '${names.en}',
}

/**
 * Scaffolded by \`node ace make:plugin ${id}\`. The names and rules below are
 * placeholders that already satisfy the plugin contract: replace them with
 * the program's own before a municipality enables the plugin.
 */
export default definePlugin({
  id: '${id}',
  version: '0.1.0',
  requiresCore: '^1.0.0',
  name,
  programs: [
    {
      code: '${id}',
      name,
      unit: { label: { ja: '時間', en: 'hours' }, minutes: HOUR },
      services: [{ code: 'home_visit', name: { ja: '訪問支援', en: 'Home visit' } }],
      deductionPriority: ['home_visit'],
      visit: { minutes: [60, 120], perDay: 1, from: '09:00', to: '17:00' },
      definitions: [
        {
          version: '${version}',
          name: { ja: '${fiscalYear}年度からの制度', en: 'Rules from FY${fiscalYear}' },
          effectiveFrom: '${fiscalYear}-04-01',
          per: 'resident',
          windows: [
            {
              key: 'fiscal_year',
              name: { ja: '年度末まで', en: 'Until the end of the fiscal year' },
              from: { anchor: 'issue' },
              to: { anchor: 'fiscal_year_end' },
              totalMinutes: 12 * HOUR,
            },
          ],
        },
      ],
      defaultDefinition: '${version}',
    },
  ],
  routes: () => import('./routes.js'),
})
`
}

function routesTemplate(id: string) {
  return `import type { PluginRoutes } from '#plugin_host/define_plugin'

const RecordsController = () => import('./records_controller.js')

/**
 * Mounted by the core at /m/:municipality/p/${id}, behind sign-in, tenancy
 * and the municipality's enabling of the plugin; names get the "${id}." prefix.
 */
const routes: PluginRoutes = (router) => {
  router.get('/', [RecordsController, 'index']).as('index')
}

export default routes
`
}

function controllerTemplate(id: string) {
  return `import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'

export default class RecordsController {
  /**
   * The plugin's start page: the current municipality's records only.
   */
  async index({ inertia, tenant }: HttpContext) {
    const records = await db
      .from('${id}_records')
      .where('municipality_id', tenant.municipalityId)
      .select('id', 'note')
      .orderBy('id', 'desc')
    return inertia.render('${id}/index', { records })
  }
}
`
}

function pageTemplate(id: string) {
  return `<script setup lang="ts">
import { Head } from '@inertiajs/vue3'
import { useI18n } from '~/composables/use_i18n'

defineProps<{ records: { id: number; note: string }[] }>()
const { t } = useI18n()
</script>

<template>
  <Head :title="t('${id}.index.title')" />
  <section class="card">
    <h1>{{ t('${id}.index.title') }}</h1>
    <ul v-if="records.length">
      <li v-for="record in records" :key="record.id">{{ record.note }}</li>
    </ul>
    <p v-else>{{ t('${id}.index.empty') }}</p>
  </section>
</template>
`
}

function translationsTemplate(messages: Record<string, Record<string, string>>) {
  return JSON.stringify(messages, null, 2) + '\n'
}

function migrationTemplate(id: string) {
  return `import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The plugin's own table: named after the plugin and scoped to one
 * municipality (the tenant). Plugins add tables; they never alter the core's.
 */
export default class extends BaseSchema {
  protected tableName = '${id}_records'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table
        .integer('municipality_id')
        .unsigned()
        .notNullable()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table.string('note', 500).notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['municipality_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
`
}

function manifestTestTemplate(id: string) {
  return `import { test } from '@japa/runner'
import { validatePluginManifest } from '#plugin_host/plugin_manifest_validator'
import manifest from '../../plugin.js'

test.group('${id}: manifest', () => {
  test('satisfies the plugin contract under its folder name', async ({ assert }) => {
    const validated = await validatePluginManifest('${id}', manifest)
    assert.equal(validated.id, '${id}')
    assert.isNotEmpty(validated.programs)
  })
})
`
}
