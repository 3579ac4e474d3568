import Alerts from '#alerts/alerts'

export const HTTP_5XX_CONDITION = 'http_5xx_rate'

/**
 * Counts this process's 5xx answers per clock minute. More than
 * `threshold` in a minute raises http_5xx_rate; after `quietMinutes`
 * without such a minute, the next answer resolves it. Process-local:
 * each web process watches its own answers.
 */
export default class ServerErrorRate {
  #minute = -1
  #count = 0
  #lastBreach: number | null = null

  constructor(
    private readonly threshold: number,
    private readonly quietMinutes = 5,
    private readonly now: () => number = Date.now
  ) {}

  async record(status: number) {
    const minute = Math.floor(this.now() / 60_000)
    if (minute !== this.#minute) {
      this.#minute = minute
      this.#count = 0
    }
    if (status >= 500) {
      this.#count += 1
      if (this.#count > this.threshold) {
        const first = this.#count === this.threshold + 1
        this.#lastBreach = minute
        // One raise per minute over the threshold (the row counts minutes)
        if (first) {
          await Alerts.raise(HTTP_5XX_CONDITION, {
            errors_in_minute: this.#count,
            threshold: this.threshold,
          })
        }
        return
      }
    }
    if (this.#lastBreach !== null && minute - this.#lastBreach >= this.quietMinutes) {
      this.#lastBreach = null
      await Alerts.resolve(HTTP_5XX_CONDITION)
    }
  }
}
