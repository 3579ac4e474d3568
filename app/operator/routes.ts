/*
| The platform operator's console (tenants and their plugins).
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const OperatorMunicipalitiesController = () =>
  import('#operator/operator_municipalities_controller')

router
  .group(() => {
    router
      .get('/municipalities', [OperatorMunicipalitiesController, 'index'])
      .as('municipalities.index')
    router
      .post('/municipalities', [OperatorMunicipalitiesController, 'store'])
      .as('municipalities.store')
    router
      .put('/municipalities/:id/plugins', [OperatorMunicipalitiesController, 'updatePlugins'])
      .where('id', idMatcher)
      .as('municipalities.plugins')
    router
      .post('/municipalities/:id/admins', [OperatorMunicipalitiesController, 'inviteAdmin'])
      .where('id', idMatcher)
      .as('municipalities.admins')
  })
  .prefix('/operator')
  .as('operator')
  .use(middleware.auth())
