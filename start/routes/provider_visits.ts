/*
| Provider console: visits. Choose the municipality (and facility) to work
| in, start a visit and show its QR and short code until the resident
| confirms, look up a resident's hours. Everything acts for the provider
| the signed-in member of staff works for here (ctx.provider).
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const VisitsController = () => import('#visits/provider_visits_controller')

// Where to work, for staff of providers in several municipalities.
router.get('/provider', [VisitsController, 'choose']).as('provider.choose').use(middleware.auth())

router
  .group(() => {
    router.get('/', [VisitsController, 'index']).as('provider.index')
    router.post('/visits', [VisitsController, 'store']).as('provider.visits.store')
    router
      .get('/visits/:providerVisitToken', [VisitsController, 'show'])
      .where('providerVisitToken', idMatcher)
      .as('provider.visits.show')
    router.get('/residents', [VisitsController, 'lookup']).as('provider.residents.lookup')
  })
  .prefix('/m/:municipality/provider')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.provider()])
