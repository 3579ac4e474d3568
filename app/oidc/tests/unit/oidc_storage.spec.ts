import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import Municipality from '#tenancy/municipality'
import { lucidAdapterFor } from '#oidc/oidc_adapter'
import OidcPruneJob from '#oidc/oidc_prune_job'
import OidcClients, { hashClientSecret } from '#oidc/oidc_clients'
import OidcClient from '#oidc/oidc_client'
import OidcSigningKeys, { RETIRED_KEY_KEPT_MS } from '#oidc/oidc_signing_keys'
import { createSecondTenant } from '#tests/helpers/tenants'

test.group('OpenID Provider storage', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the adapter keeps each municipality apart, consumes, revokes by grant', async ({
    assert,
  }) => {
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const { municipality: shinjuku } = await createSecondTenant()
    const Minato = lucidAdapterFor(minato.id)
    const Shinjuku = lucidAdapterFor(shinjuku.id)
    const codes = new Minato('AuthorizationCode')
    await codes.upsert('code-1', { grantId: 'g1', uid: 'u1', accountId: '1' }, 60)
    await codes.upsert('code-1', { grantId: 'g1', uid: 'u1', accountId: '2' }, 60)

    assert.deepInclude(await codes.find('code-1'), { accountId: '2' })
    assert.isUndefined(await new Shinjuku('AuthorizationCode').find('code-1'))
    assert.isUndefined(await new Minato('AccessToken').find('code-1'))
    assert.deepInclude(await codes.findByUid('u1'), { grantId: 'g1' })

    await codes.consume('code-1')
    assert.isNumber((await codes.find('code-1'))!.consumed)

    await new Shinjuku('AuthorizationCode').upsert('code-2', { grantId: 'g1' }, 60)
    await codes.revokeByGrantId('g1')
    assert.isUndefined(await codes.find('code-1'))
    assert.isDefined(await new Shinjuku('AuthorizationCode').find('code-2'))
  })

  test('expired rows are not found, and the prune job deletes them', async ({ assert }) => {
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const sessions = new (lucidAdapterFor(minato.id))('Session')
    await sessions.upsert('old', { accountId: '1' }, 60)
    await sessions.upsert('new', { accountId: '1' }, 3600)
    await db
      .from('oidc_payloads')
      .where('id', 'old')
      .update({ expires_at: new Date(Date.now() - 1000) })
    assert.isUndefined(await sessions.find('old'))

    await new OidcPruneJob().handle()
    const left = await db.from('oidc_payloads').whereIn('id', ['old', 'new']).select('id')
    assert.deepEqual(
      left.map((row) => row.id),
      ['new']
    )
  })

  test("clients: only the municipality's own, not disabled; the secret is kept only as a hash", async ({
    assert,
  }) => {
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const { municipality: shinjuku } = await createSecondTenant()
    const { client, secret } = await OidcClients.create({
      municipalityId: minato.id,
      name: '健診',
      redirectUris: ['https://checkup.example/cb'],
      allowedScopes: ['openid', 'email', 'not-a-scope'],
      type: 'confidential',
    })
    assert.isString(secret)
    const row = await db.from('oidc_clients').where('id', client.id).first()
    assert.equal(row.secret_hash, hashClientSecret(secret!))
    assert.notInclude(JSON.stringify(row), secret!)
    assert.deepEqual(client.allowedScopes, ['openid', 'email'])

    const found = await new (lucidAdapterFor(minato.id))('Client').find(client.clientId)
    assert.equal(found!.scope, 'openid email')
    assert.isUndefined(await new (lucidAdapterFor(shinjuku.id))('Client').find(client.clientId))

    await OidcClient.query().where('id', client.id).update({ disabled_at: new Date() })
    assert.isUndefined(await new (lucidAdapterFor(minato.id))('Client').find(client.clientId))
  })

  test('keys: made on first use, encrypted at rest; rotation keeps the old ones published a day', async ({
    assert,
  }) => {
    await db.from('oidc_signing_keys').delete()
    const first = await OidcSigningKeys.jwks()
    assert.sameMembers(
      first.keys.map((key) => key.alg),
      ['RS256', 'ES256']
    )
    const stored = await db.from('oidc_signing_keys')
    for (const row of stored) assert.notInclude(row.private_jwk, '"d"')

    const now = new Date()
    await OidcSigningKeys.rotate(now)
    const rotated = await OidcSigningKeys.jwks()
    assert.lengthOf(rotated.keys, 4)
    // The new keys come first: they sign
    assert.notIncludeMembers(
      rotated.keys.slice(0, 2).map((key) => key.kid),
      first.keys.map((key) => key.kid)
    )

    // A rotation more than a day later drops the keys retired by the first
    await OidcSigningKeys.rotate(new Date(now.getTime() + RETIRED_KEY_KEPT_MS + 1000))
    const jwks = await OidcSigningKeys.jwks()
    const kids = jwks.keys.map((key) => key.kid)
    assert.lengthOf(kids, 4)
    assert.notIncludeMembers(
      kids,
      first.keys.map((key) => key.kid)
    )
  })
})
