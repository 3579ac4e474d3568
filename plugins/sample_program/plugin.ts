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
  routes: () => import('./routes.js'),
  jobs: {
    'sample_program:record_note': () => import('./jobs/record_note_job.js'),
  },
})
