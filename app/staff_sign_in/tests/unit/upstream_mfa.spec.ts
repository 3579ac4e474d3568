import { test } from '@japa/runner'
import { upstreamAssertsMfa } from '#staff_sign_in/upstream_mfa'

test.group('Multi-factor sign-in asserted by the identity provider', () => {
  test('amr and acr in the ID token: {$i}')
    .with([
      { amr: ['pwd', 'mfa'], acr: undefined, expected: true },
      { amr: ['pwd', 'otp'], acr: undefined, expected: true },
      { amr: ['hwk'], acr: undefined, expected: true },
      { amr: ['pwd'], acr: undefined, expected: false },
      { amr: undefined, acr: undefined, expected: false },
      { amr: 'mfa', acr: undefined, expected: false },
      { amr: ['pwd'], acr: 'urn:minato:loa:2', expected: true },
      { amr: ['pwd'], acr: 'urn:minato:loa:1', expected: false },
    ])
    .run(({ assert }, { amr, acr, expected }) => {
      assert.equal(upstreamAssertsMfa({ amr, acr }, ['urn:minato:loa:2']), expected)
    })
})
