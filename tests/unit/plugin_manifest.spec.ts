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
