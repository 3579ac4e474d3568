import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'

/**
 * A redis-server of the test's own on a spare port (never the shared
 * one): started empty, without persistence, so stopping and starting it
 * again is "Redis restarted without its data".
 */
export default class PrivateRedis {
  #process?: ChildProcess

  constructor(readonly port: number) {}

  get config() {
    return { host: '127.0.0.1', port: this.port, db: 0 }
  }

  async start() {
    const server = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    this.#process = server
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start:\n${output}`)),
        5000
      )
      server.stdout!.on('data', (chunk) => {
        output += chunk
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer)
          resolve()
        }
      })
      server.once('exit', () => {
        clearTimeout(timer)
        reject(new Error(`redis-server exited:\n${output}`))
      })
    })
  }

  async stop() {
    const server = this.#process
    if (!server || server.exitCode !== null) return
    server.kill('SIGKILL')
    await once(server, 'exit')
    this.#process = undefined
  }
}
