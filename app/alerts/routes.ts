/*
| The operator console's alerts page.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const OperatorAlertsController = () => import('#alerts/operator_alerts_controller')

router
  .get('/operator/alerts', [OperatorAlertsController, 'index'])
  .as('operator.alerts.index')
  .use(middleware.auth())
