/*
| Resident app: applications. The programs the municipality offers, the
| program's own application form, the resident's applications with their
| decision, and taking back one nobody has decided yet.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const ApplicationsController = () => import('#applications/resident_applications_controller')

const ID = /^[a-z0-9_]{1,64}$/

router
  .group(() => {
    router.get('/my/apply', [ApplicationsController, 'index']).as('my.apply.index')
    router
      .get('/my/apply/:plugin/:program', [ApplicationsController, 'create'])
      .where('plugin', ID)
      .where('program', ID)
      .as('my.apply.create')
    router
      .post('/my/apply/:plugin/:program', [ApplicationsController, 'store'])
      .where('plugin', ID)
      .where('program', ID)
      .as('my.apply.store')
    router.get('/my/applications', [ApplicationsController, 'list']).as('my.applications.index')
    router
      .get('/my/applications/:ownApplication', [ApplicationsController, 'show'])
      .where('ownApplication', idMatcher)
      .as('my.applications.show')
    router
      .post('/my/applications/:ownApplication/withdraw', [ApplicationsController, 'withdraw'])
      .where('ownApplication', idMatcher)
      .as('my.applications.withdraw')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.resident()])
