import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Adds new current signing keys for every municipality's OpenID Provider.
 * The previous keys stay in the JWKS (tokens they signed can still be
 * checked) until they have been retired a day; older ones are dropped.
 * Running servers pick the new keys up within a minute.
 */
export default class OidcRotateKeys extends BaseCommand {
  static commandName = 'oidc:rotate-keys'
  static description =
    'Sign tokens with new keys; keep the previous ones published until their tokens expired'

  static options: CommandOptions = { startApp: true }

  async run() {
    const { default: OidcSigningKeys } = await import('#oidc/oidc_signing_keys')
    const { added, dropped } = await OidcSigningKeys.rotate()
    this.logger.success(`New signing keys: ${added.join(', ')} (old keys dropped: ${dropped})`)
  }
}
