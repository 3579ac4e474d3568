import type { HttpContext } from '@adonisjs/core/http'
import type User from '#identity/user'

/** Why an account may not sign in with its password here: a message key and its values */
export type LocalSignInRefusal = { message: string; values?: Record<string, unknown> }

/** Answers whether an account's own password (or sign-in link) may sign it in */
export type LocalSignInGate = (user: User) => Promise<LocalSignInRefusal | null>

/** Another way to sign in that the sign-in page offers (a municipality's own IdP) */
export type SignInOption = { label: string; href: string }

type SignInOptions = (ctx: HttpContext) => Promise<SignInOption[]>

const gates: LocalSignInGate[] = []
const optionSources: SignInOptions[] = []

/**
 * Extension points of the sign-in, registered at boot by start/sign_in.ts:
 * identity knows no feature. A feature (staff_sign_in) may refuse the
 * local password for some accounts and offer other ways in on the page.
 */
export function registerLocalSignInGate(gate: LocalSignInGate) {
  gates.push(gate)
}

export function registerSignInOptions(source: SignInOptions) {
  optionSources.push(source)
}

/** The first refusal of a registered gate, or null: the password may sign in */
export async function localSignInRefusal(user: User) {
  for (const gate of gates) {
    const refusal = await gate(user)
    if (refusal) return refusal
  }
  return null
}

/** The other ways in, for the sign-in page */
export async function signInOptions(ctx: HttpContext) {
  const options = await Promise.all(optionSources.map((source) => source(ctx)))
  return options.flat()
}
