/*
| `node ace build` copies package.json into build/ as it is: its scripts are
| the development ones (`npm start` seeds demo data and runs `ace serve`; the
| postinstall script is not in the build, so `npm ci` there failed). This
| hook, run when the build is finished, gives the build the scripts of a
| production install. npm scripts run on the Node 24 that `npm ci --omit=dev`
| puts in build/node_modules/.bin (the "node" package is a dependency).
*/
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { hooks } from '@adonisjs/core/app'

export const PRODUCTION_SCRIPTS = {
  start: 'node bin/server.js',
  worker: 'node ace.js queue:work',
  ace: 'node ace.js',
}

/**
 * The build's package.json: the same dependencies (npm ci checks them
 * against the lockfile), the production scripts only.
 */
export function productionPackage<Package extends object>(packageJson: Package) {
  return { ...packageJson, scripts: PRODUCTION_SCRIPTS }
}

export default hooks.buildFinished(async (bundler) => {
  const tsconfig = JSON.parse(await readFile(join(bundler.cwdPath, 'tsconfig.json'), 'utf8'))
  const packageFile = join(bundler.cwdPath, tsconfig.compilerOptions.outDir, 'package.json')
  const packageJson = JSON.parse(await readFile(packageFile, 'utf8'))
  await writeFile(packageFile, `${JSON.stringify(productionPackage(packageJson), null, 2)}\n`)
  bundler.ui.logger.info(
    'build/package.json: `npm start` serves, `npm run worker` runs the jobs, ' +
      '`npm run ace -- migration:run --force` migrates (all on the Node 24 `npm ci --omit=dev` installs)'
  )
})
