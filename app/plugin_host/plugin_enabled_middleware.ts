import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { errors as lucidErrors } from '@adonisjs/lucid'
import db from '@adonisjs/lucid/services/db'

/**
 * A program plugin's screens exist only in municipalities that enabled it;
 * elsewhere they answer 404, as if the program were not there.
 */
export default class PluginEnabledMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { pluginId: string }) {
    const enabled = await db
      .from('municipality_plugins')
      .where('municipality_id', ctx.tenant.municipalityId)
      .where('plugin_id', options.pluginId)
      .first()
    if (!enabled) throw new lucidErrors.E_ROW_NOT_FOUND()
    return next()
  }
}
