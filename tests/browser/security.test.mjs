// The console's security as chromium sees it: the headers it received, the
// session cookie out of reach of scripts, a state-changing request without
// the CSRF token refused with nothing changed, the idle time-out and the
// failed-login lock and back-off told in Chinese.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { launchBrowser, loginAs, newPage, screenshot, startServer } from './harness.mjs'

const csp =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

const dispute = {
  kind: 'dispute',
  category: 'neighbour',
  title: '楼上漏水影响楼下住户',
  description: '楼上卫生间漏水，双方就维修费用协商未果。',
  channel: 'desk',
  location: { community: 'LF', grid: 'LF-G01', address: '西山坪家属区3栋' },
  parties: [
    { role: 'applicant', name: '张秀英', phone: '13800138000' },
    { role: 'respondent', name: '李建国', phone: '13900139000' },
  ],
}

async function caseCount(server) {
  const answer = await server.api('GET', '/api/v1/cases')
  assert.equal(answer.status, 200)
  return answer.body.items.length
}

test('headers as received, HttpOnly cookie, and a request without the CSRF token changes nothing', async () => {
  const server = await startServer()
  const browser = await launchBrowser()
  try {
    await server.createUser({ username: 'desk1', password: 'desk-pass-1', role: 'desk' })
    const page = await newPage(browser)
    const violations = []
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text())
    })
    const assets = []
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.startsWith('/assets/')) assets.push(r)
    })
    const document = await page.goto(server.url + '/login')
    const headers = document.headers()
    assert.equal(headers['content-security-policy'], csp)
    assert.equal(headers['x-frame-options'], 'DENY')
    assert.equal(headers['x-content-type-options'], 'nosniff')
    assert.equal(headers['referrer-policy'], 'same-origin')
    assert.equal(headers['cache-control'], 'no-cache')
    assert.match(headers["etag"], /^"[0-9a-f]{64}(-gzip)?"$/)
    await page.getByRole('button', { name: '登录' }).waitFor()
    assert.ok(assets.length >= 2, 'the page loads its scripts and styles from /assets/')
    for (const r of assets) {
      assert.equal(r.headers()['cache-control'], 'public, max-age=31536000, immutable', r.url())
      assert.equal(r.headers()['content-encoding'], 'gzip', r.url())
    }

    await loginAs(page, server.url, 'desk1', 'desk-pass-1')
    const [cookie] = (await page.context().cookies()).filter((c) => c.name === 'outpost_session')
    assert.ok(cookie, 'the session cookie is set')
    assert.equal(cookie.httpOnly, true)
    assert.equal(cookie.sameSite, 'Strict')
    assert.equal(cookie.path, '/')
    assert.equal(await page.evaluate(() => document.cookie.includes('outpost_session')), false)

    const before = await caseCount(server)
    const refused = await page.evaluate(async (body) => {
      const r = await fetch('/api/v1/cases', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
      return { status: r.status, type: r.headers.get('content-type'), body: await r.json() }
    }, dispute)
    assert.equal(refused.status, 403)
    assert.equal(refused.type, 'application/problem+json')
    assert.equal(refused.body.type, '/problems/csrf')
    assert.equal(await caseCount(server), before)

    // The same request with the session's token goes through: the token was all it lacked.
    const accepted = await page.evaluate(async (body) => {
      const session = await (await fetch('/api/v1/session')).json()
      const r = await fetch('/api/v1/cases', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token },
        body: JSON.stringify(body),
      })
      return { status: r.status, body: await r.text() }
    }, dispute)
    assert.equal(accepted.status, 201, accepted.body)
    assert.equal(await caseCount(server), before + 1)
    assert.deepEqual(violations, [])
  } finally {
    await browser.close()
    await server.stop()
  }
})

test('a session left idle ends: the login page says 会话已超时', async () => {
  const server = await startServer({ env: { OUTPOST_SESSION_IDLE_SECONDS: '3' } })
  const browser = await launchBrowser()
  try {
    await server.createUser({ username: 'desk2', password: 'desk-pass-2', role: 'desk', display_name: '窗口小赵' })
    const page = await newPage(browser)
    await loginAs(page, server.url, 'desk2', 'desk-pass-2')
    // A signed-in page that sends nothing by itself (no polling) while it waits.
    await page.goto(server.url + '/no-such-page')
    await page.getByText('窗口小赵').waitFor()
    await page.getByText('会话已超时').waitFor({ timeout: 15_000 })
    assert.equal(new URL(page.url()).pathname, '/login')
    await page.getByLabel('用户名').waitFor()
    await screenshot(page, 'security-session-expired')
    const answer = await page.evaluate(async () => (await fetch('/api/v1/session')).status)
    assert.equal(answer, 401)
  } finally {
    await browser.close()
    await server.stop()
  }
})

async function tryLogin(page, password) {
  await page.getByLabel('密码').fill(password)
  await page.getByRole('button', { name: '登录' }).click()
}

test('repeated failed logins: the lock and the back-off are told in Chinese', async () => {
  // Locked after 3 failures in a row for 120 s; no back-off before the lock.
  const server = await startServer({
    env: {
      OUTPOST_LOGIN_MAX_FAILURES: '3',
      OUTPOST_LOGIN_LOCK_SECONDS: '120',
      OUTPOST_LOGIN_BACKOFF_AFTER: '3',
      OUTPOST_LOGIN_DELAY_MS: '0',
    },
  })
  const browser = await launchBrowser()
  try {
    await server.createUser({ username: 'desk3', password: 'desk-pass-3', role: 'desk' })
    const page = await newPage(browser)
    await page.goto(server.url + '/login')
    await page.getByLabel('用户名').fill('desk3')
    const alert = page.getByRole('alert')
    for (let i = 1; i <= 2; i++) {
      await tryLogin(page, `wrong-password-${i}`)
      await alert.getByText('用户名或密码错误。').waitFor()
      await page.waitForFunction(() => !document.querySelector('button.is-loading'))
    }
    await tryLogin(page, 'wrong-password-3')
    await alert.getByText('登录失败次数过多，账号已暂时锁定，请于 2 分钟后再试。').waitFor()
    // Even the right password is refused while the lock lasts.
    await tryLogin(page, 'desk-pass-3')
    await page.waitForFunction(() => !document.querySelector('button.is-loading'))
    await alert.getByText('账号已暂时锁定').waitFor()
    assert.equal(new URL(page.url()).pathname, '/login')
    await screenshot(page, 'security-login-locked')
  } finally {
    await browser.close()
    await server.stop()
  }

  // From 2 failures in a row on, the next attempt must wait (here 3 s).
  const slow = await startServer({
    env: { OUTPOST_LOGIN_BACKOFF_AFTER: '2', OUTPOST_LOGIN_DELAY_MS: '2000' },
  })
  const browser2 = await launchBrowser()
  try {
    await slow.createUser({ username: 'desk4', password: 'desk-pass-4', role: 'desk' })
    const page = await newPage(browser2)
    await page.goto(slow.url + '/login')
    await page.getByLabel('用户名').fill('desk4')
    const alert = page.getByRole('alert')
    await tryLogin(page, 'wrong-password-1')
    await alert.getByText('用户名或密码错误。').waitFor()
    await page.waitForFunction(() => !document.querySelector('button.is-loading'))
    await tryLogin(page, 'wrong-password-2')
    await page.waitForFunction(() => !document.querySelector('button.is-loading'))
    await tryLogin(page, 'desk-pass-4')
    await alert.getByText(/登录尝试过于频繁，请于 \d 秒后再试。/).waitFor()
  } finally {
    await browser2.close()
    await slow.stop()
  }
})
