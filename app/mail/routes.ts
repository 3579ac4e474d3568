/*
| The local outbox of the embedded default: in development only, and only
| for a browser on this machine (it holds reset links).
*/
import app from '@adonisjs/core/services/app'
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const OutboxController = () => import('#mail/outbox_controller')

if (app.inDev) {
  router
    .get('/dev/outbox', [OutboxController, 'index'])
    .as('dev.outbox')
    .use(middleware.localOnly())
}
