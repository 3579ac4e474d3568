import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import i18nManager from '@adonisjs/i18n/services/main'
import User from '#identity/user'
import Membership from '#identity/membership'
import AccountToken from '#identity/account_token'
import { accountLinks } from '#identity/account_links'
import AccountMail from '#mail/account_mail'
import AuditTrail from '#audit/audit_trail'
import Municipality from '#tenancy/municipality'

export type FirstAccountRefusalCode = 'account_exists' | 'unknown_municipality' | 'admin_exists'

export class FirstAccountRefusal extends Error {
  constructor(readonly code: FirstAccountRefusalCode) {
    super(`First account refused: ${code}`)
  }
}

export type FirstAccountInput = {
  email: string
  fullName: string
  locale: string
  /** A municipality's code for its first administrator; none for a platform operator */
  municipalityCode?: string
  /** The password typed at the console; none to mail a link that sets it */
  password?: string
}

/**
 * The accounts production starts from (`node ace operator:create`): the
 * first platform operator, or a municipality's first administrator. There
 * is no default password: either the operator typed one, or the account
 * gets an unknown random one and a mailed link (72 hours) to set its own.
 * Audited on the platform's or the municipality's chain.
 */
export default class FirstAccounts {
  static async create(input: FirstAccountInput) {
    const email = input.email.trim().toLowerCase()
    const municipality = input.municipalityCode
      ? await Municipality.findBy('code', input.municipalityCode)
      : null
    if (input.municipalityCode && !municipality) {
      throw new FirstAccountRefusal('unknown_municipality')
    }
    if (await User.findBy('email', email)) throw new FirstAccountRefusal('account_exists')
    if (municipality) {
      const admin = await Membership.query()
        .where('municipality_id', municipality.id)
        .where('role', 'municipal_admin')
        .whereNull('disabled_at')
        .first()
      if (admin) throw new FirstAccountRefusal('admin_exists')
    }
    const role = municipality ? 'municipal_admin' : 'platform_operator'

    const { user, secret } = await db.transaction(async (trx) => {
      const created = await User.create(
        {
          email,
          fullName: input.fullName,
          preferredLocale: input.locale,
          password: input.password ?? randomBytes(32).toString('base64url'),
          // A typed password is the operator's own word; a mailed link proves the mailbox
          emailVerifiedAt: input.password ? DateTime.now() : null,
        },
        { client: trx }
      )
      await Membership.create(
        { userId: created.id, municipalityId: municipality?.id ?? null, role },
        { client: trx }
      )
      const invitation = input.password
        ? null
        : await AccountToken.issue(created, 'invitation', { client: trx })
      await AuditTrail.record(
        {
          municipalityId: municipality?.id ?? null,
          action: municipality ? 'municipality.admin_created' : 'operator.created',
          source: { channel: 'cli' },
          details: { user_id: created.id, invited: invitation !== null },
        },
        trx
      )
      return { user: created, secret: invitation }
    })

    if (secret) {
      const i18n = i18nManager.locale(user.preferredLocale)
      await mail.sendLater(
        new AccountMail({
          to: user.email,
          locale: user.preferredLocale,
          kind: 'account_created',
          link: accountLinks.resetPassword(secret),
          values: {
            name: user.fullName,
            role: municipality
              ? `${municipality.nameIn(i18n.locale)} ${i18n.t('ui.roles.municipal_admin')}`
              : i18n.t('ui.roles.platform_operator'),
          },
        })
      )
    }
    return { user, role, municipality, invited: secret !== null }
  }
}
