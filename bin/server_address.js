/*
| The address `npm start` announces: the one the server will listen on. Like
| AdonisJS, a variable set in the environment wins over the same one in .env.
*/
import { parseEnv } from 'node:util'

/**
 * @param {string} envText the .env file's text
 * @param {Record<string, string | undefined>} environment usually process.env
 */
export function serverAddress(envText, environment = process.env) {
  const fromFile = parseEnv(envText)
  const setting = (name, fallback) => environment[name] || fromFile[name] || fallback
  const host = setting('HOST', 'localhost')
  const port = setting('PORT', '3333')
  // A server bound to every interface is reached on this machine as localhost
  const shownHost = ['0.0.0.0', '::', '[::]'].includes(host) ? 'localhost' : host
  return `http://${shownHost}:${port}`
}
