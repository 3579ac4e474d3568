import type { BackoffOptions } from '#queue/types'

/**
 * A unit of background work. Subclasses set a unique `jobName` (plugins
 * prefix it with their id and a colon) and implement `handle`. The same
 * class runs in-process or on a BullMQ worker.
 */
export abstract class Job<Payload = Record<string, never>> {
  static jobName: string
  static attempts?: number
  static backoff?: BackoffOptions

  abstract handle(payload: Payload, context: JobContext): Promise<void>
}

export type JobContext = { attempt: number; jobId: string }
