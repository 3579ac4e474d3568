/*
| Visits, both sides of one visit: the resident scans and confirms it and
| answers the survey; the provider starts it, looks up the resident's hours
| and approves, rejects or corrects it.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const ResidentScanController = () => import('#visits/resident_scan_controller')
const ResidentVisitsController = () => import('#visits/resident_visits_controller')
const ResidentSurveysController = () => import('#visits/resident_surveys_controller')
const ProviderVisitsController = () => import('#visits/provider_visits_controller')
const ProviderResidentLookupController = () => import('#visits/provider_resident_lookup_controller')
const ProviderApprovalsController = () => import('#visits/provider_approvals_controller')
const ProviderCorrectionsController = () => import('#visits/provider_corrections_controller')

/*
| Resident app: visits. Scan the provider's visit QR (or type its short
| code), check and confirm the visit, follow it to approval, answer the
| survey. Everything acts on the signed-in account's own resident record.
*/
// A short address for "use a visit": the account's own municipality's scan page.
router.get('/scan', [ResidentScanController, 'chooseScan']).as('my.scan').use(middleware.auth())

router
  .group(() => {
    router.get('/my/scan', [ResidentScanController, 'scan']).as('my.scan')
    router.post('/my/visit', [ResidentScanController, 'store']).as('my.visit.store')
    router
      .get('/my/visits/:visit', [ResidentVisitsController, 'visit'])
      .where('visit', idMatcher)
      .as('my.visits.show')
    router
      .post('/my/visits/:visit/correction', [ResidentVisitsController, 'confirmCorrection'])
      .where('visit', idMatcher)
      .as('my.visits.correction_confirm')
    router
      .get('/my/visits/:visit/survey', [ResidentSurveysController, 'show'])
      .where('visit', idMatcher)
      .as('my.visits.survey')
    router
      .post('/my/visits/:visit/survey', [ResidentSurveysController, 'store'])
      .where('visit', idMatcher)
      .as('my.visits.survey_store')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.resident()])

// The address a visit QR encodes: whoever is not signed in (or is nobody
// here yet) is asked to, calmly, and comes back to the visit afterwards.
router
  .get('/m/:municipality/my/visit', [ResidentScanController, 'show'])
  .as('tenant.my.visit.show')
  .use([middleware.visitArrival(), middleware.auth(), middleware.tenant(), middleware.resident()])

/*
| Provider console: visits. Choose the municipality (and facility) to work
| in, start a visit and show its QR and short code until the resident
| confirms, look up a resident's hours. Everything acts for the provider
| the signed-in member of staff works for here (ctx.provider).
*/
// Where to work, for staff of providers in several municipalities.
router
  .get('/provider', [ProviderVisitsController, 'choose'])
  .as('provider.choose')
  .use(middleware.auth())

router
  .group(() => {
    router.get('/', [ProviderVisitsController, 'index']).as('provider.index')
    router.post('/visits', [ProviderVisitsController, 'store']).as('provider.visits.store')
    router
      .get('/visits/:providerVisitToken', [ProviderVisitsController, 'show'])
      .where('providerVisitToken', idMatcher)
      .as('provider.visits.show')
    router
      .get('/residents', [ProviderResidentLookupController, 'lookup'])
      .as('provider.residents.lookup')
  })
  .prefix('/m/:municipality/provider')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.provider()])

/*
| Provider console: the approval queue (使用承認). The provider's visits
| waiting for approval, approved or rejected with a reason, their hours
| corrected before approval. Always the signed-in staff member's own
| provider (ctx.provider), never one from the URL.
*/
router
  .group(() => {
    router.get('/approvals', [ProviderApprovalsController, 'index']).as('provider.approvals.index')
    router
      .get('/approvals/:providerVisit', [ProviderApprovalsController, 'show'])
      .where('providerVisit', idMatcher)
      .as('provider.approvals.show')
    router
      .post('/approvals/:providerVisit/approve', [ProviderApprovalsController, 'approve'])
      .where('providerVisit', idMatcher)
      .as('provider.approvals.approve')
    router
      .post('/approvals/:providerVisit/reject', [ProviderApprovalsController, 'reject'])
      .where('providerVisit', idMatcher)
      .as('provider.approvals.reject')
    router
      .post('/approvals/:providerVisit/correct', [ProviderCorrectionsController, 'correct'])
      .where('providerVisit', idMatcher)
      .as('provider.approvals.correct')
  })
  .prefix('/m/:municipality/provider')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.provider()])
