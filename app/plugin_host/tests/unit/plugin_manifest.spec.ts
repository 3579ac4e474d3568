import { test } from '@japa/runner'
import { validatePluginManifest } from '#plugin_host/plugin_manifest_validator'
import PluginHost from '#plugin_host/plugin_host'
import PluginManifestError from '#plugin_host/plugin_manifest_error'
import { pluginRegistry } from '#plugins/index'

const validManifest = () => ({
  id: 'child_care',
  version: '1.2.0',
  requiresCore: '^1.0.0',
  name: { ja: '子育て支援', en: 'Child care' },
})

async function refusal(registryKey: string, manifest: unknown) {
  try {
    await validatePluginManifest(registryKey, manifest)
  } catch (error) {
    if (error instanceof PluginManifestError) return error
    throw error
  }
  throw new Error('the manifest was accepted')
}

test.group('Plugin manifest validation', () => {
  test('a complete manifest is accepted as is', async ({ assert }) => {
    const manifest = await validatePluginManifest('child_care', validManifest())
    assert.equal(manifest.id, 'child_care')
  })

  test('{field} problem is refused with a message naming plugin and field')
    .with([
      {
        field: 'id',
        change: { id: 'other_name' },
        expected: /is "other_name" but the plugin is registered/,
      },
      { field: 'id', change: { id: 'Bad-Id' }, expected: /is invalid/ },
      { field: 'version', change: { version: 'one' }, expected: /"one" is not semver/ },
      {
        field: 'requiresCore',
        change: { requiresCore: '^2.0.0' },
        expected: /does not accept the core contract 1\.0\.0/,
      },
      { field: 'requiresCore', change: { requiresCore: 'any' }, expected: /is not a semver range/ },
      { field: 'name.en', change: { name: { ja: '子育て支援' } }, expected: /is invalid/ },
      {
        field: 'routes',
        change: { routes: './routes.js' },
        expected: /must be a lazy import function/,
      },
      {
        field: 'jobs.send_mail',
        change: { jobs: { send_mail: async () => ({}) } },
        expected: /must start with "child_care:"/,
      },
    ])
    .run(async ({ assert }, { field, change, expected }) => {
      const error = await refusal('child_care', { ...validManifest(), ...change })
      assert.equal(error.pluginId, 'child_care')
      assert.equal(error.field, field)
      assert.match(error.message, /^Plugin "child_care": field /)
      assert.match(error.message, expected)
    })

  test('the host refuses to load a registry with a bad manifest', async ({ assert }) => {
    const host = new PluginHost()
    await assert.rejects(
      () =>
        host.load({
          child_care: async () => ({ default: { ...validManifest(), version: 'x' } as any }),
        }),
      'Plugin "child_care": field "version" "x" is not semver'
    )
  })

  test('every registered plugin has a valid manifest and lives in its own folder', async ({
    assert,
  }) => {
    const host = new PluginHost()
    await host.load(pluginRegistry)
    assert.deepEqual(
      host.plugins.map((plugin) => plugin.id),
      Object.keys(pluginRegistry)
    )
  })
})

const HOUR = 60

function validProgram() {
  return {
    code: 'postpartum',
    name: { ja: '産前産後家事・育児支援', en: 'Postpartum home support' },
    unit: { label: { ja: '時間', en: 'hours' }, minutes: HOUR },
    services: [
      { code: 'home_helper', name: { ja: '家事支援', en: 'Home helper' } },
      { code: 'doula', name: { ja: '産後ドゥーラ', en: 'Postpartum doula' } },
    ],
    deductionPriority: ['home_helper', 'doula'],
    visit: { minutes: [60, 120, 180, 240], perDay: 1, from: '08:00', to: '22:00' },
    definitions: [
      {
        version: '2024-04',
        name: { ja: '2024年度', en: 'FY2024' },
        effectiveFrom: '2024-04-01',
        per: 'child' as string,
        windows: [
          {
            key: 'until_first_birthday',
            name: { ja: '1歳の誕生日の前日まで', en: 'Until the day before the 1st birthday' },
            from: { anchor: 'issue' } as Record<string, unknown>,
            to: { anchor: 'birth', months: 12, days: -1 } as Record<string, unknown>,
            totalMinutes: 128 * HOUR,
            minimumMinutes: undefined as number | undefined,
            services: undefined as string[] | undefined,
            serviceMinutes: { doula: 30 * HOUR } as Record<string, number>,
          },
        ],
      },
    ],
    defaultDefinition: '2024-04',
  }
}

type ProgramChange = (program: ReturnType<typeof validProgram>) => void

test.group('Plugin manifest validation: programs', () => {
  test('a complete program is accepted', async ({ assert }) => {
    const manifest = await validatePluginManifest('child_care', {
      ...validManifest(),
      programs: [validProgram()],
    })
    assert.equal(manifest.programs?.[0].deductionPriority[1], 'doula')
  })

  test('{field}: {expected}')
    .with<{ field: string; expected: RegExp; change: ProgramChange }[]>([
      {
        field: 'programs.0.deductionPriority.1',
        expected: /names unknown service "nanny"/,
        change: (program) => (program.deductionPriority = ['home_helper', 'nanny']),
      },
      {
        field: 'programs.0.definitions.0.windows.0.serviceMinutes.doula',
        expected: /sub-cap 7800 is above the window cap 7680/,
        change: (program) =>
          (program.definitions[0].windows[0].serviceMinutes = { doula: 130 * HOUR }),
      },
      {
        field: 'programs.0.definitions.0.windows.0.serviceMinutes.nanny',
        expected: /names unknown service "nanny"/,
        change: (program) => (program.definitions[0].windows[0].serviceMinutes = { nanny: HOUR }),
      },
      {
        field: 'programs.0.services',
        expected: /declares service "doula" twice/,
        change: (program) => program.services.push({ ...program.services[1] }),
      },
      {
        field: 'programs.0.defaultDefinition',
        expected: /"2021-04" is not one of the definitions/,
        change: (program) => (program.defaultDefinition = '2021-04'),
      },
      {
        field: 'programs.0.visit.minutes.1',
        expected: /90 is not a whole number of units \(60 minutes\)/,
        change: (program) => (program.visit.minutes = [60, 90]),
      },
      {
        field: 'programs.0.visit',
        expected: /from 22:00 is not before to 08:00/,
        change: (program) => Object.assign(program.visit, { from: '22:00', to: '08:00' }),
      },
      {
        field: 'programs.0.definitions.0.serviceUntil.nanny',
        expected: /names unknown service "nanny"/,
        change: (program) =>
          Object.assign(program.definitions[0], {
            serviceUntil: { nanny: { anchor: 'birth', months: 7 } },
          }),
      },
      {
        field: 'programs.0.definitions.0.windows.0.to',
        expected: /counts from a birth but the definition is per resident/,
        change: (program) => (program.definitions[0].per = 'resident'),
      },
      {
        field: 'programs.0.definitions.0.windows.0.minimumMinutes',
        expected: /7800 is above the window cap 7680/,
        change: (program) => (program.definitions[0].windows[0].minimumMinutes = 130 * HOUR),
      },
      {
        field: 'programs.0.definitions.0.windows.0.services.0',
        expected: /names unknown service "nanny"/,
        change: (program) => (program.definitions[0].windows[0].services = ['nanny']),
      },
      {
        field: 'programs.0.definitions.0.windows.0.serviceMinutes.doula',
        expected: /names service "doula" that the window does not pay for/,
        change: (program) => (program.definitions[0].windows[0].services = ['home_helper']),
      },
      {
        field: 'programs.0.definitions.0.windows.0.to.anchor',
        expected: /is invalid/,
        change: (program) => (program.definitions[0].windows[0].to = { anchor: 'wedding' }),
      },
      {
        field: 'programs.0.visit.dailyMinutes.nanny',
        expected: /names unknown service "nanny"/,
        change: (program) => Object.assign(program.visit, { dailyMinutes: { nanny: 120 } }),
      },
      {
        field: 'programs.0.copayment.tiers',
        expected: /declares tier "I" twice/,
        change: (program) =>
          Object.assign(program, {
            copayment: {
              tiers: [
                { code: 'I', name: { ja: 'I', en: 'I' }, yenPerUnit: 0 },
                { code: 'I', name: { ja: 'I', en: 'I' }, yenPerUnit: 100 },
              ],
            },
          }),
      },
      {
        field: 'programs.0.definitions.0.windows.0.totalMinutes',
        expected: /is invalid/,
        change: (program) => (program.definitions[0].windows[0].totalMinutes = -60),
      },
    ])
    .run(async ({ assert }, { field, expected, change }) => {
      const program = validProgram()
      change(program)
      const error = await refusal('child_care', { ...validManifest(), programs: [program] })
      assert.equal(error.field, field)
      assert.match(error.message, expected)
      assert.match(error.message, /^Plugin "child_care": field /)
    })

  test('two programs with one code are refused', async ({ assert }) => {
    const error = await refusal('child_care', {
      ...validManifest(),
      programs: [validProgram(), validProgram()],
    })
    assert.equal(error.field, 'programs')
    assert.match(error.message, /declares program "postpartum" twice/)
  })
})

type ManifestChange = (manifest: Record<string, unknown>) => void

const field = (key: string, type: string, extra: Record<string, unknown> = {}) => ({
  key,
  type,
  label: { ja: '質問', en: 'Question' },
  required: true,
  ...extra,
})

test.group('Plugin manifest validation: forms, CSV, permissions', () => {
  test('{field}: {expected}')
    .with<{ field: string; expected: RegExp; change: ManifestChange }[]>([
      {
        field: 'applicationForm.fields.0.options',
        expected: /are required for choice/,
        change: (manifest) => (manifest.applicationForm = { fields: [field('reason', 'choice')] }),
      },
      {
        field: 'applicationForm.fields',
        expected: /declares "notes" twice/,
        change: (manifest) =>
          (manifest.applicationForm = {
            fields: [field('notes', 'text'), field('notes', 'textarea')],
          }),
      },
      {
        field: 'survey.questions.0.min',
        expected: /5 is above max 1/,
        change: (manifest) =>
          (manifest.survey = { questions: [field('stars', 'rating', { min: 5, max: 1 })] }),
      },
      {
        field: 'csv.export.0.columns.0.field',
        expected: /is invalid/,
        change: (manifest) =>
          (manifest.csv = {
            export: [
              {
                key: 'usage',
                name: { ja: '実績', en: 'Usage' },
                columns: [{ field: 'password_hash', header: { ja: 'x', en: 'x' } }],
              },
            ],
          }),
      },
      {
        field: 'permissions.0.roles.0',
        expected: /is invalid/,
        change: (manifest) =>
          (manifest.permissions = [
            { key: 'issue', name: { ja: '発行', en: 'Issue' }, roles: ['superuser'] },
          ]),
      },
      {
        field: 'permissions',
        expected: /declares "issue" twice/,
        change: (manifest) =>
          (manifest.permissions = [
            { key: 'issue', name: { ja: '発行', en: 'Issue' }, roles: ['municipal_staff'] },
            { key: 'issue', name: { ja: '発行', en: 'Issue' }, roles: ['municipal_admin'] },
          ]),
      },
    ])
    .run(async ({ assert }, { field: expectedField, expected, change }) => {
      const manifest: Record<string, unknown> = validManifest()
      change(manifest)
      const error = await refusal('child_care', manifest)
      assert.equal(error.field, expectedField)
      assert.match(error.message, expected)
    })
})
