/*
| Test runner entrypoint (`node ace test` runs this file).
*/
process.env.NODE_ENV = 'test'
// Vite may take NODE_ENV from the .env file `npm start` writes; this one it
// leaves alone, so test servers never open the hot-reload WebSocket.
process.env.TOMONI_TEST_SERVER = '1'
// Vite's dev server still opens its WebSocket (24678 by default); one port
// per test server port, so that runs side by side (another PORT) do not
// connect their pages to each other's socket.
process.env.VITE_HMR_PORT ??= String(Number(process.env.PORT ?? 3334) + 20000)

import 'reflect-metadata'
import { prettyPrintError } from '@adonisjs/core'
import { configure, processCLIArgs, run } from '@japa/runner'
import { createIgnitor } from './app_root.js'

createIgnitor()
  .testRunner()
  .configure(async (app) => {
    const { runnerHooks, ...config } = await import('../tests/bootstrap.js')

    processCLIArgs(process.argv.splice(2))
    configure({
      ...app.rcFile.tests,
      ...config,
      ...{
        setup: runnerHooks.setup,
        teardown: runnerHooks.teardown.concat([() => app.terminate()]),
      },
    })
  })
  .run(() => run())
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
