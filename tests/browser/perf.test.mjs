// Cold-load time of the console over loopback with the CPU throttled 4× in
// chromium (DevTools' Emulation.setCPUThrottlingRate): from navigation start
// to the first moment the page can be used, measured in the page itself
// (performance.now() is relative to navigation start) and checked on every
// animation frame. A fresh browser context has an empty cache. The login page
// is loaded cold three times; the median must be within 1.5 s.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { launchBrowser, loginAs, newPage, startServer } from './harness.mjs'

const kLoginBudgetMs = 1500
const kBoardBudgetMs = 5000

async function throttled(browser, cookies = []) {
  const page = await newPage(browser)
  if (cookies.length) await page.context().addCookies(cookies)
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 })
  return page
}

// Navigates and answers the page's own clock at the first frame where `usable` holds.
async function timeToUsable(page, url, usable) {
  await page.goto(url, { waitUntil: 'commit' })
  const handle = await page.waitForFunction(usable, null, { polling: 'raf', timeout: 30_000 })
  return Math.round(await handle.jsonValue())
}

function loginUsable() {
  const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === '登录')
  const field = document.getElementById('login-username')
  if (!button || !field || button.disabled || button.getClientRects().length === 0) return false
  return performance.now()
}

function boardUsable() {
  const main = document.querySelector('.shell-main')
  const logout = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === '退出登录')
  if (!main || !logout || main.innerText.trim().length === 0) return false
  if (main.querySelector('.is-loading, .el-loading-mask')) return false
  return performance.now()
}

test('the login page is usable within 1.5 s on a cold load with the CPU throttled 4×', async (t) => {
  const server = await startServer()
  const browser = await launchBrowser()
  try {
    const times = []
    for (let run = 0; run < 3; run++) {
      const page = await throttled(browser)
      times.push(await timeToUsable(page, server.url + '/login', loginUsable))
      await page.context().close()
    }
    // The median of three cold loads: one load slowed by another process on a
    // busy machine does not decide alone.
    const median = [...times].sort((a, b) => a - b)[1]
    const message = `login page first usable (cold, CPU 4x): ${times.join(' / ')} ms, median ${median} ms (budget ${kLoginBudgetMs} ms)`
    t.diagnostic(message)
    console.log(message)
    assert.ok(median <= kLoginBudgetMs, message)
  } finally {
    await browser.close()
    await server.stop()
  }
})

test('the board after login loads within a loose budget on a cold load with the CPU throttled 4×', async (t) => {
  const server = await startServer()
  const browser = await launchBrowser()
  try {
    await server.createUser({ username: 'dispatch1', password: 'dispatch-pass-1', role: 'dispatcher' })
    const login = await newPage(browser)
    await loginAs(login, server.url, 'dispatch1', 'dispatch-pass-1')
    const cookies = await login.context().cookies()
    await login.context().close()

    const page = await throttled(browser, cookies)
    const ms = await timeToUsable(page, server.url + '/board', boardUsable)
    const message = `board first usable after login (cold, CPU 4x): ${ms} ms (budget ${kBoardBudgetMs} ms)`
    t.diagnostic(message)
    console.log(message)
    assert.equal(new URL(page.url()).pathname, '/board')
    assert.ok(ms <= kBoardBudgetMs, message)
  } finally {
    await browser.close()
    await server.stop()
  }
})
