import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import * as prettier from 'prettier'
import type { BaseSchema } from '@adonisjs/lucid/schema'
import type { PluginManifest } from '#plugin_host/define_plugin'
import { validatePluginManifest } from '#plugin_host/plugin_manifest_validator'
import { pluginFolderMismatches } from '#plugin_host/plugin_folders'
import PluginScaffolder from '#plugin_host/plugin_scaffolder'
import PluginScaffoldError from '#plugin_host/plugin_scaffold_error'
import Municipality from '#tenancy/municipality'
import { pluginRegistry } from '#plugins/index'

const run = promisify(execFile)

/**
 * A scratch project inside the repo (tmp/ is git-ignored): the generated
 * plugin.ts imports `#plugin_host/...`, which Node resolves through the
 * nearest package.json, the repo's.
 */
async function scratchProject() {
  const root = app.makePath('tmp', `scaffold-${randomUUID().slice(0, 8)}`)
  await mkdir(join(root, 'plugins'), { recursive: true })
  await cp(app.makePath('plugins', 'index.ts'), join(root, 'plugins', 'index.ts'))
  return root
}

/** Every file under `root` with its contents, to prove a refusal wrote nothing */
async function snapshot(root: string) {
  const files: Record<string, string> = {}
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    files[relative(root, path)] = await readFile(path, 'utf8')
  }
  return files
}

async function prettierAccepts(source: string, filepath: string) {
  const options = await prettier.resolveConfig(app.makePath('plugins', 'index.ts'))
  return prettier.check(source, { ...options, filepath })
}

function flatten(value: unknown, prefix: string): string[] {
  if (typeof value === 'string') return [prefix]
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    flatten(child, `${prefix}.${key}`)
  )
}

test.group('Plugin contract: the plugins folder and the registry', () => {
  test('every folder under plugins/ is wired in the registry, and every key has its folder', async ({
    assert,
  }) => {
    const mismatches = await pluginFolderMismatches(
      app.makePath('plugins'),
      Object.keys(pluginRegistry)
    )
    assert.deepEqual(mismatches, { unwiredFolders: [], keysWithoutFolder: [] })
  })

  test('every wired plugin has a manifest that validates under its folder name', async ({
    assert,
  }) => {
    for (const [key, load] of Object.entries(pluginRegistry)) {
      assert.isTrue(existsSync(app.makePath('plugins', key, 'plugin.ts')), `plugins/${key}`)
      const { default: declared } = await load()
      const manifest = await validatePluginManifest(key, declared)
      assert.equal(manifest.id, key)
    }
  })

  test('a folder someone forgot to register is reported, as is a key with no folder', async ({
    assert,
    cleanup,
  }) => {
    const root = await scratchProject()
    cleanup(() => rm(root, { recursive: true, force: true }))
    for (const folder of ['wired_program', 'forgotten_program', '.cache']) {
      await mkdir(join(root, 'plugins', folder))
    }
    await writeFile(join(root, 'plugins', 'forgotten_program', 'plugin.ts'), '')

    const mismatches = await pluginFolderMismatches(join(root, 'plugins'), [
      'wired_program',
      'ghost_program',
    ])
    assert.deepEqual(mismatches, {
      unwiredFolders: ['forgotten_program'],
      keysWithoutFolder: ['ghost_program'],
    })
  })
})

test.group('Plugin contract: make:plugin scaffolding', (group) => {
  let root: string
  group.each.setup(async () => {
    root = await scratchProject()
    return () => rm(root, { recursive: true, force: true })
  })

  test('writes a plugin whose manifest validates and wires it into the registry once', async ({
    assert,
  }) => {
    const registryBefore = await readFile(join(root, 'plugins', 'index.ts'), 'utf8')
    const scaffolded = await new PluginScaffolder(new Date(2026, 4, 15)).scaffold(
      root,
      'child_care'
    )

    assert.deepEqual(scaffolded.files, [
      'plugins/child_care/plugin.ts',
      'plugins/child_care/routes.ts',
      'plugins/child_care/records_controller.ts',
      'plugins/child_care/ui/pages/index.vue',
      'plugins/child_care/lang/ja/child_care.json',
      'plugins/child_care/lang/en/child_care.json',
      'plugins/child_care/database/migrations/0001_create_child_care_records_table.ts',
      'plugins/child_care/tests/unit/child_care_manifest.spec.ts',
    ])
    for (const file of scaffolded.files) assert.isTrue(existsSync(join(root, file)), file)

    const pluginFile = pathToFileURL(join(root, 'plugins', 'child_care', 'plugin.ts')).href
    const { default: generated } = (await import(pluginFile)) as { default: PluginManifest }
    const manifest = await validatePluginManifest('child_care', generated)
    assert.equal(manifest.version, '0.1.0')
    assert.equal(manifest.requiresCore, '^1.0.0')
    const [program] = manifest.programs!
    assert.deepEqual(program.deductionPriority, ['home_visit'])
    assert.equal(program.defaultDefinition, '2026-04')
    const [definition] = program.definitions
    assert.equal(definition.per, 'resident')
    assert.deepEqual(definition.windows[0].from, { anchor: 'issue' })
    assert.deepEqual(definition.windows[0].to, { anchor: 'fiscal_year_end' })

    const registry = await readFile(join(root, 'plugins', 'index.ts'), 'utf8')
    const line = "  child_care: () => import('./child_care/plugin.js'),\n"
    assert.equal(registry.split(line).length - 1, 1)
    assert.equal(registry.replace(line, ''), registryBefore)
    const productionObject = registry.slice(registry.indexOf('const productionPlugins'))
    assert.match(productionObject, /plugin\.js'\),\n {2}child_care: .*\n\}/)
  })

  test('the generated files are formatted as prettier would', async ({ assert }) => {
    const { files } = await new PluginScaffolder().scaffold(root, 'child_care')
    for (const file of [...files, 'plugins/index.ts']) {
      const source = await readFile(join(root, file), 'utf8')
      assert.isTrue(await prettierAccepts(source, file), file)
    }
  })

  test('its route renders the Inertia page <id>/index, whose texts exist in ja and en', async ({
    assert,
  }) => {
    await new PluginScaffolder().scaffold(root, 'child_care')
    const pluginFolder = join(root, 'plugins', 'child_care')
    const { default: manifest } = (await import(
      pathToFileURL(join(pluginFolder, 'plugin.ts')).href
    )) as { default: PluginManifest }

    const mounted: { method: string; pattern: string; name?: string; handler: any }[] = []
    const router = {
      get(pattern: string, handler: unknown) {
        const route = { method: 'GET', pattern, handler, name: undefined as string | undefined }
        mounted.push(route)
        return { as: (name: string) => (route.name = name) }
      },
    }
    const { default: defineRoutes } = await manifest.routes!()
    defineRoutes(router as any)
    assert.deepEqual(
      mounted.map(({ method, pattern, name }) => ({ method, pattern, name })),
      [{ method: 'GET', pattern: '/', name: 'index' }]
    )
    const [loadController, action] = mounted[0].handler
    const { default: Controller } = await loadController()
    assert.equal(action, 'index')
    assert.isFunction(Controller.prototype.index)

    const controllerSource = await readFile(join(pluginFolder, 'records_controller.ts'), 'utf8')
    assert.include(controllerSource, "inertia.render('child_care/index', { records })")
    assert.include(controllerSource, ".where('municipality_id', tenant.municipalityId)")

    const page = await readFile(join(pluginFolder, 'ui', 'pages', 'index.vue'), 'utf8')
    assert.include(page, "import { useI18n } from '~/composables/use_i18n'")
    const usedKeys = [...page.matchAll(/\bt\('([^']+)'\)/g)].map(([, key]) => key)
    assert.includeMembers(usedKeys, ['child_care.index.title', 'child_care.index.empty'])
    for (const locale of ['ja', 'en']) {
      const messages = JSON.parse(
        await readFile(join(pluginFolder, 'lang', locale, 'child_care.json'), 'utf8')
      )
      // and the route's name on the audit trail (AuditWording)
      assert.sameMembers(
        flatten(messages, 'child_care'),
        [...new Set(usedKeys), 'child_care.screens.index'],
        locale
      )
    }
  })

  test('its migration creates <id>_records owned by a municipality', async ({ assert }) => {
    await new PluginScaffolder().scaffold(root, 'child_care')
    const file = join(
      root,
      'plugins/child_care/database/migrations/0001_create_child_care_records_table.ts'
    )
    const { default: Migration } = (await import(pathToFileURL(file).href)) as {
      default: new (...args: ConstructorParameters<typeof BaseSchema>) => BaseSchema
    }
    const minato = await Municipality.findByOrFail('code', '131032')

    // DDL inside a transaction that is rolled back: the test database is left as it was
    const trx = await db.transaction()
    try {
      await new Migration(trx, file, false).execUp()
      await trx.table('child_care_records').insert({
        municipality_id: minato.id,
        note: '初回',
        created_at: new Date(),
        updated_at: new Date(),
      })
      const refused = async (row: Record<string, unknown>) => {
        const savepoint = await trx.transaction()
        try {
          await savepoint
            .table('child_care_records')
            .insert({ note: 'x', created_at: new Date(), updated_at: new Date(), ...row })
          return false
        } catch {
          return true
        } finally {
          await savepoint.rollback()
        }
      }
      assert.isTrue(await refused({}), 'a record without municipality')
      assert.isTrue(await refused({ municipality_id: 999_999_999 }), 'an unknown municipality')
      const rows = await trx.from('child_care_records').select('municipality_id', 'note')
      assert.deepEqual(rows, [{ municipality_id: minato.id, note: '初回' }])
    } finally {
      await trx.rollback()
    }
  })

  test('refuses {id} ({reason}) and changes nothing')
    .with([
      { id: 'Child-Care', reason: 'not snake_case', expected: /is not a valid plugin id/ },
      { id: '9lives', reason: 'starts with a digit', expected: /is not a valid plugin id/ },
      { id: 'x', reason: 'too short', expected: /is not a valid plugin id/ },
      { id: `a${'b'.repeat(63)}`, reason: 'too long', expected: /is not a valid plugin id/ },
      { id: 'child_care', reason: 'folder exists', expected: /plugins\/child_care already exists/ },
      {
        id: 'postpartum_support',
        reason: 'in the registry',
        expected: /"postpartum_support" is already registered in plugins\/index\.ts/,
      },
      {
        id: 'sample_program',
        reason: 'test-only registry entry',
        expected: /"sample_program" is already registered/,
      },
    ])
    .run(async ({ assert }, { id, expected }) => {
      await mkdir(join(root, 'plugins', 'child_care', 'database'), { recursive: true })
      await writeFile(join(root, 'plugins', 'child_care', 'plugin.ts'), '// work in progress\n')
      const before = await snapshot(root)

      await assert.rejects(async () => {
        try {
          await new PluginScaffolder().scaffold(root, id)
        } catch (error) {
          assert.instanceOf(error, PluginScaffoldError)
          throw error
        }
      }, expected)
      assert.deepEqual(await snapshot(root), before)
    })

  test('an id still registered after its folder was removed is refused', async ({ assert }) => {
    await new PluginScaffolder().scaffold(root, 'child_care')
    await rm(join(root, 'plugins', 'child_care'), { recursive: true })
    await assert.rejects(
      () => new PluginScaffolder().scaffold(root, 'child_care'),
      /"child_care" is already registered/
    )
  })
})

test.group('Plugin contract: registry layouts', () => {
  const scaffolder = new PluginScaffolder()
  const header = "import type { PluginManifest } from '#plugin_host/define_plugin'\n\n"

  test('{layout}')
    .with([
      {
        layout: 'an empty object gets its first entry',
        before: 'const productionPlugins: Record<string, PluginLoader> = {}\n',
        id: 'child_care',
        after:
          'const productionPlugins: Record<string, PluginLoader> = {\n' +
          "  child_care: () => import('./child_care/plugin.js'),\n" +
          '}\n',
      },
      {
        layout: 'a one-line object is broken into one entry a line',
        before:
          "const productionPlugins = { a_plugin: () => import('./a_plugin/plugin.js') }\nexport {}\n",
        id: 'child_care',
        after:
          'const productionPlugins = {\n' +
          "  a_plugin: () => import('./a_plugin/plugin.js'),\n" +
          "  child_care: () => import('./child_care/plugin.js'),\n" +
          '}\nexport {}\n',
      },
      {
        layout: 'a missing trailing comma is added, past a comment',
        before:
          'const productionPlugins = {\n' +
          "  a_plugin: () => import('./a_plugin/plugin.js')\n" +
          '  // next: child care\n' +
          '}\n',
        id: 'child_care',
        after:
          'const productionPlugins = {\n' +
          "  a_plugin: () => import('./a_plugin/plugin.js'),\n" +
          '  // next: child care\n' +
          "  child_care: () => import('./child_care/plugin.js'),\n" +
          '}\n',
      },
      {
        layout: 'a line over 100 characters is wrapped',
        before: 'const productionPlugins = {\n}\n',
        id: 'a_program_with_a_rather_long_identifier',
        after:
          'const productionPlugins = {\n' +
          '  a_program_with_a_rather_long_identifier: () =>\n' +
          "    import('./a_program_with_a_rather_long_identifier/plugin.js'),\n" +
          '}\n',
      },
    ])
    .run(async ({ assert }, { before, id, after }) => {
      const updated = scaffolder.registryWithPlugin(header + before, id)
      assert.equal(updated, header + after)
      assert.isTrue(await prettierAccepts(updated, 'plugins/index.ts'))
      assert.include(scaffolder.registeredPlugins(updated), id)
    })

  test('a registry without a productionPlugins object is refused', ({ assert }) => {
    assert.throws(
      () => scaffolder.registryWithPlugin('export const pluginRegistry = {}\n', 'child_care'),
      /has no "const productionPlugins = \{ \.\.\. \}" object/
    )
  })
})

test.group('Plugin contract: the make:plugin command', (group) => {
  let root: string
  group.each.setup(async () => {
    root = await scratchProject()
    return () => rm(root, { recursive: true, force: true })
  })

  /**
   * The real `node ace make:plugin`, run in a scratch copy of the app's
   * code so the repo's own plugins folder is never touched.
   */
  async function makePlugin(id: string) {
    for (const entry of ['ace.js', 'adonisrc.ts', 'package.json', 'tsconfig.json']) {
      if (!existsSync(join(root, entry))) await cp(app.makePath(entry), join(root, entry))
    }
    for (const folder of ['bin', 'app', 'config', 'start']) {
      if (!existsSync(join(root, folder))) {
        await cp(app.makePath(folder), join(root, folder), { recursive: true })
      }
    }
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['ace', 'make:plugin', id, '--no-ansi'],
        { cwd: root }
      )
      return { exitCode: 0, output: stdout + stderr }
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string }
      return { exitCode: failed.code, output: failed.stdout + failed.stderr }
    }
  }

  test('scaffolds and registers a plugin, printing the files and the next steps', async ({
    assert,
  }) => {
    const result = await makePlugin('e2e_program')
    assert.equal(result.exitCode, 0, result.output)
    assert.include(result.output, 'create plugins/e2e_program/plugin.ts')
    assert.include(result.output, 'update plugins/index.ts')
    assert.include(result.output, 'Next steps')
    assert.include(result.output, 'node ace migration:run')

    const registry = await readFile(join(root, 'plugins', 'index.ts'), 'utf8')
    assert.include(registry, "  e2e_program: () => import('./e2e_program/plugin.js'),\n")
    const pluginFile = pathToFileURL(join(root, 'plugins', 'e2e_program', 'plugin.ts')).href
    const { default: generated } = (await import(pluginFile)) as { default: PluginManifest }
    await validatePluginManifest('e2e_program', generated)
  }).timeout(60_000)

  test('exits 1 with the reason on a bad id, writing nothing', async ({ assert }) => {
    const registryBefore = await readFile(join(root, 'plugins', 'index.ts'), 'utf8')
    const result = await makePlugin('Bad-Id')
    assert.equal(result.exitCode, 1, result.output)
    assert.include(result.output, '"Bad-Id" is not a valid plugin id')
    assert.deepEqual(await readdir(join(root, 'plugins')), ['index.ts'])
    assert.equal(await readFile(join(root, 'plugins', 'index.ts'), 'utf8'), registryBefore)
  }).timeout(60_000)
})
