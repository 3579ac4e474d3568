import { spawn } from 'node:child_process'
import app from '@adonisjs/core/services/app'

/**
 * `node ace queue:work` as a real, separate process, the way production
 * runs it, with these environment variables over the test's own.
 */
export function startWorker(env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, ['ace', 'queue:work'], {
    cwd: app.makePath(),
    env: { ...process.env, ...env, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  return { child, output: () => output }
}
