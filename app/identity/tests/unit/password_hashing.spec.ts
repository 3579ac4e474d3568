import { test } from '@japa/runner'
import hash from '@adonisjs/core/services/hash'
import User from '#identity/user'

test.group('Password hashing', () => {
  test('passwords are hashed with scrypt at N = 2^17 (ASVS 5.0 minimum)', async ({ assert }) => {
    const digest = await hash.make('correct horse battery staple')
    assert.match(digest, /^\$scrypt\$n=131072,r=8,p=1\$/)
    assert.isTrue(await hash.verify(digest, 'correct horse battery staple'))
    assert.isFalse(await hash.verify(digest, 'correct horse battery stapler'))
  })

  test('stored demo passwords use the same parameters', async ({ assert }) => {
    const user = await User.findByOrFail('email', 'hanako@example.jp')
    assert.match(user.password, /^\$scrypt\$n=131072,r=8,p=1\$/)
  })
})
