/*
| Staff console: applications. Residents' applications to programs, the
| review with the plugin form's answers, approval (issues the program's
| default grant) and rejection with a reason the resident sees.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const ApplicationsController = () => import('#applications/staff_applications_controller')

router
  .group(() => {
    router.get('/applications', [ApplicationsController, 'index']).as('applications.index')
    router
      .get('/applications/:application', [ApplicationsController, 'show'])
      .where('application', idMatcher)
      .as('applications.show')
    router
      .post('/applications/:application/approve', [ApplicationsController, 'approve'])
      .where('application', idMatcher)
      .as('applications.approve')
    router
      .post('/applications/:application/reject', [ApplicationsController, 'reject'])
      .where('application', idMatcher)
      .as('applications.reject')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])
