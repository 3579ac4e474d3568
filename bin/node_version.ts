/*
| Tomoni runs on the Node that package.json "engines" names (24): the one the
| "node" package puts in node_modules/.bin, in development and in the
| production build alike (`npm ci --omit=dev` installs it). npm scripts run
| on it; a process started directly with another Node (a server's
| /usr/bin/node) stops at once, saying which Node to use, instead of running
| on a runtime the app was never tested on.
*/
import { readFileSync } from 'node:fs'
import semver from 'semver'

/**
 * The message that refuses to start, or undefined when `version` satisfies
 * `wanted` (package.json "engines.node").
 */
export function nodeVersionRefusal(
  version: string,
  wanted: string,
  execPath: string
): string | undefined {
  if (semver.satisfies(version, wanted)) {
    return undefined
  }
  return [
    `Tomoni needs Node ${wanted} (package.json "engines"); this is Node ${version} (${execPath}).`,
    '`npm ci` installs that Node in node_modules/.bin: start with `npm start` / `npm run worker`,',
    'or run node_modules/.bin/node bin/server.js (or ace.js …) from this folder.',
  ].join('\n')
}

/**
 * Stops the process when it runs on another Node than the one the app
 * declares (read from the package.json beside bin/, in the source tree and
 * in build/).
 */
export function refuseUnsupportedNode() {
  const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  const refusal = nodeVersionRefusal(process.version, packageJson.engines.node, process.execPath)
  if (refusal) {
    console.error(refusal)
    process.exit(1)
  }
}
