import { BasePolicy } from '@adonisjs/bouncer'
import type User from '#identity/user'
import Membership from '#identity/membership'

export default class PlatformPolicy extends BasePolicy {
  /**
   * Platform operators add municipalities and enable plugins; they do not
   * see residents' data.
   */
  async operate(user: User) {
    const membership = await Membership.query()
      .where('user_id', user.id)
      .where('role', 'platform_operator')
      .first()
    return membership !== null
  }
}
