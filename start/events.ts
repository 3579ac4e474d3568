/*
| Event listeners: where a core module tells the features something
| (ARCHITECTURE.md, "direction").
*/
import emitter from '@adonisjs/core/services/emitter'

const RedemptionNoticeListener = () => import('#visits/redemption_notice_listener')

emitter.on('ledger:redemption_decided', [RedemptionNoticeListener, 'handle'])
