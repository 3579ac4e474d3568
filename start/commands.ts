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
import BackupCreate from '#backup/backup_create_command'
import BackupRestore from '#backup/backup_restore_command'
import BackupVerify from '#backup/backup_verify_command'
import JobsList from '#csv/jobs_list_command'
import JobsRetry from '#csv/jobs_retry_command'
import LedgerVerify from '#ledger/ledger_verify_command'
import MakePlugin from '#plugin_host/make_plugin_command'
import OidcRotateKeys from '#oidc/oidc_rotate_keys_command'
import OperatorCreate from '#operator/operator_create_command'
import QueueWork from '#queue/queue_work_command'
import ResidentsImport from '#residents/residents_import_command'

const loader = new ListLoader([
  AuditVerify,
  BackupCreate,
  BackupRestore,
  BackupVerify,
  JobsList,
  JobsRetry,
  LedgerVerify,
  MakePlugin,
  OidcRotateKeys,
  OperatorCreate,
  QueueWork,
  ResidentsImport,
])

export function getMetaData() {
  return loader.getMetaData()
}

export function getCommand(metaData: CommandMetaData) {
  return loader.getCommand(metaData)
}
