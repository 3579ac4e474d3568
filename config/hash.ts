import { defineConfig, drivers } from '@adonisjs/core/hash'
import env from '#start/env'

/*
| scrypt at N = 2^17, r = 8, p = 1: the OWASP / ASVS 5.0 minimum. The framework
| default (N = 2^14) is below it. N * r * 128 bytes = 128 MiB per hash, so the
| memory ceiling is raised above that.
|
| The test suite alone hashes at N = 2^14: it signs in some thousand times,
| and at 2^17 those hashes were most of its CPU. The algorithm, the format
| and every code path are the same; password_hashing.spec checks the
| parameters every other environment gets, and CI's production smoke test
| checks the hashes its seeded accounts were stored with.
*/
export const SCRYPT_COST = 2 ** 17
const TEST_SCRYPT_COST = 2 ** 14
const SCRYPT_BLOCK_SIZE = 8

export function scryptOptions(environment: string) {
  const cost = environment === 'test' ? TEST_SCRYPT_COST : SCRYPT_COST
  return {
    cost,
    blockSize: SCRYPT_BLOCK_SIZE,
    parallelization: 1,
    saltSize: 16,
    keyLength: 64,
    // The production ceiling everywhere, so that any environment reads a 2^17 hash
    maxMemory: SCRYPT_COST * SCRYPT_BLOCK_SIZE * 128 * 2,
  }
}

const hashConfig = defineConfig({
  default: 'scrypt',
  list: {
    scrypt: drivers.scrypt(scryptOptions(env.get('NODE_ENV'))),
  },
})

export default hashConfig

declare module '@adonisjs/core/types' {
  export interface HashersList extends InferHashers<typeof hashConfig> {}
}
