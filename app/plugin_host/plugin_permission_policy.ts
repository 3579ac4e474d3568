import app from '@adonisjs/core/services/app'
import { BasePolicy } from '@adonisjs/bouncer'
import type User from '#identity/user'
import type TenantContext from '#tenancy/tenant_context'

export default class PluginPermissionPolicy extends BasePolicy {
  /**
   * A permission a plugin declares (e.g. postpartum_support "issue"): held by
   * the roles its manifest names, in this municipality.
   */
  async use(_: User, tenant: TenantContext, pluginId: string, permission: string) {
    const host = await app.container.make('plugins')
    const declared = host.get(pluginId)?.permissions?.find((entry) => entry.key === permission)
    return declared ? tenant.hasRole(...declared.roles) : false
  }
}
