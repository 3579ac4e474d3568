import type { ProgramManifest } from '#plugin_host/define_plugin'

/**
 * The co-payment a resident owes for a visit: the tier's yen per unit times
 * the units used. Null when the program has no co-payment or the lot no tier.
 */
export default class Copayment {
  static yenFor(program: ProgramManifest, tier: string | null, minutes: number) {
    if (!program.copayment || !tier) return null
    const found = program.copayment.tiers.find((candidate) => candidate.code === tier)
    if (!found) return null
    return Math.round((minutes / program.unit.minutes) * found.yenPerUnit)
  }
}
