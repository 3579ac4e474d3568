import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

const REFUSALS = {
  account_exists: 'An account with this email address exists already; nothing was changed',
  unknown_municipality: 'No municipality with this code',
  admin_exists:
    'This municipality has an administrator already: that administrator adds the next one',
} as const

/**
 * Creates the first platform operator, or with --municipality a
 * municipality's first administrator: production seeds no accounts. Asks
 * for the password twice (the sign-up rules), or with --invite mails a
 * link to set it. No default password. Exits 1 on any refusal.
 */
export default class OperatorCreate extends BaseCommand {
  static commandName = 'operator:create'
  static description = "Create the first platform operator (or a municipality's first admin)"

  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Email address of the account' })
  declare email: string

  @flags.string({ description: 'Full name' })
  declare name: string

  @flags.string({ description: 'Language of the account and its mails: ja (default) or en' })
  declare locale?: string

  @flags.string({
    description: 'Municipality code (全国地方公共団体コード): create its first administrator',
  })
  declare municipality?: string

  @flags.boolean({ description: 'Mail a link to set the password instead of asking for it' })
  declare invite: boolean

  async run() {
    const { errors } = await import('@vinejs/vine')
    const { firstAccountValidator, firstPasswordValidator } =
      await import('#operator/first_account_validator')
    const { default: FirstAccounts, FirstAccountRefusal } = await import('#operator/first_accounts')
    try {
      const input = await firstAccountValidator.validate({
        email: this.email ?? '',
        full_name: this.name ?? '',
        locale: this.locale ?? 'ja',
      })
      let password: string | undefined
      if (!this.invite) {
        const typed = await this.prompt.secure('Password (8 characters or more)')
        const again = await this.prompt.secure('The same password again')
        const checked = await firstPasswordValidator.validate({
          password: typed,
          password_confirmation: again,
        })
        password = checked.password
      }
      const created = await FirstAccounts.create({
        email: input.email,
        fullName: input.full_name,
        locale: input.locale,
        municipalityCode: this.municipality,
        password,
      })
      const where = created.municipality ? ` of ${created.municipality.code}` : ''
      this.logger.success(`Created ${created.role}${where}: ${created.user.email}`)
      if (created.invited) this.logger.info('Mailed a link to set the password (72 hours)')
      this.logger.info('At the first sign-in the account sets up two-step verification')
    } catch (error) {
      if (error instanceof errors.E_VALIDATION_ERROR) {
        for (const message of error.messages as { field: string; message: string }[]) {
          this.logger.error(`${message.field}: ${message.message}`)
        }
      } else if (error instanceof FirstAccountRefusal) {
        this.logger.error(REFUSALS[error.code])
      } else {
        throw error
      }
      this.exitCode = 1
    }
  }
}
