import { test } from '@japa/runner'
import { Scrypt } from '@adonisjs/core/hash/drivers/scrypt'
import hash from '@adonisjs/core/services/hash'
import { scryptOptions } from '#config/hash'

const PASSWORD = 'correct horse battery staple'

test.group('Password hashing', () => {
  for (const environment of ['production', 'development']) {
    test(`${environment}: passwords are hashed with scrypt at N = 2^17 (ASVS 5.0 minimum)`, async ({
      assert,
    }) => {
      const hasher = new Scrypt(scryptOptions(environment))
      const digest = await hasher.make(PASSWORD)
      assert.match(digest, /^\$scrypt\$n=131072,r=8,p=1\$/)
      assert.isTrue(await hasher.verify(digest, PASSWORD))
      assert.isFalse(await hasher.verify(digest, `${PASSWORD}r`))
    })
  }

  test('a hash of either cost verifies by the parameters stored with it', async ({ assert }) => {
    const stored = await new Scrypt(scryptOptions('production')).make(PASSWORD)
    assert.isTrue(await hash.verify(stored, PASSWORD), 'the test hasher reads a 2^17 hash')
    assert.isFalse(await hash.verify(stored, 'correct horse'))
  })
})
