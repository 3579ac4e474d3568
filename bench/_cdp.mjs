import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
const [{ webSocketDebuggerUrl }] = await (await fetch('http://127.0.0.1:9239/json/list')).json()
const ws = new WebSocket(webSocketDebuggerUrl)
await new Promise((ok) => ws.addEventListener('open', ok))
let id = 0; const pending = new Map()
ws.addEventListener('message', (e) => { const m = JSON.parse(e.data); if (m.id && pending.has(m.id)) { pending.get(m.id)(m.result); pending.delete(m.id) } })
const send = (method, params = {}) => new Promise((ok) => { const i = ++id; pending.set(i, ok); ws.send(JSON.stringify({ id: i, method, params })) })
await send('Profiler.enable'); await send('Profiler.setSamplingInterval', { interval: 200 }); await send('Profiler.start')
await new Promise((ok) => spawn('node', [process.argv[2]], { stdio: 'inherit', env: process.env }).on('close', ok))
const { profile } = await send('Profiler.stop')
writeFileSync('/tmp/home.cpuprofile', JSON.stringify(profile)); ws.close()
