import autocannon from 'autocannon'
const base = process.env.APP_URL
function cookiesOf(response, jar = new Map()) { for (const header of response.headers.getSetCookie()) { const [pair] = header.split(';'); const [name, ...value] = pair.split('='); jar.set(name, value.join('=')) } return jar }
const cookieHeader = (jar) => [...jar].map(([n, v]) => `${n}=${v}`).join('; ')
const page = await fetch(`${base}/login`); const jar = cookiesOf(page)
const r = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json', cookie: cookieHeader(jar), 'x-xsrf-token': decodeURIComponent(jar.get('XSRF-TOKEN') ?? '') }, body: JSON.stringify({ email: 'hanako@example.jp', password: 'tomoni-demo-2026' }) })
cookiesOf(r, jar); const cookie = cookieHeader(jar)
const res = await new Promise((ok, ko) => autocannon({ url: base + (process.env.P ?? '/'), connections: 32, duration: 8, headers: { cookie } }, (e, x) => e ? ko(e) : ok(x)))
console.log(res.requests.average.toFixed(0), 'req/s p99', res.latency.p99, 'non2xx', res.non2xx)
