import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import * as oidc from 'openid-client'
import Municipality from '#tenancy/municipality'
import Resident from '#residents/resident'
import OidcClients from '#oidc/oidc_clients'
import { chainKeyFor } from '#audit/audit_event_input'
import { createMember } from '#tests/helpers/tenants'
import { newResident } from '#tests/helpers/ledger_residents'
import { OidcBrowser, authorizationRequest, relyingParty } from '#tests/helpers/oidc_flow'
import { rejection } from '#tests/helpers/oidc_refusals'

const NURSERY = 'https://nursery.example/callback'

async function nurseryClient() {
  const minato = await Municipality.findByOrFail('slug', 'minato')
  return OidcClients.create({
    municipalityId: minato.id,
    name: 'みなと保育予約',
    logoText: '保育',
    redirectUris: [NURSERY],
    allowedScopes: ['openid', 'offline_access', 'profile', 'email', 'phone', 'tomoni:balances'],
    type: 'public',
    // LIKE's wildcards in the id: found as they are, no other client's grants
    clientId: 'minato_nursery%1',
  })
}

/** Hanako signs in to the nursery site through Tomoni and allows it: her browser and tokens */
async function hanakoLinked(client: ApiClient, config: oidc.Configuration) {
  const browser = await OidcBrowser.signedIn(client, 'hanako@example.jp')
  const request = await authorizationRequest(
    config,
    NURSERY,
    'openid profile email offline_access',
    { prompt: 'consent' }
  )
  const first = await browser.follow(request.url, NURSERY)
  if (first.kind !== 'consent') throw new Error(`no consent asked: ${first.kind}`)
  const done = await browser.answer(first, true, NURSERY)
  if (done.kind !== 'callback') throw new Error(`no callback: ${done.kind}`)
  const tokens = await oidc.authorizationCodeGrant(config, done.url, {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
  })
  return { browser, tokens }
}

test.group('Resident app: 連携しているサービス', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a service the resident allowed is listed with what it receives, then revoking ends its tokens and consent is asked again', async ({
    client,
    assert,
  }) => {
    const { client: rp } = await nurseryClient()
    const config = await relyingParty('minato', rp.clientId)
    const { browser, tokens } = await hanakoLinked(client, config)
    assert.isString(tokens.refresh_token)

    const profile = await browser.session.get('/m/minato/my/profile')
    assert.equal(profile.status(), 200)
    const page = await browser.session.get('/m/minato/my/services')
    assert.equal(page.status(), 200)
    assert.equal(page.body().component, 'oidc/resident/services')
    const [service, ...others] = page.body().props.services
    assert.lengthOf(others, 0)
    assert.equal(service.id, rp.id)
    assert.equal(service.name, 'みなと保育予約')
    assert.equal(service.logoText, '保育')
    assert.deepEqual(service.scopes, ['openid', 'offline_access', 'profile', 'email'])
    assert.isString(service.allowedAt)
    assert.isString(service.lastUsedAt)
    assert.isFalse(service.disabled)

    const revoked = await browser.session.post(`/m/minato/my/services/${rp.id}/revoke`)
    assert.oneOf(revoked.status(), [302, 303])
    const after = await browser.session.get('/m/minato/my/services')
    assert.deepEqual(after.body().props.services, [])

    // The refresh token is refused at the token endpoint
    assert.equal(
      await rejection(oidc.refreshTokenGrant(config, tokens.refresh_token!)),
      'invalid_grant'
    )
    // Audited in the hash chain, about Hanako
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const hanako = await Resident.findByOrFail({
      municipalityId: minato.id,
      residentNumber: 'MN-000101',
    })
    const event = await db
      .from('audit_events')
      .where('chain_key', chainKeyFor(minato.id))
      .where('action', 'oidc.grant_revoked')
      .firstOrFail()
    assert.equal(Number(event.subject_resident_id), hanako.id)
    assert.equal(event.actor_role, 'resident')
    assert.equal(event.purpose, 'service_linkage')

    // Next time the service asks, the resident is asked to consent again
    const next = await authorizationRequest(config, NURSERY, 'openid profile')
    const outcome = await browser.follow(next.url, NURSERY)
    assert.equal(outcome.kind, 'consent')
    if (outcome.kind !== 'consent') return
    const done = await browser.answer(outcome, true, NURSERY)
    assert.equal(done.kind, 'callback')
    const listed = await browser.session.get('/m/minato/my/services')
    assert.lengthOf(listed.body().props.services, 1)
  })

  test('another resident neither sees nor revokes it (404, audited)', async ({
    client,
    assert,
  }) => {
    const { client: rp } = await nurseryClient()
    const config = await relyingParty('minato', rp.clientId)
    const { tokens } = await hanakoLinked(client, config)

    const minato = await Municipality.findByOrFail('slug', 'minato')
    const jiro = await createMember(minato, 'resident', 'jiro@example.jp')
    const record = await newResident(minato, {
      prefix: 'MN',
      familyName: '港',
      givenNameStem: '次郎',
      familyNameKana: 'ミナト',
      givenNameKana: 'ジロウ',
    })
    record.userId = jiro.id
    await record.save()
    const other = await OidcBrowser.signedIn(client, 'jiro@example.jp')
    const page = await other.session.get('/m/minato/my/services')
    assert.equal(page.status(), 200)
    assert.deepEqual(page.body().props.services, [])
    const refused = await other.session.post(`/m/minato/my/services/${rp.id}/revoke`)
    assert.equal(refused.status(), 404)
    const event = await db
      .from('audit_events')
      .where('chain_key', chainKeyFor(minato.id))
      .orderBy('sequence', 'desc')
      .firstOrFail()
    assert.equal(event.action, 'oidc_client.not_found')
    assert.equal(event.outcome, 'denied')

    // Hanako's tokens still work
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!)
    assert.isString(refreshed.access_token)
  })
})
