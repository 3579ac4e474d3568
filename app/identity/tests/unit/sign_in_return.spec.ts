import { test } from '@japa/runner'
import { safeReturnPath } from '#identity/sign_in_return'

test.group('Return paths after signing in', () => {
  test('a path of this app is kept, with its query', ({ assert }) => {
    assert.equal(
      safeReturnPath('/m/minato/my/visit?token=abc_-DEF'),
      '/m/minato/my/visit?token=abc_-DEF'
    )
    assert.equal(safeReturnPath('/'), '/')
  })

  test('anything that could leave the site is refused', ({ assert }) => {
    for (const value of [
      '//evil.example/x',
      '/\\evil.example/x',
      '/\\/evil.example',
      'https://evil.example/m/minato/my/visit',
      'javascript:alert(1)',
      'm/minato/my/visit',
      '',
      ' /m/minato',
      `/${'a'.repeat(2001)}`,
      null,
      42,
    ]) {
      assert.isNull(safeReturnPath(value), String(value))
    }
  })

  test('tabs and line breaks cannot smuggle a host in', ({ assert }) => {
    assert.isNull(safeReturnPath('/\t/evil.example'))
    assert.isNull(safeReturnPath('/\n/evil.example'))
  })
})
