import { setTimeout as sleep } from 'node:timers/promises'
import queue from '#queue/queue'
import Outbox, { type OutboxMessage } from '#mail/outbox'

/**
 * Waits for the newest mail to an address that arrived after `since` (mail
 * goes through the queue: in-process, or a BullMQ worker in CI).
 */
export async function waitForMail(address: string, since: Date, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    await queue.drain()
    const messages = await Outbox.latest(200)
    const found = messages.find(
      (message) => message.to.includes(address) && fileTime(message) >= since.getTime()
    )
    if (found) return found
    await sleep(50)
  }
  throw new Error(`No mail to ${address} within ${timeoutMs} ms`)
}

/**
 * The moment to count mails from, once mail queued by earlier steps has been
 * written (a mail queued before it but written after would count otherwise).
 */
export async function mailboxSettled() {
  await queue.drain()
  await sleep(300)
  return new Date()
}

/**
 * Whether any mail reached an address since `since` (after the queue settles).
 */
export async function mailsSince(address: string, since: Date) {
  await queue.drain()
  await sleep(300)
  const messages = await Outbox.latest(200)
  return messages.filter(
    (message) => message.to.includes(address) && fileTime(message) >= since.getTime()
  )
}

export function linkIn(message: OutboxMessage) {
  const match = /https?:\/\/\S+/.exec(message.text)
  if (!match) throw new Error(`No link in mail "${message.subject}"`)
  return new URL(match[0]).pathname
}

function fileTime(message: OutboxMessage) {
  const stamp = message.file.split('_')[0]
  const iso = stamp.replace(
    /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/,
    '$1T$2:$3:$4.$5Z'
  )
  return new Date(iso).getTime()
}
