// The browser tests' harness: a real `outpost serve` on SQLite or on the
// throwaway PostgreSQL of the CTest fixture, Debian's chromium driven by
// playwright-core (from the console's own node_modules), users made through
// the admin API, and screenshots written as files for a reviewer.
//
//   const server = await startServer()            // OUTPOST_TEST_BACKEND=sqlite|postgresql
//   await server.createUser({ username: 'desk1', password: 'desk-pass-1', role: 'desk' })
//   const browser = await launchBrowser()
//   const page = await newPage(browser)            // 1366×768, zh-CN
//   await page.goto(server.url + '/login')
//   await screenshot(page, 'login')
//   await browser.close(); await server.stop()
//
// Environment (set by tests/browser/CMakeLists.txt):
//   OUTPOST_BINARY           the server binary
//   OUTPOST_TEST_BACKEND     sqlite (default) | postgresql
//   OUTPOST_TEST_PG_URL_FILE the fixture's admin URL (postgresql only)
//   OUTPOST_TEST_WORK_DIR    where databases and logs go
//   OUTPOST_SCREENSHOT_DIR   where screenshots go
//   OUTPOST_CONSOLE_DEV=1    serve the console from `vite` (sources) with /api
//                            proxied to the server, instead of the embedded build
import { spawn, execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const repoRoot = path.resolve(here, '../..')
export const consoleDir = path.join(repoRoot, 'adapters/web/console')
const require = createRequire(path.join(consoleDir, 'package.json'))
export const { chromium } = require('playwright-core')

export const bootstrapToken = 'browser-test-bootstrap-token-0123456789'
const piiKey = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'
const signingKey = 'PRIVATE+KEY+outpost.test/history+765d959c+AWmfFwq8WyHzLtpCSs0XWlR0Ie3FXeb0Mf01EZHEvV6V'

const workRoot = process.env.OUTPOST_TEST_WORK_DIR ?? '/tmp/outpost-browser-tests'
export const screenshotDir =
  process.env.OUTPOST_SCREENSHOT_DIR ?? path.join(repoRoot, 'build/browser-screenshots')

let counter = 0
function uniqueName() {
  return `browser_${process.pid}_${Date.now() % 1e8}_${counter++}`
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

async function freePort() {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

function pgAdminUrl() {
  const file = process.env.OUTPOST_TEST_PG_URL_FILE
  if (!file) throw new Error('OUTPOST_TEST_BACKEND=postgresql needs OUTPOST_TEST_PG_URL_FILE')
  return fs.readFileSync(file, 'utf8').trim()
}

function psql(url, sql) {
  return execFileSync('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], {
    encoding: 'utf8',
  }).trim()
}

function withDatabase(url, name) {
  const u = new URL(url)
  u.pathname = '/' + name
  return u.toString()
}

// A database of its own for one server: a SQLite file, or a PostgreSQL
// database made on the fixture's cluster (dropped by drop()).
export function makeDatabase(backend = process.env.OUTPOST_TEST_BACKEND ?? 'sqlite') {
  const name = uniqueName()
  if (backend === 'sqlite') {
    fs.mkdirSync(workRoot, { recursive: true })
    const file = path.join(workRoot, name + '.db')
    return {
      backend,
      url: 'sqlite:' + file,
      query: (sql) => execFileSync('sqlite3', [file, sql], { encoding: 'utf8' }).trim(),
      drop() {
        for (const suffix of ['', '-wal', '-shm', '.key']) fs.rmSync(file + suffix, { force: true })
      },
    }
  }
  if (backend !== 'postgresql') throw new Error(`unknown backend ${backend}`)
  const admin = pgAdminUrl()
  psql(admin, `CREATE DATABASE ${name}`)
  const url = withDatabase(admin, name)
  return {
    backend,
    url,
    query: (sql) => psql(url, sql),
    drop() {
      psql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    },
  }
}

// Starts `outpost serve` on its own database (or `options.database`) and
// waits until it is ready. `options.args` are extra serve flags.
export async function startServer(options = {}) {
  const binary = process.env.OUTPOST_BINARY ?? path.join(repoRoot, 'build/default/adapters/cli/outpost')
  const database = options.database ?? makeDatabase()
  const dir = path.join(workRoot, uniqueName())
  fs.mkdirSync(dir, { recursive: true })
  const ready = path.join(dir, 'ready')
  const keyFile = path.join(dir, 'signing-key')
  fs.writeFileSync(keyFile, signingKey + '\n', { mode: 0o600 })
  const logFile = path.join(dir, 'server.log')
  const log = fs.openSync(logFile, 'w')
  const child = spawn(
    binary,
    ['serve', '--listen', '127.0.0.1:0', '--database', database.url, '--ready-file', ready, ...(options.args ?? [])],
    {
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        OUTPOST_BOOTSTRAP_TOKEN: bootstrapToken,
        OUTPOST_PII_KEY: piiKey,
        OUTPOST_AUDIT_SIGNING_KEY_FILE: keyFile,
        ...(options.env ?? {}),
      },
    },
  )
  let exited = null
  child.on('exit', (code, signal) => {
    exited = { code, signal }
  })
  const deadline = Date.now() + 30_000
  while (!fs.existsSync(ready)) {
    if (exited) throw new Error(`outpost serve exited during start-up:\n${fs.readFileSync(logFile, 'utf8')}`)
    if (Date.now() > deadline) throw new Error(`outpost serve not ready within 30 s:\n${fs.readFileSync(logFile, 'utf8')}`)
    await sleep(50)
  }
  const address = fs.readFileSync(ready, 'utf8').trim()
  const apiUrl = `http://${address}`
  let url = apiUrl
  let vite = null
  if (process.env.OUTPOST_CONSOLE_DEV === '1') {
    const port = await freePort()
    vite = spawn(path.join(consoleDir, 'node_modules/.bin/vite'), ['--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
      cwd: consoleDir,
      stdio: 'ignore',
      env: { ...process.env, OUTPOST_API: apiUrl },
    })
    url = `http://127.0.0.1:${port}`
    for (let i = 0; i < 200; i++) {
      try {
        if ((await fetch(url + '/')).ok) break
      } catch {
        await sleep(100)
      }
    }
  }

  const server = {
    url,
    apiUrl,
    database,
    logFile,
    log: () => fs.readFileSync(logFile, 'utf8'),
    // One JSON API call; `token` defaults to the bootstrap admin's.
    async api(method, route, body, token = bootstrapToken, headers = {}) {
      const response = await fetch(apiUrl + route, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await response.text()
      let json = null
      try {
        json = text ? JSON.parse(text) : null
      } catch {
        json = text
      }
      return { status: response.status, headers: response.headers, body: json }
    },
    // A user with a password (POST /api/v1/users as the bootstrap admin).
    async createUser(user) {
      const answer = await server.api('POST', '/api/v1/users', user)
      if (answer.status !== 201) throw new Error(`cannot create ${user.username}: ${answer.status} ${JSON.stringify(answer.body)}`)
      return answer.body
    },
    async stop() {
      if (vite) vite.kill('SIGTERM')
      if (!exited) {
        child.kill('SIGTERM')
        for (let i = 0; i < 100 && !exited; i++) await sleep(50)
        if (!exited) child.kill('SIGKILL')
      }
      fs.closeSync(log)
      if (!options.database) database.drop()
    },
  }
  return server
}

export async function launchBrowser() {
  return await chromium.launch({
    executablePath: process.env.OUTPOST_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
}

// A fresh context (its own cookies) at 1366×768 in zh-CN, Asia/Shanghai.
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  const page = await context.newPage()
  // OUTPOST_TEST_CPU_THROTTLE=N slows the page's CPU N times (Chromium's own
  // throttling), to bring out a test's timing assumptions on a quiet machine.
  const throttle = Number(process.env.OUTPOST_TEST_CPU_THROTTLE ?? 1)
  if (throttle > 1) {
    const session = await context.newCDPSession(page)
    await session.send('Emulation.setCPUThrottlingRate', { rate: throttle })
  }
  return page
}

export async function screenshot(page, name) {
  fs.mkdirSync(screenshotDir, { recursive: true })
  const file = path.join(screenshotDir, `${name}.png`)
  await page.screenshot({ path: file, fullPage: false })
  return file
}

// Signs in through the login page and waits for the signed-in shell.
export async function loginAs(page, baseUrl, username, password) {
  await page.goto(baseUrl + '/login')
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码').fill(password)
  await page.getByRole('button', { name: '登录' }).click()
  await page.getByRole('button', { name: '退出登录' }).waitFor()
}
