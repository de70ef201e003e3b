// Shared by the board, dashboard and admin browser tests: cases made over
// the JSON API (as the bootstrap admin, who may apply every event), and the
// users of each role.
import assert from 'node:assert/strict'
import { launchBrowser, startServer } from './harness.mjs'

export const passwords = {
  dispatcher1: 'dispatch-pass-1',
  auditor1: 'audit-pass-1',
  handler1: 'handle-pass-1',
  admin1: 'admin-pass-1',
  desk1: 'desk-pass-1',
}

export async function makeUsers(server) {
  await server.createUser({ username: 'dispatcher1', password: passwords.dispatcher1, role: 'dispatcher', display_name: '派单员老李' })
  await server.createUser({ username: 'auditor1', password: passwords.auditor1, role: 'auditor', display_name: '审计员小周' })
  await server.createUser({
    username: 'handler1',
    password: passwords.handler1,
    role: 'handler',
    department: 'urban',
    display_name: '城管小陈',
  })
  await server.createUser({ username: 'admin1', password: passwords.admin1, role: 'admin', display_name: '管理员' })
  await server.createUser({ username: 'desk1', password: passwords.desk1, role: 'desk', display_name: '窗口小王' })
}

let serial = 0
// A case over the API; `over` changes any field of the body.
export async function createCase(server, over = {}) {
  serial++
  const kind = over.kind ?? 'request'
  const body = {
    kind,
    category: kind === 'request' ? 'facility_repair' : 'neighbour',
    title: `${kind === 'request' ? '路灯不亮' : '邻里噪音'} ${serial}`,
    channel: 'desk',
    location: { community: 'LF', grid: 'LF-G01' },
    parties:
      kind === 'request'
        ? [{ role: 'applicant', name: '张三' }]
        : [
            { role: 'applicant', name: '张三' },
            { role: 'respondent', name: '李四' },
          ],
    ...over,
  }
  const answer = await server.api('POST', '/api/v1/cases', body)
  assert.equal(answer.status, 201, JSON.stringify(answer.body))
  return answer.body
}

export async function applyEvent(server, c, event, payload = {}) {
  const answer = await server.api('POST', `/api/v1/cases/${c.id}/events`, { event, ...payload })
  assert.equal(answer.status, 200, `${event}: ${JSON.stringify(answer.body)}`)
  return answer.body
}

// `count` cases over the API, `concurrency` at a time; returns how long it took.
export async function seedCases(server, count, concurrency = 16, over = {}) {
  const started = Date.now()
  let next = 0
  async function worker() {
    while (next < count) {
      next++
      await createCase(server, over)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return Date.now() - started
}

// Every case of a list query, following next_cursor.
export async function listAll(server, path, query = {}, token) {
  const items = []
  let cursor = null
  do {
    const params = new URLSearchParams({ ...query, limit: '500', ...(cursor ? { cursor } : {}) })
    const answer = await server.api('GET', `${path}?${params}`, undefined, token)
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    items.push(...answer.body.items)
    cursor = answer.body.next_cursor
  } while (cursor)
  return items
}

// Picks `option` of the Element Plus select labelled `label` (looked up in
// `scope`, the whole page by default), and waits until the select holds it.
// The option is found in the listbox this select controls (its
// aria-controls), not anywhere on the page: other selects have options of
// the same names. Chromium may still move a dropdown that is opening between
// Playwright's hit test and the click, so a click that chose nothing is
// tried again, up to three times; a select that never takes the option
// fails the test.
export async function choose(page, label, option, scope = page) {
  const box = scope.getByRole('combobox', { name: label, exact: true })
  const wrapper = box.locator('xpath=ancestor::div[contains(@class, "el-select__wrapper")]')
  const item = page.locator(`[id="${await box.getAttribute('aria-controls')}"]`).getByRole('option', { name: option, exact: true })
  const chosen = item.and(page.locator('[aria-selected="true"]'))
  for (let attempt = 1; ; attempt++) {
    if ((await box.getAttribute('aria-expanded')) !== 'true') await wrapper.click()
    await item.click()
    try {
      await chosen.waitFor({ state: 'attached', timeout: 5000 })
      return
    } catch (error) {
      if (attempt === 3) throw error
    }
  }
}

// Moves inside the single-page app without a reload (a reload would lose a
// bearer token kept in memory where the server has no session cookie).
export async function navigate(page, path) {
  await page.evaluate((to) => {
    window.history.pushState({}, '', to)
    window.dispatchEvent(new PopStateEvent('popstate', { state: window.history.state }))
  }, path)
}

// Runs `body(server, browser)` against a fresh server with the users of
// makeUsers() and a browser, and stops both whatever happens. `options` go to
// startServer() (extra env or serve flags).
export async function withServer(body, options = {}) {
  const server = await startServer(options)
  const browser = await launchBrowser()
  try {
    await makeUsers(server)
    await body(server, browser)
  } finally {
    await browser.close()
    await server.stop()
  }
}
