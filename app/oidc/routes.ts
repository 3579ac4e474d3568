/*
| Tomoni as each municipality's OpenID Provider (issue 19): the sign-in and
| consent pages (Tomoni's session), then everything else under the issuer
| handed to oidc-provider (session-free: app/http/session_free_routes.ts).
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const OidcEndpointController = () => import('#oidc/oidc_endpoint_controller')
const OidcInteractionsController = () => import('#oidc/oidc_interactions_controller')

const UID = /^[\w-]{1,100}$/

router
  .group(() => {
    router
      .get('/interaction/:uid', [OidcInteractionsController, 'show'])
      .where('uid', UID)
      .as('oidc.interaction')
    router
      .post('/interaction/:uid/confirm', [OidcInteractionsController, 'confirm'])
      .where('uid', UID)
      .as('oidc.consent')
    router
      .post('/interaction/:uid/abort', [OidcInteractionsController, 'abort'])
      .where('uid', UID)
      .as('oidc.abort')
    router.any('/*', [OidcEndpointController, 'handle']).as('oidc.endpoint')
  })
  .prefix('/m/:municipality/oidc')

const StaffOidcClientsController = () => import('#oidc/staff_oidc_clients_controller')
const ResidentLinkedServicesController = () => import('#oidc/resident_linked_services_controller')

/*
| Staff console: 連携サービス（OIDCクライアント）, for the municipality's administrators.
*/
router
  .group(() => {
    router.get('/oidc-clients', [StaffOidcClientsController, 'index']).as('oidc_clients.index')
    router
      .get('/oidc-clients/new', [StaffOidcClientsController, 'create'])
      .as('oidc_clients.create')
    router.post('/oidc-clients', [StaffOidcClientsController, 'store']).as('oidc_clients.store')
    router
      .get('/oidc-clients/:oidcClient/edit', [StaffOidcClientsController, 'edit'])
      .where('oidcClient', idMatcher)
      .as('oidc_clients.edit')
    router
      .put('/oidc-clients/:oidcClient', [StaffOidcClientsController, 'update'])
      .where('oidcClient', idMatcher)
      .as('oidc_clients.update')
    router
      .post('/oidc-clients/:oidcClient/disable', [StaffOidcClientsController, 'disable'])
      .where('oidcClient', idMatcher)
      .as('oidc_clients.disable')
    router
      .post('/oidc-clients/:oidcClient/enable', [StaffOidcClientsController, 'enable'])
      .where('oidcClient', idMatcher)
      .as('oidc_clients.enable')
    router
      .post('/oidc-clients/:oidcClient/secret', [StaffOidcClientsController, 'rotate'])
      .where('oidcClient', idMatcher)
      .as('oidc_clients.rotate')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])

/*
| Resident app: 連携しているサービス, the resident's own grants.
*/
router
  .group(() => {
    router.get('/my/services', [ResidentLinkedServicesController, 'index']).as('my.services.index')
    router
      .post('/my/services/:linkedClient/revoke', [ResidentLinkedServicesController, 'revoke'])
      .where('linkedClient', idMatcher)
      .as('my.services.revoke')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.resident()])
