import { errors as authErrors } from '@adonisjs/auth'
import User from '#identity/user'
import AuditTrail from '#audit/audit_trail'
import type { AuditSource } from '#audit/audit_event_input'
import AttemptThrottle, { LOGIN_RULES } from '#identity/attempt_throttle'
import { sha256Hex } from '#shared/sha256'
import type { AuditAction } from '#audit/audit_vocabulary'
import { localSignInRefusal, type LocalSignInRefusal } from '#identity/sign_in_extensions'

export type SignInResult =
  | { status: 'signed_in'; user: User }
  | { status: 'refused' }
  | { status: 'unverified' }
  | { status: 'local_refused'; refusal: LocalSignInRefusal }
  | { status: 'throttled'; rule: string; retryAfterSeconds: number }

/**
 * Checks a sign-in attempt: throttling first, then the credentials, then
 * whether the account is enabled and verified. Every refusal is an audit
 * event on the platform chain (sign-in is account-wide, not tied to one
 * municipality); success is recorded by SignInCompletion.
 * The attempted address is recorded as a digest, never in clear.
 */
export default class SignIn {
  constructor(private throttle = new AttemptThrottle(LOGIN_RULES)) {}

  async attempt(email: string, password: string, source: AuditSource): Promise<SignInResult> {
    const normalizedEmail = email.trim().toLowerCase()
    const ip = source.ip ?? 'unknown'
    const audit = (action: AuditAction, outcome: 'success' | 'denied' | 'failure', user?: User) =>
      AuditTrail.record({
        municipalityId: null,
        action,
        outcome,
        actorUserId: user?.id ?? null,
        source,
        destination: 'session.store',
        details: { account_digest: digestOf(normalizedEmail) },
      })

    // The attempt takes its place before the password is checked, so
    // attempts at once cannot check more passwords than the rules allow.
    const identity = { email: normalizedEmail, ip }
    const throttled = await this.throttle.consume(identity)
    if (throttled) {
      await audit('auth.login.throttled', 'denied')
      return { status: 'throttled', ...throttled }
    }

    let user: User
    try {
      user = await User.verifyCredentials(normalizedEmail, password)
    } catch (error) {
      if (!(error instanceof authErrors.E_INVALID_CREDENTIALS)) throw error
      await audit('auth.login.failed', 'failure')
      return { status: 'refused' }
    }

    if (user.disabledAt) {
      await audit('auth.login.disabled_account', 'denied', user)
      return { status: 'refused' }
    }

    // The right password does not count against the wider rules, and it
    // clears the account-and-address counter.
    await this.throttle.refund(identity)
    await this.throttle.reset('account_and_ip', identity)
    if (!user.emailVerifiedAt) {
      await audit('auth.login.unverified', 'denied', user)
      return { status: 'unverified' }
    }
    // Staff whose municipality signs them in through its own identity
    // provider only (told so only once the password was right)
    const refusal = await localSignInRefusal(user)
    if (refusal) {
      await audit('auth.login.password_off', 'denied', user)
      return { status: 'local_refused', refusal }
    }
    // Success is audited when the sign-in completes (after any second factor).
    return { status: 'signed_in', user }
  }
}

function digestOf(email: string) {
  return sha256Hex(email).slice(0, 16)
}
