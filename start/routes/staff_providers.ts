/*
| Staff console: providers (事業者) and their facilities, coupon
| definitions (制度版) and statistics.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const ProvidersController = () => import('#providers/staff_providers_controller')
const DefinitionsController = () => import('#coupons/staff_definitions_controller')
const StatisticsController = () => import('#statistics/staff_statistics_controller')

const code = { match: /^[a-z0-9_]+$/ }

router
  .group(() => {
    router.get('/providers', [ProvidersController, 'index']).as('providers.index')
    router.get('/providers/new', [ProvidersController, 'create']).as('providers.create')
    router.post('/providers', [ProvidersController, 'store']).as('providers.store')
    router
      .get('/providers/:provider', [ProvidersController, 'show'])
      .where('provider', idMatcher)
      .as('providers.show')
    router
      .put('/providers/:provider', [ProvidersController, 'update'])
      .where('provider', idMatcher)
      .as('providers.update')
    router
      .post('/providers/:provider/facilities', [ProvidersController, 'storeFacility'])
      .where('provider', idMatcher)
      .as('providers.facilities.store')
    router
      .put('/providers/:provider/facilities/:facility', [ProvidersController, 'updateFacility'])
      .where('provider', idMatcher)
      .where('facility', idMatcher)
      .as('providers.facilities.update')
    router
      .put('/providers/:provider/contracts', [ProvidersController, 'contracts'])
      .where('provider', idMatcher)
      .as('providers.contracts')
    router
      .post('/providers/:provider/staff', [ProvidersController, 'storeStaff'])
      .where('provider', idMatcher)
      .as('providers.staff.store')

    router.get('/definitions', [DefinitionsController, 'index']).as('definitions.index')
    router
      .put('/definitions/:plugin/:program', [DefinitionsController, 'switch'])
      .where('plugin', code)
      .where('program', code)
      .as('definitions.switch')

    router.get('/statistics', [StatisticsController, 'index']).as('statistics.index')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])
