/*
| `npm run bench`: runs every bench under bench/ (each on SQLite, then on
| PostgreSQL, on fresh databases), then prints one table of the BENCH lines
| they printed: path, database, figure, anchor, ratio, goal, met.
|   npm run bench                    every bench
|   npm run bench -- ledger csv      only the named ones
*/
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'

const folder = new URL('.', import.meta.url)
const all = readdirSync(folder)
  .filter((file) => file.endsWith('.sh'))
  .map((file) => file.replace(/\.sh$/, ''))
  .sort()
const asked = process.argv.slice(2)
const benches = asked.length > 0 ? all.filter((name) => asked.includes(name)) : all

const results = []
const failures = []
for (const name of benches) {
  console.log(`\n### bench/${name}.sh`)
  const code = await new Promise((resolve) => {
    const child = spawn('bash', [new URL(`${name}.sh`, folder).pathname], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let pending = ''
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk)
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop()
      for (const line of lines) {
        if (line.startsWith('BENCH ')) results.push(JSON.parse(line.slice(6)))
      }
    })
    child.on('close', resolve)
  })
  if (code !== 0) failures.push(`${name} (exit ${code})`)
}

const rows = [
  ['path', 'db', 'figure', 'anchor', 'ratio', 'goal', 'met'],
  ...results.map((result) => [
    result.path,
    result.db,
    result.figure,
    result.anchor,
    result.ratio === null ? '—' : `${(result.ratio * 100).toFixed(1)} %`,
    result.goal,
    result.met === null ? '—' : result.met ? 'yes' : 'NO',
  ]),
]
const widths = rows[0].map((_, column) =>
  Math.max(...rows.map((row) => [...String(row[column])].length))
)
console.log('\n## Results')
for (const [index, row] of rows.entries()) {
  console.log(`| ${row.map((cell, column) => String(cell).padEnd(widths[column])).join(' | ')} |`)
  if (index === 0) console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`)
}
if (failures.length > 0) {
  console.log(`\nbenches that failed: ${failures.join(', ')}`)
  process.exitCode = 1
}
