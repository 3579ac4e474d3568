import { writeFile } from 'node:fs/promises'
import { DateTime } from 'luxon'
import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'
import CsvJobs from '#csv/csv_jobs'
import User from '#identity/user'

const STAFF_CONSOLE = ['municipal_admin', 'municipal_staff'] as const

/** Staff console: CSV import and export */
export const rules: TenantRouteRules = {
  roles: {
    'tenant.csv.index': [...STAFF_CONSOLE],
    'tenant.csv.jobs.show': [...STAFF_CONSOLE],
    'tenant.csv.jobs.download': [...STAFF_CONSOLE],
  },
  victimIds: {
    // A finished export of the victim municipality, with a small file
    job: async (victim) => {
      const staff = await User.findByOrFail('email', 'staff@minato.example')
      const path = await CsvJobs.newFileName('csv')
      await writeFile(CsvJobs.pathOf(path), '\uFEFF施設,利用日\r\n')
      const job = await CsvJobs.create({
        municipalityId: victim.id,
        kind: 'export_facility_month',
        params: {
          request: { format: 'facility_month', month: '2026-11' },
          encoding: 'utf8_bom',
          locale: 'ja',
        },
        requestedByUserId: staff.id,
      })
      job.merge({
        status: 'done',
        filePath: path,
        fileName: `施設別利用実績_${victim.code}_2026-11.csv`,
        result: { rows: 0, asciiName: `facility_usage_${victim.code}_2026-11.csv` },
        finishedAt: DateTime.now(),
      })
      await job.save()
      return job.id
    },
  },
}
