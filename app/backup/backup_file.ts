import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { open, rename, rm, stat } from 'node:fs/promises'
import { Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createZstdCompress, createZstdDecompress } from 'node:zlib'
import BackupRefusal from '#backup/backup_refusal'
import type { BackupManifest } from '#backup/backup_manifest'

/*
| One backup file:
|   "TOMONIBK" | format (1 byte) | header length (uint32 BE) | header (JSON)
|   | AES-256-GCM ciphertext of the zstd-compressed database copy | GCM tag (16 bytes)
| The header (salt, IV, key check, manifest) is the GCM's additional data:
| readable without the key (to list backups), but a changed byte anywhere
| fails the tag. The AES key is derived from BACKUP_KEY and the file's salt.
*/
const MAGIC = Buffer.from('TOMONIBK')
const FORMAT = 1
const PREFIX_BYTES = MAGIC.length + 1 + 4
const TAG_BYTES = 16
const MAX_HEADER_BYTES = 4 * 1024 * 1024

export const BACKUP_EXTENSION = '.tomoni-backup'

type Header = {
  cipher: 'aes-256-gcm'
  compression: 'zstd'
  salt: string
  iv: string
  keyCheck: string
  manifest: BackupManifest
}

export type OpenedBackup = {
  header: Header
  manifest: BackupManifest
  dataStart: number
  size: number
  aad: Buffer
}

function derive(backupKey: string, salt: Buffer) {
  const secret = Buffer.from(backupKey)
  return {
    aesKey: Buffer.from(hkdfSync('sha256', secret, salt, 'tomoni-backup aes-256-gcm', 32)),
    keyCheck: Buffer.from(hkdfSync('sha256', secret, salt, 'tomoni-backup key check', 16)),
  }
}

/** Hashes what passes through */
function hashing(hash: ReturnType<typeof createHash>) {
  return new Transform({
    transform(chunk, _encoding, done) {
      hash.update(chunk)
      done(null, chunk)
    },
  })
}

export async function sha256OfFile(path: string) {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk)
  return hash.digest('hex')
}

/**
 * Writes the database copy at `payloadPath` as an encrypted backup at
 * `target` (through `target.partial`, renamed when complete: a file with
 * the backup extension is always whole).
 */
export async function writeBackupFile(
  target: string,
  payloadPath: string,
  manifest: BackupManifest,
  backupKey: string
) {
  const salt = randomBytes(16)
  const iv = randomBytes(12)
  const { aesKey, keyCheck } = derive(backupKey, salt)
  const header: Header = {
    cipher: 'aes-256-gcm',
    compression: 'zstd',
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    keyCheck: keyCheck.toString('base64'),
    manifest,
  }
  const headerBytes = Buffer.from(JSON.stringify(header))
  const length = Buffer.alloc(4)
  length.writeUInt32BE(headerBytes.length)
  const aad = Buffer.concat([MAGIC, Buffer.from([FORMAT]), length, headerBytes])

  const cipher = createCipheriv('aes-256-gcm', aesKey, iv)
  cipher.setAAD(aad)
  const partial = `${target}.partial`
  const file = await open(partial, 'w')
  try {
    await file.write(aad)
    await pipeline(createReadStream(payloadPath), createZstdCompress(), cipher, async (chunks) => {
      for await (const chunk of chunks) await file.write(chunk)
    })
    await file.write(cipher.getAuthTag())
    await file.sync()
    await file.close()
  } catch (error) {
    await file.close().catch(() => {})
    await rm(partial, { force: true })
    throw error
  }
  await rename(partial, target)
}

/**
 * Reads a backup's header (no key needed): refuses what is not a backup.
 */
export async function openBackupFile(path: string): Promise<OpenedBackup> {
  const notABackup = () => new BackupRefusal('not_a_backup', 'not_a_backup', { path })
  const { size } = await stat(path).catch(() => {
    throw new BackupRefusal('not_a_backup', 'no_such_file', { path })
  })
  const file = await open(path, 'r')
  try {
    const prefix = Buffer.alloc(PREFIX_BYTES)
    const { bytesRead } = await file.read(prefix, 0, PREFIX_BYTES, 0)
    if (bytesRead < PREFIX_BYTES || !prefix.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw notABackup()
    }
    if (prefix[MAGIC.length] !== FORMAT) {
      throw new BackupRefusal('not_a_backup', 'other_format', {
        path,
        format: prefix[MAGIC.length],
      })
    }
    const headerLength = prefix.readUInt32BE(MAGIC.length + 1)
    if (headerLength > MAX_HEADER_BYTES) throw notABackup()
    if (PREFIX_BYTES + headerLength + TAG_BYTES >= size) {
      throw new BackupRefusal('damaged', 'truncated', { path })
    }
    const headerBytes = Buffer.alloc(headerLength)
    await file.read(headerBytes, 0, headerLength, PREFIX_BYTES)
    let header: Header
    try {
      header = JSON.parse(headerBytes.toString('utf8'))
    } catch {
      throw new BackupRefusal('damaged', 'header_damaged', { path })
    }
    if (header?.manifest?.app !== 'tomoni') throw notABackup()
    return {
      header,
      manifest: header.manifest,
      dataStart: PREFIX_BYTES + headerLength,
      size,
      aad: Buffer.concat([prefix, headerBytes]),
    }
  } finally {
    await file.close()
  }
}

/**
 * Decrypts and decompresses the backup at `path` into `outPath` (null: only
 * checks it), then checks the GCM tag and the manifest's sha256. On any
 * refusal `outPath` is removed: nothing of a damaged or foreign file is
 * ever used.
 */
export async function decryptBackupFile(path: string, backupKey: string, outPath: string | null) {
  const discard = () =>
    new Writable({
      write(_chunk, _encoding, done) {
        done()
      },
    })
  const removeOut = () => (outPath ? rm(outPath, { force: true }) : Promise.resolve())
  const opened = await openBackupFile(path)
  const { header, size, dataStart } = opened
  const { aesKey, keyCheck } = derive(backupKey, Buffer.from(header.salt, 'base64'))
  const expectedCheck = Buffer.from(String(header.keyCheck), 'base64')
  if (expectedCheck.length !== keyCheck.length || !timingSafeEqual(expectedCheck, keyCheck)) {
    throw new BackupRefusal('wrong_key', 'wrong_key', { path })
  }
  const damaged = () => new BackupRefusal('damaged', 'damaged', { path })

  const tag = Buffer.alloc(TAG_BYTES)
  const file = await open(path, 'r')
  await file.read(tag, 0, TAG_BYTES, size - TAG_BYTES)
  await file.close()

  const decipher = createDecipheriv('aes-256-gcm', aesKey, Buffer.from(header.iv, 'base64'))
  decipher.setAAD(opened.aad)
  decipher.setAuthTag(tag)
  const hash = createHash('sha256')
  try {
    await pipeline(
      createReadStream(path, { start: dataStart, end: size - TAG_BYTES - 1 }),
      decipher,
      createZstdDecompress(),
      hashing(hash),
      outPath ? createWriteStream(outPath) : discard()
    )
  } catch {
    await removeOut()
    throw damaged()
  }
  if (hash.digest('hex') !== opened.manifest.payloadSha256) {
    await removeOut()
    throw damaged()
  }
  return opened.manifest
}
