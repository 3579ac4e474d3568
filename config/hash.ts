import { defineConfig, drivers } from '@adonisjs/core/hash'

/*
| scrypt at N = 2^17, r = 8, p = 1: the OWASP / ASVS 5.0 minimum. The framework
| default (N = 2^14) is below it. N * r * 128 bytes = 128 MiB per hash, so the
| memory ceiling is raised above that.
*/
export const SCRYPT_COST = 2 ** 17
const SCRYPT_BLOCK_SIZE = 8

const hashConfig = defineConfig({
  default: 'scrypt',
  list: {
    scrypt: drivers.scrypt({
      cost: SCRYPT_COST,
      blockSize: SCRYPT_BLOCK_SIZE,
      parallelization: 1,
      saltSize: 16,
      keyLength: 64,
      maxMemory: SCRYPT_COST * SCRYPT_BLOCK_SIZE * 128 * 2,
    }),
  },
})

export default hashConfig

declare module '@adonisjs/core/types' {
  export interface HashersList extends InferHashers<typeof hashConfig> {}
}
