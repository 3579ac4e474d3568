/*
| One result line per measured path, read by bench/run.mjs (`npm run bench`)
| to print the table: the figure, the anchor measured in the same run, their
| ratio and whether the goal is met.
*/
export type BenchResult = {
  path: string
  db: string
  figure: string
  anchor: string
  ratio: number | null
  goal: string
  /** null: no goal for this database */
  met: boolean | null
}

export function reportBench(result: BenchResult) {
  console.log(`BENCH ${JSON.stringify(result)}`)
}

/** The median of a few timed runs, so one noisy run does not decide */
export function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
