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
 * Its pages load only our own bytes: every request that would leave the computer is refused and reported
 * (see `guardPage`).
 *
 * Protocol, one JSON object per line. In (stdin): {"id": 1, "argv": [...]} runs marp-cli, and with "medir":
 * {"js": "() => ...", "salida": "/path.json"} the page it prints is also measured with that function, and the
 * result written there with the URLs the page tried to fetch (`check` reads it: the build's pages measured
 * once); {"id": 2, "cmd": "navegador", "ruta": "/usr/bin/chromium", "espera": 120} opens that browser ahead
 * of the first PDF; {"id": 3, "cmd": "diagramas", "archivos": [...], "js": "() => ..."} opens each SVG file
 * and answers, in "output", a JSON list of {fonts, medida} (the platform fonts that drew its text and what
 * the function returned); {"id": 0, "cmd": "exit"} (or the end of stdin) closes the browser and ends the
 * process. Out (stdout, each line
 * prefixed with "@@livemarp "): {"ready": true} once marp-cli is loaded, then {"id": 1, "code": 0,
 * "output": "..."} per request, in the order they finish.
 *
 * Usage: node livemarp.js <folder of @marp-team/marp-cli> <folder for the browser's profile> [<course cache>]
 * (the last one names, in `ps`, the course this converter works for, and keeps its packed theme CSS).
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
    store.output.push(args.map((a) => (typeof a === 'string' ? a : require('node:util').inspect(a))).join(' '))
    return true
  }
for (const name of ['log', 'info', 'warn', 'error', 'debug']) {
  console[name] = route((...args) => realStderrWrite(`${args.join(' ')}\n`))
}
const writeThrough = (chunk) => {
  const store = captured.getStore()
  if (store === undefined) return null
  store.output.push(String(chunk).replace(/\n$/, ''))
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
          if (prop === 'newPage') return async (...args) => readyWhenLoaded(await guardPage(await target.newPage(...args)))
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
  const store = captured.getStore() // the request this page converts (a page per file, a file per request)
  const waitForNetworkIdle = page.waitForNetworkIdle.bind(page)
  page.waitForNetworkIdle = async (options) => {
    if (options !== undefined) return waitForNetworkIdle(options)
    await page.evaluate(READY)
    await waitForNetworkIdle({ idleTime: 100 })
    if (store !== undefined && store.medir) {
      // A measurement that fails leaves the PDF as it is: `check` then measures that deck on its HTML.
      await measure(page, store).catch((err) => realStderrWrite(`livemarp: sin medidas: ${err && err.message}\n`))
    }
  }
  return page
}

// Pages load only what travels inside them (data:, blob:, about: URLs): every request to the network (http,
// https, ws…) is refused by Chromium itself (DevTools' blocked URLs: it never leaves the computer) and
// remembered for the request, so a PDF never depends on the network and prints the same in a classroom
// without one. file: requests are left to Chromium, which refuses them to a page without local file access,
// and marp-cli reports them (marp-build then stops the build). Request interception would hide those from
// marp-cli, hence blocked URLs.
const BLOCKED = ['http://*', 'https://*', 'ws://*', 'wss://*', 'ftp://*']
const LOCAL = /^(data|blob|about|file):/i
const guardPage = async (page) => {
  const store = captured.getStore()
  const session = await page.createCDPSession()
  await session.send('Network.enable')
  await session.send('Network.setBlockedURLs', { urls: BLOCKED })
  page.on('requestfailed', (request) => {
    const url = request.url()
    if (!LOCAL.test(url) && store !== undefined && !store.blocked.includes(url)) store.blocked.push(url)
  })
  return page
}

// Long data: URLs (embedded images) are reported by their SHA-1: marp-build knows which file each one is.
const shortSources = (value) => {
  if (typeof value === 'string') {
    return value.startsWith('data:') && value.length > 200
      ? `data-sha1:${require('node:crypto').createHash('sha1').update(value).digest('hex')}`
      : value
  }
  if (Array.isArray(value)) return value.map(shortSources)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortSources(v)]))
  return value
}

const measure = async (page, store) => {
  const { js, salida } = store.medir
  const boxes = await page.evaluate(`(${js})()`)
  const text = JSON.stringify({ boxes: shortSources(boxes), blocked: store.blocked })
  const fs = require('node:fs')
  const tmp = `${salida}.${process.pid}.tmp`
  fs.writeFileSync(tmp, text)
  fs.renameSync(tmp, salida) // never half-written for a reader
}

// {"cmd": "diagramas"}: each SVG file in one reused page; the fonts come from the DevTools protocol, as in
// marp_build/design.py's `measure_diagram` (what Chromium really drew the text with, fallbacks included).
const measureDiagrams = async ({ archivos, js }) => {
  if (shared === null) throw new Error('el navegador no está abierto')
  const browser = await shared.browser
  const page = await browser.newPage()
  const results = []
  try {
    const cdp = await page.createCDPSession()
    await cdp.send('DOM.enable')
    await cdp.send('CSS.enable')
    for (const file of archivos) {
      await page.goto(require('node:url').pathToFileURL(file).href, { waitUntil: 'load' })
      await page.evaluate('document.fonts ? document.fonts.ready.then(() => true) : true')
      const root = (await cdp.send('DOM.getDocument', { depth: -1 })).root.nodeId
      const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root, selector: 'text, tspan' })
      const fonts = new Set()
      for (const nodeId of nodeIds) {
        for (const font of (await cdp.send('CSS.getPlatformFontsForNode', { nodeId })).fonts) {
          if (font.glyphCount) fonts.add(font.familyName)
        }
      }
      results.push({ fonts: [...fonts].sort(), medida: await page.evaluate(`(${js})()`) })
    }
    await cdp.detach()
  } finally {
    await page.close()
  }
  return results
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

// marp-cli makes a new Marp engine for every deck, and each engine registers highlight.js's 190 languages
// and parses every theme's CSS again: a fifth of converting a deck. Here both are done once per process,
// with the same results (highlight.js is configured the same for every engine; Marpit's Theme objects are
// frozen). If a marp-core or Marpit update changes these internals, the conversions just take longer.
try {
  const corePath = require.resolve('@marp-team/marp-core', { paths: [cliDir] })
  const { Marp } = require(corePath)
  const highlighter = new Marp().highlightjs
  if (highlighter && !Object.prototype.hasOwnProperty.call(Marp.prototype, '_highlightjs')) {
    Object.defineProperty(Marp.prototype, '_highlightjs', { value: highlighter, writable: true, configurable: true })
  }
  const themeModule = require(require.resolve('@marp-team/marpit/lib/theme', { paths: [path.dirname(corePath)] }))
  const Theme = themeModule.default
  const parse = Theme.fromCSS.bind(Theme)
  const parsed = new Map()
  Theme.fromCSS = (css, opts = {}) => {
    const symbols = Object.getOwnPropertySymbols(opts).map((s) => `${String(s)}=${String(opts[s])}`)
    const key = JSON.stringify([css, opts.metaType || null, !!opts.cssNesting, symbols])
    if (!parsed.has(key)) {
      if (parsed.size >= 32) parsed.delete(parsed.keys().next().value) // serve sees every edit of a theme
      parsed.set(key, parse(css, opts))
    }
    return parsed.get(key)
  }
  // A theme's CSS is also run through a dozen PostCSS plugins for every deck (`ThemeSet#pack`), with the
  // same result for the same theme and options: HTML and PDF of a deck, and decks without a <style> of
  // their own, share it. Kept per theme object (the parse cache above gives one object per CSS) and per
  // options; the PostCSS plugins that marp-core adds are the same for every engine of this process.
  const ThemeSet = require(require.resolve('@marp-team/marpit/lib/theme_set', { paths: [path.dirname(corePath)] })).default
  const pack = ThemeSet.prototype.pack
  const ids = new WeakMap()
  let nextId = 0
  const idOf = (object) => {
    if (!ids.has(object)) ids.set(object, ++nextId)
    return ids.get(object)
  }
  const packed = new Map()
  // Packing the course theme the first time in a process costs a third of a second (PostCSS still cold): the
  // result is also kept in the course's cache, so the next build's converter starts with it.
  const fs = require('node:fs')
  const crypto = require('node:crypto')
  const coreVersion = require(require.resolve('@marp-team/marp-core/package.json', { paths: [cliDir] })).version
  const onDisk = process.argv[4] ? path.join(path.resolve(process.argv[4]), 'temas-empaquetados') : null
  const hashes = new WeakMap()
  const hashOf = (theme) => {
    if (!hashes.has(theme)) hashes.set(theme, crypto.createHash('sha256').update(theme.css).digest('hex'))
    return hashes.get(theme)
  }
  const fromDisk = (themes, cssNesting, opts) => {
    if (onDisk === null) return null
    const key = crypto.createHash('sha256')
      .update(JSON.stringify([coreVersion, themes.map(hashOf), cssNesting, opts])).digest('hex')
    const file = path.join(onDisk, `${key}.css`)
    try {
      const css = fs.readFileSync(file, 'utf8')
      const now = new Date()
      fs.utimesSync(file, now, now) // recently used: kept when the folder is trimmed
      return { file, css }
    } catch {
      return { file, css: null }
    }
  }
  const KEEP = 32 // packed themes kept on disk: every edit of a theme makes a new one
  const toDisk = (file, css) => {
    try {
      fs.mkdirSync(onDisk, { recursive: true })
      const tmp = `${file}.${process.pid}.tmp`
      fs.writeFileSync(tmp, css)
      fs.renameSync(tmp, file) // never half-written for another converter reading it
      const kept = fs.readdirSync(onDisk).filter((n) => n.endsWith('.css'))
        .map((n) => ({ n, t: fs.statSync(path.join(onDisk, n)).mtimeMs })).sort((a, b) => b.t - a.t)
      for (const { n } of kept.slice(KEEP)) fs.rmSync(path.join(onDisk, n), { force: true })
    } catch {
      // a cache: without it the next build packs again
    }
  }
  ThemeSet.prototype.pack = function (name, opts = {}) {
    const theme = this.get(name, true)
    let key, themes
    try {
      themes = this.resolveImport(theme)
      key = JSON.stringify([themes.map(idOf).join(','), !!this.cssNesting, opts])
    } catch {
      return pack.call(this, name, opts) // an import cycle: marp-cli reports it as before
    }
    if (!packed.has(key)) {
      if (packed.size >= 64) packed.delete(packed.keys().next().value)
      const stored = fromDisk(themes, !!this.cssNesting, opts)
      let css = stored && stored.css
      if (typeof css !== 'string') {
        css = pack.call(this, name, opts)
        if (stored) toDisk(stored.file, css)
      }
      packed.set(key, css)
    }
    return packed.get(key)
  }
} catch (err) {
  realStderrWrite(`livemarp: sin atajos de marp-core (${err && err.message})\n`)
}

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

const run = async ({ id, argv, medir }) => {
  const store = { output: [], blocked: [], medir: medir || null }
  const { output } = store
  let code
  try {
    // As marp-cli's own binary does, except that stdin is never read (the requests arrive there).
    code = await captured.run(store, () => marpCli(argv, { stdin: false, throwErrorAlways: false }))
  } catch (err) {
    output.push(`[ ERROR ] ${err && err.stack ? err.stack : String(err)}`)
    code = 1
  }
  send({ id, code, output: output.join('\n'), bloqueadas: store.blocked })
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
  if (request.cmd === 'diagramas') {
    const job = measureDiagrams(request).then(
      (results) => send({ id: request.id, code: 0, output: JSON.stringify(results) }),
      (err) => send({ id: request.id, code: 1, output: String(err && err.stack ? err.stack : err) })
    ).finally(() => pending.delete(job))
    pending.add(job)
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
