/*
| `npm install` ends here (package.json "postinstall"): it says what just
| happened and what to run next. npm runs this with node_modules/.bin first
| on PATH, so `node` is already the Node 24 the install brought; the Node
| that ran npm itself is named in npm's user agent ("npm/11.6.2 node/v20.19.0
| linux x64").
*/

/**
 * @param {string | undefined} userAgent npm's npm_config_user_agent
 */
export function afterInstallMessage(userAgent) {
  const npmNode = userAgent?.match(/\bnode\/(v\d+)[.\d]*/)?.[0].slice('node/'.length)
  const npmMajor = Number(npmNode?.match(/^v(\d+)/)?.[1])
  const lines = ['', '  Tomoni is installed, with the Node 24 it runs on (in node_modules/.bin).']
  if (npmNode && npmMajor !== 24) {
    lines.push(
      `  Your system's Node is ${npmNode}: the "npm warn EBADENGINE" lines above name packages`,
      '  that want Node 24. They are expected and harmless: npm start and npm test run on the',
      '  Node 24 installed here. Only lines starting with "npm error" mean the install failed.'
    )
  }
  lines.push(
    '',
    '  Next:',
    '    npm start   serves the app with demo data (SQLite file, no other setup)',
    '    npm test    runs the tests',
    ''
  )
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(afterInstallMessage(process.env.npm_config_user_agent))
}
