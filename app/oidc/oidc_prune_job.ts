import { Job } from '#queue/job'
import { deleteExpiredOidcPayloads } from '#oidc/oidc_adapter'

/**
 * Deletes the sign-in provider's expired rows (codes, tokens, sessions,
 * grants, interactions). Runs hourly from the queue schedule (config/queue.ts).
 */
export default class OidcPruneJob extends Job {
  static jobName = 'oidc_prune'

  async handle() {
    await deleteExpiredOidcPayloads()
  }
}
