import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'
import CsvJob from '#csv/csv_job'

/**
 * Waits until a CSV job has finished (done or failed), whichever queue
 * driver runs it: in-process jobs are drained, BullMQ ones polled.
 */
export async function settledCsvJob(id: number, timeoutMs = 15_000) {
  const queue = await app.container.make('queue')
  const deadline = Date.now() + timeoutMs
  for (;;) {
    await queue.drain()
    const job = await CsvJob.findOrFail(id)
    if (job.status === 'done' || job.status === 'failed') return job
    if (Date.now() > deadline) throw new Error(`CSV job ${id} still ${job.status}`)
    await sleep(50)
  }
}
