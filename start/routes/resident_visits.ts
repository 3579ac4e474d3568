/*
| Resident app: visits. Scan the provider's visit QR (or type its short
| code), check and confirm the visit, follow it to approval, answer the
| survey. Everything acts on the signed-in account's own resident record.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const VisitsController = () => import('#visits/resident_visits_controller')
const SurveysController = () => import('#visits/resident_surveys_controller')

// A short address for "use a visit": the account's own municipality's scan page.
router.get('/scan', [VisitsController, 'chooseScan']).as('my.scan').use(middleware.auth())

router
  .group(() => {
    router.get('/my/scan', [VisitsController, 'scan']).as('my.scan')
    router.get('/my/visit', [VisitsController, 'show']).as('my.visit.show')
    router.post('/my/visit', [VisitsController, 'store']).as('my.visit.store')
    router
      .get('/my/visits/:visit', [VisitsController, 'visit'])
      .where('visit', idMatcher)
      .as('my.visits.show')
    router
      .get('/my/visits/:visit/survey', [SurveysController, 'show'])
      .where('visit', idMatcher)
      .as('my.visits.survey')
    router
      .post('/my/visits/:visit/survey', [SurveysController, 'store'])
      .where('visit', idMatcher)
      .as('my.visits.survey_store')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.resident()])
