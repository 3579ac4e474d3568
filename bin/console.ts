/*
| Ace entrypoint. Commands boot the application only when their
| `options.startApp` flag is set.
*/
import './supported_node.js'
import 'reflect-metadata'
import { prettyPrintError } from '@adonisjs/core'
import { createIgnitor } from './app_root.js'

createIgnitor()
  .ace()
  .handle(process.argv.splice(2))
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
