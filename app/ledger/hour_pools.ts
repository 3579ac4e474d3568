import type { ServiceBalance } from '#ledger/coupon_balances'

/**
 * Hours that several services draw on together. Postpartum support's
 * 128 hours pay for a home helper or a doula, the doula for 30 of them at
 * most: shown side by side, "helper 126 h, doula 28 h" reads as 154 h. A
 * pool is one figure, with the services that may use less of it:
 * "126 h, of which up to 28 h doula".
 */
export type HourPool = {
  /** The services of the pool, in the program's order */
  services: string[]
  /** The most the pool pays for today (its largest service balance) */
  minutes: number
  /** Services that may use only part of it, and how much */
  limits: ServiceBalance[]
}

/**
 * The pools of a program's balances: services joined by a usable lot
 * with hours left that pays for both are one pool; a service no such lot
 * pays for stands alone (with its balance, 0 or not).
 */
export function hourPools(
  serviceOrder: string[],
  balances: ServiceBalance[],
  lotServices: string[][]
): HourPool[] {
  const pool = new Map(serviceOrder.map((service) => [service, service]))
  const root = (service: string): string => {
    const parent = pool.get(service) ?? service
    return parent === service ? service : root(parent)
  }
  for (const services of lotServices) {
    const known = services.filter((service) => pool.has(service))
    for (const other of known.slice(1)) pool.set(root(other), root(known[0]))
  }
  const minutesOf = (service: string) =>
    balances.find((balance) => balance.service === service)?.minutes ?? 0
  const pools = new Map<string, string[]>()
  for (const service of serviceOrder) {
    pools.set(root(service), [...(pools.get(root(service)) ?? []), service])
  }
  return [...pools.values()].map((services) => {
    const minutes = Math.max(...services.map(minutesOf))
    return {
      services,
      minutes,
      limits: services
        .filter((service) => minutesOf(service) < minutes)
        .map((service) => ({ service, minutes: minutesOf(service) })),
    }
  })
}
