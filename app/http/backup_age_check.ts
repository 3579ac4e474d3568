import { BaseCheck, Result } from '@adonisjs/core/health'
import type { HealthCheckResult } from '@adonisjs/core/types/health'

/** When the last backup succeeded (null: never) */
export type LastSuccessfulBackupAt = () => Promise<Date | null>

/**
 * The last successful backup is recent. A warning only: a node with an old
 * backup still serves (the alerts tell the operator).
 */
export class BackupAgeCheck extends BaseCheck {
  name = 'Backup age check'

  constructor(
    private lastSuccessfulBackupAt: LastSuccessfulBackupAt,
    private warnAfterHours: number
  ) {
    super()
  }

  async run(): Promise<HealthCheckResult> {
    const at = await this.lastSuccessfulBackupAt()
    if (!at) return Result.warning('no successful backup yet')
    const ageHours = Math.floor((Date.now() - at.getTime()) / 3_600_000)
    const meta = { lastSuccessfulBackupAt: at.toISOString(), ageHours }
    if (ageHours >= this.warnAfterHours) {
      return Result.warning(`the last successful backup is ${ageHours} h old`).mergeMetaData(meta)
    }
    return Result.ok(`the last successful backup is ${ageHours} h old`).mergeMetaData(meta)
  }
}
