/*
| Provider console: the approval queue (使用承認). The provider's visits
| waiting for approval, approved or rejected with a reason, their hours
| corrected before approval. Always the signed-in staff member's own
| provider (ctx.provider), never one from the URL.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const ApprovalsController = () => import('#visits/provider_approvals_controller')

router
  .group(() => {
    router.get('/approvals', [ApprovalsController, 'index']).as('provider.approvals.index')
    router
      .get('/approvals/:providerVisit', [ApprovalsController, 'show'])
      .where('providerVisit', idMatcher)
      .as('provider.approvals.show')
    router
      .post('/approvals/:providerVisit/approve', [ApprovalsController, 'approve'])
      .where('providerVisit', idMatcher)
      .as('provider.approvals.approve')
    router
      .post('/approvals/:providerVisit/reject', [ApprovalsController, 'reject'])
      .where('providerVisit', idMatcher)
      .as('provider.approvals.reject')
    router
      .post('/approvals/:providerVisit/correct', [ApprovalsController, 'correct'])
      .where('providerVisit', idMatcher)
      .as('provider.approvals.correct')
  })
  .prefix('/m/:municipality/provider')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.provider()])
