import limiter from '@adonisjs/limiter/services/main'
import { sha256Hex } from '#services/sha256'

/** Who is trying: an account and the address it signs in from, by default */
export type SignInIdentity = { email: string; ip: string }

export type ThrottleRule<Identity = SignInIdentity> = {
  name: string
  requests: number
  duration: string
  blockDuration: string
  key: (identity: Identity) => string
}

export function digest(value: string) {
  return sha256Hex(value).slice(0, 32)
}

/**
 * Failed sign-ins are counted per account-and-address, per account, and per
 * address. Every block expires on its own, so nobody can lock someone else
 * out for good: a stranger guessing at one account from one address is
 * stopped quickly, a spread-out attack on one account later, and one
 * address spraying many accounts by the address rule.
 */
export const LOGIN_RULES: ThrottleRule[] = [
  {
    name: 'account_and_ip',
    requests: 5,
    duration: '15 mins',
    blockDuration: '15 mins',
    key: ({ email, ip }) => `login:pair:${digest(`${email}\u0000${ip}`)}`,
  },
  {
    name: 'account',
    requests: 20,
    duration: '1 hour',
    blockDuration: '15 mins',
    key: ({ email }) => `login:account:${digest(email)}`,
  },
  {
    name: 'ip',
    requests: 100,
    duration: '1 hour',
    blockDuration: '30 mins',
    key: ({ ip }) => `login:ip:${digest(ip)}`,
  },
]

/**
 * Password-reset requests: a few per account, more per address, so the
 * reset mail cannot be used to flood someone's inbox.
 */
export const RESET_RULES: ThrottleRule[] = [
  {
    name: 'account',
    requests: 3,
    duration: '1 hour',
    blockDuration: '1 hour',
    key: ({ email }) => `reset:account:${digest(email)}`,
  },
  {
    name: 'ip',
    requests: 20,
    duration: '1 hour',
    blockDuration: '1 hour',
    key: ({ ip }) => `reset:ip:${digest(ip)}`,
  },
]

/**
 * Second-factor codes: a handful of wrong codes per account, then a pause
 * (a six-digit code must not be guessable by brute force).
 */
export const SECOND_FACTOR_RULES: ThrottleRule[] = [
  {
    name: 'account',
    requests: 5,
    duration: '15 mins',
    blockDuration: '15 mins',
    key: ({ email }) => `second_factor:account:${digest(email)}`,
  },
]

/**
 * Counts attempts against expiring limits (login, password reset, second
 * factor, resident claims, visit short codes). Each rule derives its key
 * from the identity its caller knows (an account and address, a record).
 */
export default class AttemptThrottle<Identity = SignInIdentity> {
  constructor(private rules: ThrottleRule<Identity>[]) {}

  /** Seconds until this identity may try again, or null when it may try now */
  async retryAfter(identity: Identity): Promise<number | null> {
    let wait = 0
    for (const rule of this.rules) {
      const counter = this.#counter(rule)
      const key = rule.key(identity)
      if ((await counter.remaining(key)) <= 0) wait = Math.max(wait, await counter.availableIn(key))
    }
    return wait > 0 ? wait : null
  }

  async record(identity: Identity) {
    for (const rule of this.rules) {
      await this.#counter(rule).increment(rule.key(identity))
    }
  }

  /**
   * Clears one rule's counter (a successful sign-in clears the
   * account-and-address counter; the wider ones keep watching).
   */
  async reset(ruleName: string, identity: Identity) {
    const rule = this.rules.find((candidate) => candidate.name === ruleName)
    if (rule) await this.#counter(rule).delete(rule.key(identity))
  }

  #counter(rule: ThrottleRule<Identity>) {
    return limiter.use({
      requests: rule.requests,
      duration: rule.duration,
      blockDuration: rule.blockDuration,
    })
  }
}
