import { createHash } from 'node:crypto'
import limiter from '@adonisjs/limiter/services/main'

type ThrottleRule = {
  name: string
  requests: number
  duration: string
  blockDuration: string
  key: (identity: { email: string; ip: string }) => string
}

function digest(value: string) {
  return createHash('sha256').update(value).digest('hex').slice(0, 32)
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

export default class LoginThrottle {
  constructor(private rules: ThrottleRule[] = LOGIN_RULES) {}

  /**
   * Seconds until this account may be tried again from this address, or
   * null when it may be tried now.
   */
  async retryAfter(email: string, ip: string): Promise<number | null> {
    let wait = 0
    for (const rule of this.rules) {
      const counter = this.#counter(rule)
      const key = rule.key({ email, ip })
      if ((await counter.remaining(key)) <= 0) wait = Math.max(wait, await counter.availableIn(key))
    }
    return wait > 0 ? wait : null
  }

  async recordFailure(email: string, ip: string) {
    for (const rule of this.rules) {
      await this.#counter(rule).increment(rule.key({ email, ip }))
    }
  }

  /**
   * A successful sign-in clears the account-and-address counter only; the
   * wider counters keep watching for spread-out attacks.
   */
  async recordSuccess(email: string, ip: string) {
    const pairRule = this.rules[0]
    await this.#counter(pairRule).delete(pairRule.key({ email, ip }))
  }

  #counter(rule: ThrottleRule) {
    return limiter.use({
      requests: rule.requests,
      duration: rule.duration,
      blockDuration: rule.blockDuration,
    })
  }
}
