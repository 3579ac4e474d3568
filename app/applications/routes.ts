/*
| Applications: the staff review and decision, and the resident's side
| (apply to a program, follow and withdraw an application).
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const StaffApplicationsController = () => import('#applications/staff_applications_controller')
const StaffApplicationDecisionsController = () =>
  import('#applications/staff_application_decisions_controller')
const ResidentApplyController = () => import('#applications/resident_apply_controller')
const ResidentApplicationsController = () =>
  import('#applications/resident_applications_controller')

/*
| Staff console: applications. Residents' applications to programs, the
| review with the plugin form's answers, approval (issues the program's
| default grant) and rejection with a reason the resident sees.
*/
router
  .group(() => {
    router.get('/applications', [StaffApplicationsController, 'index']).as('applications.index')
    router
      .get('/applications/:application', [StaffApplicationsController, 'show'])
      .where('application', idMatcher)
      .as('applications.show')
    router
      .post('/applications/:application/approve', [StaffApplicationDecisionsController, 'approve'])
      .where('application', idMatcher)
      .as('applications.approve')
    router
      .post('/applications/:application/reject', [StaffApplicationDecisionsController, 'reject'])
      .where('application', idMatcher)
      .as('applications.reject')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])

/*
| Resident app: applications. The programs the municipality offers, the
| program's own application form, the resident's applications with their
| decision, and taking back one nobody has decided yet.
*/
const ID = /^[a-z0-9_]{1,64}$/

router
  .group(() => {
    router.get('/my/apply', [ResidentApplyController, 'index']).as('my.apply.index')
    router
      .get('/my/apply/:plugin/:program', [ResidentApplyController, 'create'])
      .where('plugin', ID)
      .where('program', ID)
      .as('my.apply.create')
    router
      .post('/my/apply/:plugin/:program', [ResidentApplyController, 'store'])
      .where('plugin', ID)
      .where('program', ID)
      .as('my.apply.store')
    router
      .get('/my/applications', [ResidentApplicationsController, 'list'])
      .as('my.applications.index')
    router
      .get('/my/applications/:ownApplication', [ResidentApplicationsController, 'show'])
      .where('ownApplication', idMatcher)
      .as('my.applications.show')
    router
      .post('/my/applications/:ownApplication/withdraw', [
        ResidentApplicationsController,
        'withdraw',
      ])
      .where('ownApplication', idMatcher)
      .as('my.applications.withdraw')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.resident()])
