import { test } from '@japa/runner'
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { serverAddress } from '../../server_address.js'
import { afterInstallMessage } from '../../after_install.js'

/*
| What a newcomer sees on a fresh clone: `npm install` says what happened
| and what to run next, and `npm start` announces the address it serves on.
*/

const ENV_FILE = 'NODE_ENV=development\nPORT=4123\nHOST=localhost\nAPP_KEY=x\n'

test.group('npm start announces where it serves', () => {
  test('the port of .env', ({ assert }) => {
    assert.equal(serverAddress(ENV_FILE, {}), 'http://localhost:4123')
  })

  test('a port set in the environment wins over .env, as it does for the server', ({ assert }) => {
    assert.equal(serverAddress(ENV_FILE, { PORT: '5000' }), 'http://localhost:5000')
  })

  test('a server on every interface is announced as localhost', ({ assert }) => {
    assert.equal(serverAddress('PORT=3999\nHOST=0.0.0.0\n', {}), 'http://localhost:3999')
  })

  test('without PORT anywhere, the default 3333', ({ assert }) => {
    assert.equal(serverAddress('HOST=127.0.0.1\n', {}), 'http://127.0.0.1:3333')
  })
})

test.group('npm install ends by saying what happened', () => {
  test('under an older system Node, the engine warnings are explained as expected', ({
    assert,
  }) => {
    const message = afterInstallMessage('npm/11.19.1 node/v20.20.2 linux x64 workspaces/false')
    assert.include(message, 'v20.20.2')
    assert.include(message, 'EBADENGINE')
    assert.include(message, 'npm error')
    assert.match(message.trimEnd().split('\n').slice(-3).join('\n'), /npm start[\s\S]*npm test/)
  })

  test('under Node 24 there is nothing to explain, only what to run next', ({ assert }) => {
    const message = afterInstallMessage('npm/11.19.1 node/v24.21.0 linux x64')
    assert.notInclude(message, 'EBADENGINE')
    assert.include(message, 'npm start')
  })

  test('every installed package with an install script is approved in allowScripts', async ({
    assert,
  }) => {
    // npm 12 skips unapproved install scripts: sqlite3 and node would not build
    const manifest = JSON.parse(await readFile('package.json', 'utf8'))
    const approved = new Set(Object.keys(manifest.allowScripts ?? {}))
    const unapproved: string[] = []
    const visit = async (folder: string) => {
      for (const entry of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
        if (!entry.isDirectory() || entry.name.startsWith('.')) continue
        const path = join(folder, entry.name)
        if (entry.name.startsWith('@')) {
          await visit(path)
          continue
        }
        const packageFile = join(path, 'package.json')
        if (!existsSync(packageFile)) continue
        const found = JSON.parse(await readFile(packageFile, 'utf8'))
        const scripts = found.scripts ?? {}
        const builds =
          scripts.preinstall ||
          scripts.install ||
          scripts.postinstall ||
          existsSync(join(path, 'binding.gyp'))
        if (builds && !approved.has(found.name)) unapproved.push(`${found.name}@${found.version}`)
        await visit(join(path, 'node_modules'))
      }
    }
    await visit('node_modules')
    assert.deepEqual(unapproved, [])
    assert.isTrue(approved.has('sqlite3'))
  }).timeout(30_000)
})
