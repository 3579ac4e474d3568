import limiter from '@adonisjs/limiter/services/main'
import db from '@adonisjs/lucid/services/db'
import { errors, Limiter } from '@adonisjs/limiter'
import '#identity/sqlite_limiter_connection'
import { sha256Hex } from '#shared/sha256'

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
 * address. Every block expires on its own: a stranger guessing at one
 * account from one address is stopped quickly, a spread-out attack on one
 * account later, and one address spraying many accounts by the address
 * rule. When the account rule stops passwords, the owner can still sign
 * in with a one-time link by mail (SignInLink), so nobody can keep
 * someone else out.
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
 * Sign-ups and verification resends: a client may try a handful an hour;
 * one address gets at most three mails an hour, however many clients ask
 * (registering a known address mails its owner, so this keeps anyone
 * from flooding an inbox through the form).
 */
export const REGISTRATION_CLIENT_RULES: ThrottleRule[] = [
  {
    name: 'ip',
    requests: 10,
    duration: '1 hour',
    blockDuration: '1 hour',
    key: ({ ip }) => `register:ip:${digest(ip)}`,
  },
]

export const REGISTRATION_ADDRESS_RULES: ThrottleRule[] = [
  {
    name: 'account',
    requests: 3,
    duration: '1 hour',
    blockDuration: '1 hour',
    key: ({ email }) => `register:account:${digest(email)}`,
  },
]

export const RESEND_RULES: ThrottleRule[] = [
  {
    name: 'ip',
    requests: 10,
    duration: '1 hour',
    blockDuration: '1 hour',
    key: ({ ip }) => `resend:ip:${digest(ip)}`,
  },
  {
    name: 'account',
    requests: 3,
    duration: '1 hour',
    blockDuration: '1 hour',
    key: ({ email }) => `resend:account:${digest(email)}`,
  },
]

/**
 * Sign-in links by mail (offered when the account rule stops passwords):
 * a few per account, more per address, so the mail cannot flood an inbox.
 */
export const SIGN_IN_LINK_RULES: ThrottleRule[] = [
  {
    name: 'account',
    requests: 3,
    duration: '1 hour',
    blockDuration: '1 hour',
    key: ({ email }) => `sign_in_link:account:${digest(email)}`,
  },
  {
    name: 'ip',
    requests: 10,
    duration: '1 hour',
    blockDuration: '1 hour',
    key: ({ ip }) => `sign_in_link:ip:${digest(ip)}`,
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

/** Why an attempt may not go ahead: the rule that refused it and the wait */
export type Throttled = { rule: string; retryAfterSeconds: number }

/**
 * Counts attempts against expiring limits (login, password reset, second
 * factor, resident claims, visit short codes). Each rule derives its key
 * from the identity its caller knows (an account and address, a record).
 *
 * An attempt takes its place before the secret is checked (`consume`, one
 * atomic upsert per rule): of any number of attempts at once, exactly the
 * limit go ahead and the others are refused, so no race checks more
 * secrets than a rule allows. An attempt that turns out not to count (a
 * right password, a code that matched) gives its place back (`refund`).
 */
export default class AttemptThrottle<Identity = SignInIdentity> {
  constructor(private rules: ThrottleRule<Identity>[]) {}

  /**
   * Takes one attempt from every rule, in order, or none: when a rule
   * refuses, the places already taken from earlier rules are given back
   * and the refusal is returned. Null means the attempt may go ahead.
   */
  async consume(identity: Identity): Promise<Throttled | null> {
    const taken: ThrottleRule<Identity>[] = []
    for (const rule of this.rules) {
      try {
        await this.#counter(rule).consume(rule.key(identity))
        taken.push(rule)
      } catch (error) {
        if (!(error instanceof errors.E_TOO_MANY_REQUESTS)) throw error
        await this.#giveBack(taken, identity)
        return { rule: rule.name, retryAfterSeconds: Math.max(1, error.response.availableIn) }
      }
    }
    return null
  }

  /**
   * Gives back the place an attempt took (it succeeded, so it does not
   * count against the limits).
   */
  async refund(identity: Identity) {
    await this.#giveBack(this.rules, identity)
  }

  /**
   * Clears one rule's counter (a successful sign-in clears the
   * account-and-address counter; the wider ones keep watching).
   */
  async reset(ruleName: string, identity: Identity) {
    const rule = this.rules.find((candidate) => candidate.name === ruleName)
    if (rule) await this.#counter(rule).delete(rule.key(identity))
  }

  async #giveBack(rules: ThrottleRule<Identity>[], identity: Identity) {
    for (const rule of rules) await this.#counter(rule).decrement(rule.key(identity))
  }

  #counter(rule: ThrottleRule<Identity>) {
    // The limiter manager would keep a store bound to whatever connection
    // was current when it first met these options: in tests, a global
    // transaction that is later rolled back, whose raw connection the
    // SQLite store then shares with live transactions. One store per
    // connection object instead (in production there is only one).
    const client = db.connection().getWriteClient()
    let counters = countersByClient.get(client)
    if (!counters) countersByClient.set(client, (counters = new Map()))
    const options = `${rule.requests}/${rule.duration}/${rule.blockDuration}`
    let counter = counters.get(options)
    if (!counter) {
      counter = new Limiter(
        limiter.config.stores.database({
          requests: rule.requests,
          duration: rule.duration,
          blockDuration: rule.blockDuration,
        })
      )
      counters.set(options, counter)
    }
    return counter
  }
}

const countersByClient = new WeakMap<object, Map<string, Limiter>>()
