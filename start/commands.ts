/*
|--------------------------------------------------------------------------
| The app's ace commands
|--------------------------------------------------------------------------
|
| Each command sits in its module as `*_command.ts`; Ace's folder loader
| reads one folder only, so they are listed here.
|
*/
import { ListLoader } from '@adonisjs/core/ace'
import type { CommandMetaData } from '@adonisjs/core/types/ace'
import AuditVerify from '#operator/audit_verify_command'
import JobsList from '#csv/jobs_list_command'
import JobsRetry from '#csv/jobs_retry_command'
import LedgerVerify from '#ledger/ledger_verify_command'
import MakePlugin from '#plugin_host/make_plugin_command'
import QueueWork from '#queue/queue_work_command'
import ResidentsImport from '#residents/residents_import_command'

const loader = new ListLoader([
  AuditVerify,
  JobsList,
  JobsRetry,
  LedgerVerify,
  MakePlugin,
  QueueWork,
  ResidentsImport,
])

export function getMetaData() {
  return loader.getMetaData()
}

export function getCommand(metaData: CommandMetaData) {
  return loader.getCommand(metaData)
}
