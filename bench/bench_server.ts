import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * The HTTP server as its own process (bin/server.ts, with this process's
 * environment), once `/health/live` answers; `stop` ends it.
 */
export async function startBenchServer(base: string) {
  const server = spawn(process.execPath, ['--import', '@poppinss/ts-exec', 'bin/server.ts'], {
    env: { ...process.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  server.stdout.on('data', (chunk) => (output += chunk))
  server.stderr.on('data', (chunk) => (output += chunk))
  const stop = async () => {
    if (server.exitCode !== null) return
    const exited = once(server, 'exit')
    server.kill('SIGTERM')
    await exited
  }
  for (let attempt = 0; attempt < 300; attempt++) {
    const response = await fetch(`${base}/health/live`).catch(() => null)
    if (response?.ok) return { stop }
    await sleep(100)
  }
  await stop()
  throw new Error(`the server did not come up:\n${output}`)
}
