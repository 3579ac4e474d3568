/*
| Staff console: CSV in and out. Resident imports (upload, dry-run report,
| commit) and usage exports run as jobs with a progress page; exports are
| downloaded from their job when ready.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const CsvJobsController = () => import('#usage/staff_csv_jobs_controller')
const CsvImportsController = () => import('#residents/staff_resident_imports_controller')
const CsvExportsController = () => import('#usage/staff_csv_exports_controller')

router
  .group(() => {
    router.get('/csv', [CsvJobsController, 'index']).as('csv.index')
    router.post('/csv/imports', [CsvImportsController, 'store']).as('csv.imports.store')
    router.post('/csv/exports', [CsvExportsController, 'store']).as('csv.exports.store')
    router
      .get('/csv/jobs/:job', [CsvJobsController, 'show'])
      .where('job', idMatcher)
      .as('csv.jobs.show')
    router
      .post('/csv/jobs/:job/commit', [CsvJobsController, 'commit'])
      .where('job', idMatcher)
      .as('csv.jobs.commit')
    router
      .get('/csv/jobs/:job/download', [CsvJobsController, 'download'])
      .where('job', idMatcher)
      .as('csv.jobs.download')
  })
  .prefix('/m/:municipality')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant()])
