import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import Uploads from '#http/uploads'
import UnsupportedUploadException from '#http/unsupported_upload_exception'

/**
 * Files only where a route takes them (UPLOAD_ROUTES): a multipart body
 * anywhere else is refused with 415 before a byte of it is read or written.
 */
export default class MultipartGuardMiddleware {
  async handle({ request, route }: HttpContext, next: NextFn) {
    if (request.multipart && request.hasBody() && !Uploads.accepts(route?.pattern)) {
      throw new UnsupportedUploadException('multipart body refused')
    }
    return next()
  }
}
