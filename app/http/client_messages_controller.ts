import type { HttpContext } from '@adonisjs/core/http'
import app from '@adonisjs/core/services/app'
import ClientMessages from '#http/client_messages'
import { SUPPORTED_LOCALES } from '#config/i18n'

/**
 * The message catalogue of one language, fetched by the front end next to
 * its scripts instead of riding in every page. Its URL names the content's
 * version: that URL is cached for good; an older version (a page loaded
 * before a deployment) gets today's messages, revalidated each time.
 */
export default class ClientMessagesController {
  async show({ params, response }: HttpContext) {
    const locale = SUPPORTED_LOCALES.find((supported) => supported === params.locale)
    if (!locale) return response.notFound({ locale: params.locale })
    const plugins = await app.container.make('plugins')
    const catalogue = ClientMessages.catalogueFor(
      locale,
      plugins.plugins.map((plugin) => plugin.id)
    )
    response.header(
      'Cache-Control',
      params.version === catalogue.version ? 'public, max-age=31536000, immutable' : 'no-cache'
    )
    response.header('Content-Type', 'application/json; charset=utf-8')
    return response.send(catalogue.json)
  }
}
