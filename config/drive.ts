import env from '#start/env'
import { defineConfig } from '@adonisjs/drive'
import { S3Driver } from '@adonisjs/drive/drivers/s3'
import type { S3DriverOptions } from '@adonisjs/drive/drivers/s3/types'

/**
 * The S3-compatible storage that keeps a copy of each backup, from the
 * BACKUP_S3_* variables. Used only when BACKUP_S3_BUCKET is set (the
 * backups check it first); without it nothing is sent anywhere.
 */
export function backupS3Options(): S3DriverOptions {
  const endpoint = env.get('BACKUP_S3_ENDPOINT')
  const accessKeyId = env.get('BACKUP_S3_ACCESS_KEY_ID')
  const secretAccessKey = env.get('BACKUP_S3_SECRET_ACCESS_KEY')?.release()
  return {
    bucket: env.get('BACKUP_S3_BUCKET') ?? '',
    region: env.get('BACKUP_S3_REGION') || 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: env.get('BACKUP_S3_PATH_STYLE') ?? false,
    // Without keys: the SDK's own chain (instance role, ~/.aws, AWS_* variables)
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
    visibility: 'private',
    // Buckets with ACLs disabled (the default on AWS) refuse them
    supportsACL: false,
    // S3-compatible services that do not know the SDK's newer checksum trailers
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  }
}

const driveConfig = defineConfig({
  default: 's3',
  services: {
    // Made when first used (a backup with BACKUP_S3_BUCKET set), from the
    // environment as it is then
    s3: () => new S3Driver(backupS3Options()),
  },
})

export default driveConfig

declare module '@adonisjs/drive/types' {
  export interface DriveDisks extends InferDriveDisks<typeof driveConfig> {}
}
