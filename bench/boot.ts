/*
| Boots the application (console environment) for a benchmark script and
| terminates it afterwards.
*/
import 'reflect-metadata'
import { createIgnitor } from '../bin/app_root.js'

export async function withApp(run: () => Promise<void>) {
  const app = createIgnitor().createApp('console')
  await app.init()
  await app.boot()
  await app.start(() => {})
  try {
    await run()
  } finally {
    await app.terminate()
  }
}
