import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'
import OidcClient from '#oidc/oidc_client'
import OidcClients from '#oidc/oidc_clients'

/** A client of the victim municipality (Minato), registered when it has none */
async function victimClient(municipalityId: number) {
  const found = await OidcClient.query().where('municipality_id', municipalityId).first()
  if (found) return found
  const { client } = await OidcClients.create({
    municipalityId,
    name: 'みなと保育予約',
    redirectUris: ['https://nursery.example/callback'],
    allowedScopes: ['openid', 'profile'],
    type: 'public',
  })
  return client
}

/** Staff console: 連携サービス (administrators); resident app: 連携しているサービス */
export const rules: TenantRouteRules = {
  roles: {
    'tenant.oidc_clients.index': ['municipal_admin'],
    'tenant.oidc_clients.create': ['municipal_admin'],
    'tenant.oidc_clients.edit': ['municipal_admin'],
    'tenant.my.services.index': ['resident'],
  },
  victimIds: {
    oidcClient: async (victim) => {
      const client = await victimClient(victim.id)
      return client.id
    },
    linkedClient: async (victim) => {
      const client = await victimClient(victim.id)
      return client.id
    },
  },
}
