/*
| Event listeners: where a core module tells the features something
| (ARCHITECTURE.md, "direction").
*/
import emitter from '@adonisjs/core/services/emitter'

const RedemptionNoticeListener = () => import('#visits/redemption_notice_listener')

emitter.on('ledger:redemption_decided', [RedemptionNoticeListener, 'handle'])

// Alerts to the operators (app/alerts): failed jobs, silent workers, backups, 5xx
const AlertListener = () => import('#alerts/alert_listener')

emitter.on('queue:job_failed', [AlertListener, 'jobFailed'])
emitter.on('queue:job_succeeded', [AlertListener, 'jobSucceeded'])
emitter.on('queue:worker_heartbeat', [AlertListener, 'workerHeartbeat'])
emitter.on('backup:failed', [AlertListener, 'backupFailed'])
emitter.on('backup:succeeded', [AlertListener, 'backupSucceeded'])
emitter.on('http:request_completed', [AlertListener, 'requestCompleted'])
