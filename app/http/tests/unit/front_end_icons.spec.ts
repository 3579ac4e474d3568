import { test } from '@japa/runner'
import { glob, readFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'

/*
| Emoji are not icons: phones draw them in colours of their own, and a
| screen reader reads them out ("hourglass not done"). Marks beside words
| are text symbols (✓ ⚠ …), hidden from screen readers.
*/
test.group('Front-end icons', () => {
  test('no page or component draws an emoji', async ({ assert }) => {
    const found: string[] = []
    for (const pattern of ['resources/js/**/*.vue', 'plugins/*/ui/**/*.vue']) {
      for await (const path of glob(pattern, { cwd: app.makePath() })) {
        const text = await readFile(app.makePath(path), 'utf8')
        for (const match of text.matchAll(/\p{Emoji_Presentation}/gu)) {
          found.push(`${path}: ${match[0]}`)
        }
      }
    }
    assert.deepEqual(found, [])
  })
})
