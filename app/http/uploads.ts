import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * The only routes that take files (multipart bodies), by route pattern: a
 * multipart body anywhere else is refused before it is read
 * (MultipartGuardMiddleware).
 */
export const UPLOAD_ROUTES: readonly string[] = ['/m/:municipality/csv/imports']

/**
 * Uploads are read by the route itself, after its sign-in and authorization
 * checks (the body parser never processes multipart bodies:
 * config/bodyparser.ts), into a private folder (0700, files 0600) that is
 * removed when the response has been sent or the connection dropped.
 */
export default class Uploads {
  static accepts(routePattern: string | undefined) {
    return routePattern !== undefined && UPLOAD_ROUTES.includes(routePattern)
  }

  /** Reads the multipart body: its fields become the request body, its files request.file() */
  static async receive({ request, response }: HttpContext) {
    if (!request.multipart || !request.hasBody()) return
    const folder = await mkdtemp(join(tmpdir(), 'tomoni-upload-'))
    response.response.once('close', () => {
      rm(folder, { recursive: true, force: true }).catch(() => {})
    })
    request.multipart.onFile('*', { deferValidations: true }, async (part, reporter) => {
      try {
        const tmpPath = join(folder, randomUUID())
        part.pause()
        part.on('data', reporter)
        await pipeline(part, createWriteStream(tmpPath, { mode: 0o600, flags: 'wx' }))
        return { tmpPath }
      } catch (error) {
        request.multipart.abort(error)
      }
    })
    await request.multipart.process()
  }
}
