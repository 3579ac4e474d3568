import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import { nodeVersionRefusal } from '../../node_version.js'
import { PRODUCTION_SCRIPTS, productionPackage } from '../../production_package_hook.js'

/*
| What an operator gets from the production build: a package.json whose
| scripts run the server and the worker, a `npm ci --omit=dev` that brings
| Node 24, and a plain refusal when started with another Node.
*/

const packageJson = JSON.parse(
  await readFile(new URL('../../../package.json', import.meta.url), 'utf8')
)

test.group('The production install brings its Node', () => {
  test('the "node" runtime package is a dependency, not a devDependency', ({ assert }) => {
    assert.equal(packageJson.dependencies.node, '^24')
    assert.notProperty(packageJson.devDependencies, 'node')
  })

  test("the build's scripts start the server and the worker, and nothing of development", ({
    assert,
  }) => {
    const built = productionPackage(packageJson)
    assert.deepEqual(built.scripts, PRODUCTION_SCRIPTS)
    assert.equal(built.scripts.start, 'node bin/server.js')
    assert.equal(built.scripts.worker, 'node ace.js queue:work')
    assert.notProperty(built.scripts, 'postinstall')
    // npm ci checks these against the lockfile
    assert.deepEqual(built.dependencies, packageJson.dependencies)
    assert.deepEqual(built.devDependencies, packageJson.devDependencies)
  })
})

test.group('Started with another Node, the app refuses', () => {
  test('Node 20 is refused with the Node to use instead', ({ assert }) => {
    const refusal = nodeVersionRefusal('v20.20.2', packageJson.engines.node, '/usr/bin/node')
    assert.include(refusal, 'Tomoni needs Node >=24 <25')
    assert.include(refusal, 'this is Node v20.20.2 (/usr/bin/node)')
    assert.include(refusal, 'node_modules/.bin/node bin/server.js')
  })

  test('Node 25 is refused too: only the major the app is tested on runs', ({ assert }) => {
    assert.isString(nodeVersionRefusal('v25.0.0', packageJson.engines.node, '/opt/node'))
  })

  test('any Node 24 runs', ({ assert }) => {
    assert.isUndefined(nodeVersionRefusal('v24.0.0', packageJson.engines.node, '/x/node'))
    assert.isUndefined(nodeVersionRefusal(process.version, packageJson.engines.node, '/x/node'))
  })
})
