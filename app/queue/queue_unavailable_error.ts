/**
 * Redis did not take the job within the dispatch timeout (it is down or
 * unreachable): nothing was queued. Callers answer at once instead of
 * waiting for Redis to come back.
 */
export class QueueUnavailableError extends Error {
  constructor(
    readonly jobName: string,
    options?: { cause?: unknown }
  ) {
    super(`The queue (Redis) did not accept job "${jobName}"`, options)
  }
}
