'use strict'
/*
 * marp-cli kept running: one Node process that runs marp-cli's own command-line code for many conversions.
 *
 * Starting Node and loading marp-cli costs more than converting a deck, so `marp-build serve` and `build`
 * start this once and send it the same argument lists they would give the `marp` command (see
 * marp_build/livemarp.py). Each request runs marp-cli's `marpCli()` — the function its `marp` binary calls —
 * so the files written are the ones the command writes. Requests run concurrently; what marp-cli prints
 * during one request is collected for that request alone.
 *
 * The conversions share one browser: marp-cli launches Chromium through puppeteer-core for every PDF
 * request and closes it at the end, and here `launch` returns the browser already running instead (closed
 * when this process ends). And before printing, the page waits for its fonts and images rather than for
 * half a second of network silence (see `readyWhenLoaded`).
 *
 * Protocol, one JSON object per line. In (stdin): {"id": 1, "argv": [...]} runs marp-cli; {"id": 2, "cmd":
 * "navegador", "ruta": "/usr/bin/chromium", "espera": 120} opens that browser ahead of the first PDF; {"id": 0,
 * "cmd": "exit"} (or the end of stdin) closes the browser and ends the process. Out (stdout, each line
 * prefixed with "@@livemarp "): {"ready": true} once marp-cli is loaded, then {"id": 1, "code": 0,
 * "output": "..."} per request, in the order they finish.
 *
 * Usage: node livemarp.js <folder of @marp-team/marp-cli> <folder for the browser's profile> [<course cache>]
 * (the last one only names, in `ps`, the course this converter works for).
 */

const path = require('node:path')
const readline = require('node:readline')
const { AsyncLocalStorage } = require('node:async_hooks')

const PREFIX = '@@livemarp '
const cliDir = path.resolve(process.argv[2] || '')
// marp-cli puts each browser's profile in the temporary folder and never removes it: marp-build gives this
// process its own folder there and removes it afterwards.
if (process.argv[3]) process.env.TMPDIR = path.resolve(process.argv[3])
const captured = new AsyncLocalStorage()

// What marp-cli prints (console.* and direct writes) goes to the request that is running it; anything
// printed outside a request goes to stderr, which marp-build reads only when this process fails.
const realStderrWrite = process.stderr.write.bind(process.stderr)
const route = (fallback) =>
  function (...args) {
    const store = captured.getStore()
    if (store === undefined) return fallback(...args)
    store.push(args.map((a) => (typeof a === 'string' ? a : require('node:util').inspect(a))).join(' '))
    return true
  }
for (const name of ['log', 'info', 'warn', 'error', 'debug']) {
  console[name] = route((...args) => realStderrWrite(`${args.join(' ')}\n`))
}
const writeThrough = (chunk) => {
  const store = captured.getStore()
  if (store === undefined) return null
  store.push(String(chunk).replace(/\n$/, ''))
  return true
}
const realStdoutWrite = process.stdout.write.bind(process.stdout)
const send = (message) => realStdoutWrite(`${PREFIX}${JSON.stringify(message)}\n`)
process.stderr.write = (chunk, ...rest) => writeThrough(chunk) ?? realStderrWrite(chunk, ...rest)
process.stdout.write = (chunk, ...rest) =>
  // Only protocol lines reach stdout; marp-cli writing there (it never does with --output) is captured.
  writeThrough(chunk) ?? (String(chunk).startsWith(PREFIX) ? realStdoutWrite(chunk, ...rest) : realStderrWrite(chunk, ...rest))

// One browser for every conversion of this process.
const puppeteer = require(require.resolve('puppeteer-core', { paths: [cliDir] }))
const realLaunch = puppeteer.launch.bind(puppeteer)
let shared = null // { key, browser: Promise<Browser> }

const launchOnce = (options = {}) => {
  // One browser per executable: every conversion marp-build sends names the same one, with the same flags.
  const key = String(options.executablePath)
  if (shared === null || shared.key !== key) {
    if (shared !== null) closeShared() // a different browser was asked for: start afresh
    const browser = realLaunch(options)
    const entry = { key, browser }
    shared = entry
    browser.then(
      (b) => b.once('disconnected', () => {
        if (shared === entry) shared = null
      }),
      () => {
        if (shared === entry) shared = null
      }
    )
  }
  return shared.browser.then(
    (browser) =>
      new Proxy(browser, {
        get(target, prop) {
          // marp-cli closes "its" browser after each conversion: the shared one stays open.
          if (prop === 'close') return async () => undefined
          if (prop === 'newPage') return async (...args) => readyWhenLoaded(await target.newPage(...args))
          const value = Reflect.get(target, prop, target)
          return typeof value === 'function' ? value.bind(target) : value
        },
      })
  )
}

// Before printing, marp-cli waits for 500 ms without network requests (`page.waitForNetworkIdle()`), so
// that fonts and images have loaded. marp-build's pages request nothing (fonts and images travel inside
// them as data URIs), so the wait is half a second of nothing per PDF. Here it waits for what it was
// standing in for instead: every font face and image of the page loaded and decoded, then 100 ms without
// requests (the same check, shorter).
const READY = async () => {
  document.body.getBoundingClientRect() // lay out, so that the fonts the page uses are requested
  await Promise.all([...document.fonts].map((font) => font.load().catch(() => undefined)))
  await document.fonts.ready
  await Promise.all([...document.images].map((image) => image.decode().catch(() => undefined)))
}
const readyWhenLoaded = (page) => {
  const waitForNetworkIdle = page.waitForNetworkIdle.bind(page)
  page.waitForNetworkIdle = async (options) => {
    if (options !== undefined) return waitForNetworkIdle(options)
    await page.evaluate(READY)
    return waitForNetworkIdle({ idleTime: 100 })
  }
  return page
}
puppeteer.launch = launchOnce

const closeShared = async () => {
  const entry = shared
  shared = null
  if (entry === null) return
  try {
    await (await entry.browser).close()
  } catch {
    // already gone
  }
}

require(path.join(cliDir, 'lib', 'patch.js')).patch()
const { marpCli } = require(path.join(cliDir, 'lib', 'marp-cli.js'))

// {"cmd": "navegador", "ruta": ..., "espera": seconds}: open the browser now, as marp-cli would for a PDF,
// and load the parts of marp-cli that PDFs use, while marp-build is still rendering the decks.
const warmUp = async ({ ruta, espera }) => {
  const lib = path.join(cliDir, 'lib')
  for (const name of require('node:fs').readdirSync(lib)) {
    if (/^(manager|pdf-lib)[.-].*\.js$/.test(name)) require(path.join(lib, name))
  }
  const timeout = Math.round(Number(espera) * 1000)
  const noSandbox = !!process.env.CHROME_NO_SANDBOX || process.getuid?.() === 0
  const profile = path.join(require('node:os').tmpdir(), 'marp-cli-arranque')
  await launchOnce({
    browser: 'chrome', executablePath: ruta, headless: true, protocol: 'cdp',
    protocolTimeout: timeout === 0 ? 0 : Math.max(180000, timeout), timeout, enableExtensions: false, pipe: true,
    args: [`--user-data-dir=${profile}`, '--disable-component-update', '--test-type', ...(noSandbox ? ['--no-sandbox'] : [])],
  })
}

const run = async ({ id, argv }) => {
  const output = []
  let code
  try {
    // As marp-cli's own binary does, except that stdin is never read (the requests arrive there).
    code = await captured.run(output, () => marpCli(argv, { stdin: false, throwErrorAlways: false }))
  } catch (err) {
    output.push(`[ ERROR ] ${err && err.stack ? err.stack : String(err)}`)
    code = 1
  }
  send({ id, code, output: output.join('\n') })
}

let ending = false
const end = async () => {
  if (ending) return
  ending = true
  await Promise.allSettled([...pending])
  await closeShared()
  process.exit(0)
}

const pending = new Set()
const lines = readline.createInterface({ input: process.stdin })
lines.on('line', (line) => {
  if (!line.trim()) return
  let request
  try {
    request = JSON.parse(line)
  } catch {
    realStderrWrite(`livemarp: petición ilegible: ${line.slice(0, 200)}\n`)
    return
  }
  if (request.cmd === 'exit') {
    end()
    return
  }
  if (request.cmd === 'navegador') {
    warmUp(request).then(
      () => send({ id: request.id, code: 0, output: '' }),
      (err) => send({ id: request.id, code: 1, output: String(err && err.stack ? err.stack : err) })
    )
    return
  }
  const job = run(request).finally(() => pending.delete(job))
  pending.add(job)
})
lines.on('close', end)
process.on('unhandledRejection', (reason) => {
  realStderrWrite(`livemarp: ${reason && reason.stack ? reason.stack : String(reason)}\n`)
})

send({ ready: true })
