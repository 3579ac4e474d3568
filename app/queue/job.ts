export type BackoffOptions = { type: 'fixed' | 'exponential'; delay: number }

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

export type JobContext = {
  attempt: number
  jobId: string
  /** The queue hands the job again after its worker died mid-run (BullMQ's stalled job) */
  redelivered: boolean
}

export type JobConstructor<Payload = any> = {
  new (): Job<Payload>
  jobName: string
  attempts?: number
  backoff?: BackoffOptions
}

export type JobLoader = () => Promise<{ default: JobConstructor }>
