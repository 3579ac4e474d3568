/*
| Staff console: usage (every redemption of the municipality, 利用取消)
| and the CSV jobs (import reports and commits, usage exports).
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const StaffUsageController = () => import('#usage/staff_usage_controller')
const StaffCsvJobsController = () => import('#usage/staff_csv_jobs_controller')
const StaffCsvExportsController = () => import('#usage/staff_csv_exports_controller')

/*
| Staff console: usage (every redemption of the municipality, 利用取消).
*/
router
  .group(() => {
    router.get('/usage', [StaffUsageController, 'index']).as('usage.index')
    router
      .post('/usage/:redemption/cancel', [StaffUsageController, 'cancel'])
      .where('redemption', idMatcher)
      .as('usage.cancel')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])

/*
| Staff console: CSV jobs. Resident imports (dry-run report, commit) and
| usage exports run as jobs with a progress page; exports are downloaded
| from their job when ready.
*/
router
  .group(() => {
    router.get('/csv', [StaffCsvJobsController, 'index']).as('csv.index')
    router.post('/csv/exports', [StaffCsvExportsController, 'store']).as('csv.exports.store')
    router
      .get('/csv/jobs/:job', [StaffCsvJobsController, 'show'])
      .where('job', idMatcher)
      .as('csv.jobs.show')
    router
      .post('/csv/jobs/:job/commit', [StaffCsvJobsController, 'commit'])
      .where('job', idMatcher)
      .as('csv.jobs.commit')
    router
      .get('/csv/jobs/:job/download', [StaffCsvJobsController, 'download'])
      .where('job', idMatcher)
      .as('csv.jobs.download')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])
