/*
| The municipality's audit trail, for its administrators (AuditTrailPolicy).
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const StaffAuditEventsController = () => import('#audit_viewer/staff_audit_events_controller')

router
  .group(() => {
    router.get('/audit', [StaffAuditEventsController, 'index']).as('audit.index')
    router.get('/audit/export', [StaffAuditEventsController, 'export']).as('audit.export')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])
