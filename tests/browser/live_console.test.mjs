// The console's live board and its permission-driven controls, in a real
// browser against the real server (SQLite or PostgreSQL):
//  - the board's 15 s poll gets 304 while nothing changes, in working hours
//    when every case's time left ticks (the lists carry fixed instants), and
//    shows a new case at the next poll without a reload; the deadlines are
//    green / amber / red by the instants the list carries;
//  - the reveal button and the note form follow the session's actions
//    (config/permissions.json), not role names: a server whose permissions
//    take `reveal` and `add_note` from the desk and give `reveal` to the
//    dispatcher shows them accordingly.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loginAs, newPage, repoRoot, screenshot } from './harness.mjs'
import { applyEvent, createCase, navigate, passwords, withServer } from './fb_support.mjs'

const kMinute = 60_000
const kDay = 24 * 60 * kMinute
const kChina = 8 * 60 * kMinute

// The server's test clock (adapters/cli/serve_clock.hpp): the system time plus
// the milliseconds this file holds.
function testClock() {
  const file = path.join(os.tmpdir(), `outpost-browser-clock-${process.pid}-${Date.now()}`)
  return {
    env: { OUTPOST_TEST_CLOCK_FILE: file, OUTPOST_DEADLINE_INTERVAL_MS: '200' },
    set(at) {
      fs.writeFileSync(file + '.new', String(at - Date.now()))
      fs.renameSync(file + '.new', file)
    },
    remove: () => fs.rmSync(file, { force: true }),
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// 10:00 (+08:00) of a coming Wednesday on which a request's clock runs (no
// holiday): the server is moved there and a case made then, whose time left
// must go down between two reads. Returns that instant and the case.
async function intoWorkingHours(server, clock) {
  let day = Math.floor((Date.now() + kChina) / kDay + 1) * kDay - kChina
  while (Math.floor((day + kChina) / kDay) % 7 !== 6) day += kDay // 1970-01-01 was a Thursday
  for (let week = 0; week < 8; week++, day += 7 * kDay) {
    const at = day + 10 * 60 * kMinute
    clock.set(at)
    const c = await createCase(server, { title: '工作时间探测' })
    await sleep(1200)
    const now = (await server.api('GET', `/api/v1/cases/${c.id}`)).body
    if (now.time_left_seconds < c.time_left_seconds) return { at, first: c }
  }
  throw new Error('no working Wednesday in the next eight weeks')
}

function rowOf(page, number) {
  return page.getByRole('region', { name: '案件列表' }).locator('tr', { hasText: number })
}

test('board: polls answer 304 while nothing changes, a new case appears without a reload, deadlines coloured', async () => {
  const clock = testClock()
  try {
    await withServer(
      async (server, browser) => {
        // T: a case whose hour to dispatch runs out first (red), one made 50 min
        // later (amber once 80 % is used) and one 70 min later (green).
        const { at: t, first: late } = await intoWorkingHours(server, clock)
        clock.set(t + 50 * kMinute)
        const warned = await createCase(server, { title: '即将到期的诉求' })
        clock.set(t + 70 * kMinute)
        const fresh = await createCase(server, { title: '刚登记的诉求' })
        const shown = t + 100 * kMinute
        clock.set(shown)
        // The board's browser lives at the server's time.
        const page = await newPage(browser)
        await page.clock.setFixedTime(shown)
        const polls = []
        page.on('response', (r) => {
          if (r.url().includes('/api/v1/queues/dispatch?') && r.request().headers()['if-none-match']) polls.push(r.status())
        })
        await loginAs(page, server.url, 'dispatcher1', passwords.dispatcher1)
        await navigate(page, '/board')
        const listed = (await server.api('GET', '/api/v1/queues/dispatch?limit=50')).body.items
        assert.equal(listed.find((c) => c.id === late.id).overdue, true)
        assert.ok(listed.every((c) => !('time_left_seconds' in c) && 'warning_at' in c))

        for (const [c, level, text] of [
          [late, 'overdue', /已超期/],
          [warned, 'warning', /截止/],
          [fresh, 'ok', /截止/],
        ]) {
          const cell = rowOf(page, c.number).locator(`.deadline-${level}`)
          await cell.waitFor()
          assert.match(await cell.innerText(), text)
        }
        // Amber from the list's warning_at, which the fresh case has not reached.
        const fromList = (c) => listed.find((x) => x.id === c.id)
        assert.ok(Date.parse(fromList(warned).warning_at) <= shown && Date.parse(fromList(warned).deadline) > shown)
        assert.ok(Date.parse(fromList(fresh).warning_at) > shown)
        await screenshot(page, 'board-live-deadlines')

        // The timer's polls, with nothing changed: 304 and the table as it was.
        await page.evaluate(() => {
          window.__sameDocument = true
        })
        await page.getByText(/更新于 .*（无变化）/).waitFor({ timeout: 20_000 })
        assert.ok(polls.length >= 1 && polls.every((s) => s === 304), `polls: ${polls}`)
        const unchanged = polls.length

        // A change: a new case; the next poll brings it in.
        const added = await createCase(server, { title: '新登记的诉求' })
        await rowOf(page, added.number).waitFor({ timeout: 20_000 })
        assert.ok(polls.slice(unchanged).includes(200), `polls: ${polls}`)
        assert.ok(await page.evaluate(() => window.__sameDocument === true), 'the board was not reloaded')
        await rowOf(page, added.number).locator('.deadline-ok').waitFor()

        // Dispatched elsewhere: it leaves the queue at the next poll.
        await applyEvent(server, added, 'dispatch', { department: 'urban' })
        await rowOf(page, added.number).waitFor({ state: 'detached', timeout: 20_000 })
        assert.ok(await page.evaluate(() => window.__sameDocument === true))
        await screenshot(page, 'board-live-after-change')
      },
      { env: clock.env },
    )
  } finally {
    clock.remove()
  }
})

// A copy of config/ whose permissions.json moves `reveal` and `add_note`.
function configWithMovedActions() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-config-'))
  fs.cpSync(path.join(repoRoot, 'config'), dir, { recursive: true })
  const file = path.join(dir, 'permissions.json')
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'))
  doc.actions.reveal = doc.actions.reveal.filter((r) => r !== 'desk').concat('dispatcher')
  doc.actions.add_note = doc.actions.add_note.filter((r) => r !== 'desk')
  fs.writeFileSync(file, JSON.stringify(doc, null, 2))
  return dir
}

test('case page: the reveal button and the note form follow the actions the session lists', async () => {
  const config = configWithMovedActions()
  try {
    await withServer(
      async (server, browser) => {
        const c = await createCase(server, {
          kind: 'dispute',
          parties: [
            { role: 'applicant', name: '张三', phone: '13800138000' },
            { role: 'respondent', name: '李四', phone: '13900139000' },
          ],
        })
        const sessionOf = (page) => page.evaluate(async () => (await fetch('/api/v1/session')).json())
        const seen = {}
        for (const user of ['desk1', 'dispatcher1']) {
          const page = await newPage(browser)
          await loginAs(page, server.url, user, passwords[user])
          await navigate(page, `/cases/${c.id}`)
          await page.getByRole('heading', { name: c.number }).waitFor()
          // The attachment upload (add_attachment, which all three keep) shows the page is complete.
          await page.getByLabel('上传附件').waitFor({ state: 'attached' })
          const actions = (await sessionOf(page)).actions
          seen[user] = {
            reveal: await page.getByRole('button', { name: '查看完整信息' }).count(),
            note: await page.getByLabel('新备注').count(),
            actions,
          }
          if (user === 'desk1') {
            await page.getByRole('region', { name: '当事人信息' }).scrollIntoViewIfNeeded()
            await screenshot(page, 'case-desk-without-reveal')
          }
          await page.context().close()
        }
        // The desk lost both (the shipped file grants them), the dispatcher was given reveal.
        assert.deepEqual(seen.desk1, { reveal: 0, note: 0, actions: seen.desk1.actions })
        assert.ok(!seen.desk1.actions.includes('reveal') && !seen.desk1.actions.includes('add_note'))
        assert.equal(seen.dispatcher1.reveal, 1)
        assert.equal(seen.dispatcher1.note, 1)
        assert.ok(seen.dispatcher1.actions.includes('reveal'))
        // The server applies the same file: the desk's reveal is refused.
        const desk = await server.api('POST', '/api/v1/login', { username: 'desk1', password: passwords.desk1 })
        const refused = await server.api('POST', `/api/v1/cases/${c.id}/reveal`, { purpose: '核实身份' }, desk.body.token)
        assert.equal(refused.status, 403)
      },
      { env: { OUTPOST_CONFIG_DIR: config } },
    )
  } finally {
    fs.rmSync(config, { recursive: true, force: true })
  }
})
