/*
| HTTP server entrypoint (`node ace serve` runs this file and watches it).
*/
import './supported_node.js'
import 'reflect-metadata'
import { prettyPrintError } from '@adonisjs/core'
import { createIgnitor } from './app_root.js'

createIgnitor()
  .httpServer()
  .start()
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
