import encryption from '@adonisjs/core/services/encryption'
import db from '@adonisjs/lucid/services/db'
import AuditTrail from '#audit/audit_trail'
import { staffEvent, type StaffAction } from '#audit/staff_action'
import StaffSignInProvider from '#staff_sign_in/staff_sign_in_provider'
import StaffSignInRefusal from '#staff_sign_in/staff_sign_in_refusal'
import { connectUpstream, UpstreamUnusable } from '#staff_sign_in/upstream_client'

export type StaffSignInSettingsInput = {
  issuer: string
  clientId: string
  /** Undefined: keep the secret already set */
  clientSecret?: string
  identifierClaim: string
  trustMfa: boolean
  mfaAcrValues: string
  passwordSignInOff: boolean
}

/** The settings as the page shows them: the secret only as "set" */
export function settingsView(provider: StaffSignInProvider | null) {
  if (!provider) return null
  return {
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecretSet: true,
    identifierClaim: provider.identifierClaim,
    trustMfa: provider.trustMfa,
    mfaAcrValues: provider.mfaAcrValues,
    passwordSignInOff: provider.passwordSignInOff,
  }
}

const AUDITED_FIELDS = [
  'issuer',
  'clientId',
  'identifierClaim',
  'trustMfa',
  'mfaAcrValues',
  'passwordSignInOff',
] as const

/**
 * A municipality's identity provider for its staff, set by its
 * administrators. The provider's discovery must answer before anything is
 * saved; the secret is stored encrypted; every change is audited (the
 * secret only as "changed").
 */
export default class StaffSignInSettings {
  static async save(municipalityId: number, input: StaffSignInSettingsInput, by: StaffAction) {
    const existing = await StaffSignInProvider.findBy('municipalityId', municipalityId)
    const secret =
      input.clientSecret || (existing ? encryption.decrypt<string>(existing.clientSecret) : null)
    if (!secret) throw new StaffSignInRefusal('secret_required')

    try {
      await connectUpstream(input.issuer, input.clientId, secret)
    } catch (error) {
      if (error instanceof UpstreamUnusable) throw new StaffSignInRefusal(error.reason)
      throw error
    }

    const after = {
      issuer: input.issuer,
      clientId: input.clientId,
      identifierClaim: input.identifierClaim,
      trustMfa: input.trustMfa,
      mfaAcrValues: input.mfaAcrValues.split(/\s+/).filter(Boolean).join(' '),
      passwordSignInOff: input.passwordSignInOff,
    }
    const changes: Record<string, unknown> = {}
    for (const field of AUDITED_FIELDS) {
      const before = existing ? existing[field] : null
      if (before !== after[field]) changes[snake(field)] = { before, after: after[field] }
    }
    if (input.clientSecret) changes.client_secret = 'changed'
    if (Object.keys(changes).length === 0) return false

    await db.transaction(async (trx) => {
      const provider = existing ?? new StaffSignInProvider()
      provider.useTransaction(trx)
      provider.merge({ municipalityId, ...after })
      if (input.clientSecret) provider.clientSecret = encryption.encrypt(input.clientSecret)
      await provider.save()
      await AuditTrail.record(
        staffEvent(municipalityId, by, {
          action: 'staff_sign_in.settings_changed',
          purpose: 'settings_administration',
          details: { ...changes, created: !existing },
        }),
        trx
      )
    })
    return true
  }
}

function snake(name: string) {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)
}
