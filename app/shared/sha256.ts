import { createHash } from 'node:crypto'

/**
 * SHA-256 of a text, as lowercase hex (64 characters).
 */
export function sha256Hex(value: string) {
  return createHash('sha256').update(value).digest('hex')
}
