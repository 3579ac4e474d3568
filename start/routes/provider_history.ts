/*
| Provider console: monthly history (月次実績) with totals and
| co-payments, the month's CSV exports (job page, download) and the
| provider's memos. Always for ctx.provider (middleware.provider()).
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { idMatcher } from '#start/route_matchers'

const HistoryController = () => import('#providers/provider_history_controller')
const MemosController = () => import('#providers/provider_memos_controller')

router
  .group(() => {
    router.get('/history', [HistoryController, 'index']).as('provider.history.index')
    router.post('/exports', [HistoryController, 'exportStore']).as('provider.exports.store')
    router
      .get('/exports/:providerExport', [HistoryController, 'exportShow'])
      .where('providerExport', idMatcher)
      .as('provider.exports.show')
    router
      .get('/exports/:providerExport/download', [HistoryController, 'exportDownload'])
      .where('providerExport', idMatcher)
      .as('provider.exports.download')
    router.get('/memos', [MemosController, 'index']).as('provider.memos.index')
    router.post('/memos', [MemosController, 'store']).as('provider.memos.store')
    router
      .post('/memos/:memo/delete', [MemosController, 'destroy'])
      .where('memo', idMatcher)
      .as('provider.memos.destroy')
  })
  .prefix('/m/:municipality/provider')
  .as('tenant')
  .use([middleware.auth(), middleware.tenant(), middleware.provider()])
