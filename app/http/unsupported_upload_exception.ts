import { Exception } from '@adonisjs/core/exceptions'
import i18nManager from '@adonisjs/i18n/services/main'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * A multipart body sent to a route that takes no files: 415 with a
 * translated reason (JSON for JSON clients), before anything is read.
 */
export default class UnsupportedUploadException extends Exception {
  static status = 415
  static code = 'E_UNSUPPORTED_UPLOAD'

  async handle(_: this, ctx: HttpContext) {
    const i18n = ctx.i18n ?? i18nManager.locale(i18nManager.defaultLocale)
    const message = i18n.t('ui.errors.unsupported_upload.body')
    ctx.response.status(415)
    if (ctx.request.accepts(['html', 'json']) === 'json') {
      return ctx.response.send({ errors: [{ message }] })
    }
    return ctx.response.send(message)
  }
}
