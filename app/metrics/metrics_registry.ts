import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/**
 * The one registry that /metrics exposes (Prometheus text format). Modules
 * count here through the metrics below; gauges that are read when
 * Prometheus scrapes live in scrape_time_gauges.ts.
 */
export const metricsRegistry = new Registry()

collectDefaultMetrics({ register: metricsRegistry, prefix: 'tomoni_' })

/** Every answered request, by route name (or pattern), method and status */
export const httpRequestDuration = new Histogram({
  name: 'tomoni_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by route and status',
  labelNames: ['route', 'method', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
})

/** Ledger entries committed, by kind (grant, reserve, redeem, release, cancel, expire...) */
export const ledgerPostings = new Counter({
  name: 'tomoni_ledger_postings_total',
  help: 'Ledger entries committed, by kind',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
})

/** Operations the ledger refused, by reason (LedgerRefusal codes) */
export const ledgerRefusals = new Counter({
  name: 'tomoni_ledger_refusals_total',
  help: 'Operations the ledger refused, by reason',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
})
