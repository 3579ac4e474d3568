import { definePlugin } from '#plugin_host/define_plugin'

/**
 * A tiny plugin that exists to prove the wiring in the test suites:
 * its route, migration, page, translations, job and tests all load
 * through the same paths a real program plugin uses.
 */
export default definePlugin({
  id: 'sample_program',
  version: '0.1.0',
  requiresCore: '^1.0.0',
  name: { ja: 'サンプル制度', en: 'Sample program' },
  programs: [
    {
      code: 'sample',
      name: { ja: 'サンプル制度', en: 'Sample program' },
      unit: { label: { ja: '回', en: 'visits' }, minutes: 60 },
      services: [{ code: 'visit', name: { ja: '訪問', en: 'Visit' } }],
      deductionPriority: ['visit'],
      visit: { minutes: [60, 120], perDay: 1, from: '09:00', to: '17:00' },
      definitions: [
        {
          version: 'v1',
          name: { ja: '初版', en: 'First edition' },
          effectiveFrom: '2026-04-01',
          per: 'resident',
          windows: [
            {
              key: 'fiscal_year',
              name: { ja: '年度', en: 'Fiscal year' },
              from: { anchor: 'issue' },
              to: { anchor: 'fiscal_year_end' },
              totalMinutes: 600,
            },
          ],
        },
      ],
      defaultDefinition: 'v1',
    },
  ],
  routes: () => import('./routes.js'),
  jobs: {
    'sample_program:record_note': () => import('./jobs/record_note_job.js'),
  },
})
