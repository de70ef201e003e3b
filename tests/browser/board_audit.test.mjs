// The dispatcher's board and the reviewer's dashboard over the real server
// (SQLite or PostgreSQL, OUTPOST_TEST_BACKEND): what each user sees, checked
// against what the JSON API answers.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { launchBrowser, loginAs, newPage, screenshot, startServer } from './harness.mjs'
import { applyEvent, choose, createCase, listAll, makeUsers, navigate, passwords, seedCases } from './fb_support.mjs'

async function tabCount(page, title) {
  const text = await page.getByRole('tab', { name: new RegExp(`^${title}`) }).innerText()
  const match = /（(\d+\+?)）/.exec(text)
  return match ? match[1] : null
}

async function tableNumbers(page) {
  return await page.getByRole('region', { name: '案件列表' }).locator('a.case-link').allInnerTexts()
}

test('board: the queues with their counts, filters narrow the list, bulk assign moves the cases', async () => {
  const server = await startServer()
  const browser = await launchBrowser()
  try {
    await makeUsers(server)
    const plain = [await createCase(server), await createCase(server), await createCase(server)]
    const elsewhere = [
      await createCase(server, { location: { community: 'JS', grid: 'JS-G01' } }),
      await createCase(server, { location: { community: 'JS', grid: 'JS-G02' } }),
    ]
    const dispute = await applyEvent(server, await createCase(server, { kind: 'dispute' }), 'accept')
    const toSign = await applyEvent(server, await createCase(server), 'dispatch', { department: 'urban' })
    let flagged = await createCase(server)
    for (let i = 0; i < 2; i++) {
      flagged = await applyEvent(server, flagged, 'dispatch', { department: 'urban' })
      flagged = await applyEvent(server, flagged, 'return_dispatch', { reason: '不属于本部门职责' })
    }
    assert.deepEqual(flagged.flags, ['arbitration'])
    const queue = (await server.api('GET', '/api/v1/queues/dispatch?limit=1')).body

    const page = await newPage(browser)
    await loginAs(page, server.url, 'dispatcher1', passwords.dispatcher1)
    await navigate(page, '/board')
    await page.getByRole('region', { name: '案件列表' }).locator('a.case-link').first().waitFor()
    await page.getByRole('tab', { name: /^待派单（/ }).waitFor()
    assert.equal(await tabCount(page, '待派单'), String(queue.counts.awaiting))
    assert.equal(queue.counts.awaiting, plain.length + elsewhere.length + 2)
    assert.equal(await tabCount(page, '已退回'), String(queue.counts.returned))
    assert.equal(await tabCount(page, '待裁定'), String(queue.counts.arbitration))
    assert.equal(await tabCount(page, '待签收'), '1')
    const queueItems = await listAll(server, '/api/v1/queues/dispatch')
    assert.deepEqual((await tableNumbers(page)).sort(), queueItems.map((c) => c.number).sort())
    assert.ok(!(await tableNumbers(page)).includes(toSign.number))

    await page.getByRole('tab', { name: /^待裁定/ }).click()
    await page.getByRole('region', { name: '案件列表' }).getByText(flagged.number).waitFor()
    assert.deepEqual(await tableNumbers(page), [flagged.number])
    await page.getByRole('tab', { name: /^待签收/ }).click()
    await page.getByRole('region', { name: '案件列表' }).getByText(toSign.number).waitFor()
    assert.deepEqual(await tableNumbers(page), [toSign.number])

    // 督办: the queue of another change; without it the tab says so.
    const escalated = await server.api('GET', '/api/v1/queues/escalated?limit=1')
    await page.getByRole('tab', { name: /^督办/ }).click()
    if (escalated.status === 404) await page.getByText('本服务器尚未提供督办队列接口').waitFor()
    else assert.equal(await tabCount(page, '督办'), String(escalated.body.counts?.total ?? 0))

    // Filters: community 金山 (JS) on all cases, as the list API answers it.
    await page.getByRole('tab', { name: '全部案件' }).click()
    await page.getByRole('region', { name: '案件列表' }).getByText(dispute.number).waitFor()
    const jurisdiction = (await server.api('GET', '/api/v1/jurisdiction')).body
    const js = jurisdiction.communities.find((c) => c.code === 'JS')
    await choose(page, '社区', js.name)
    await page.getByRole('button', { name: '查询' }).click()
    const expected = await listAll(server, '/api/v1/cases', { community: 'JS' })
    assert.equal(expected.length, elsewhere.length)
    await page.waitForFunction(
      (n) => document.querySelectorAll('table a.case-link').length === n,
      expected.length,
    )
    assert.deepEqual((await tableNumbers(page)).sort(), expected.map((c) => c.number).sort())

    // Bulk assign: two plain requests and the flagged one (needs a supervisor's ruling).
    await page.getByRole('tab', { name: /^待派单/ }).click()
    await page.getByRole('region', { name: '案件列表' }).getByText(flagged.number).waitFor()
    for (const c of [plain[0], plain[1], flagged]) await page.getByLabel(`选择 ${c.number}`).check()
    await page.getByRole('button', { name: '批量派单（3）' }).click()
    const dialog = page.getByRole('dialog', { name: '批量派单' })
    await choose(page, '承办部门', '城管')
    const staff = (await server.api('GET', '/api/v1/staff?department=urban&active=true')).body.items[0]
    await choose(page, '承办人员', `${staff.name}（${staff.id}）`)
    await screenshot(page, 'board-bulk-assign')
    await dialog.getByRole('button', { name: '确定派单' }).click()
    await dialog.getByText('派单完成：成功 2 件，失败 1 件').waitFor()
    await dialog.getByText('多次退单待裁定，须由主管裁定派单').waitFor()
    for (const c of [plain[0], plain[1]]) {
      const now = (await server.api('GET', `/api/v1/cases/${c.id}`)).body
      assert.equal(now.state, 'dispatched')
      assert.equal(now.assignment.department, 'urban')
      assert.deepEqual(now.assignment.assignees, [staff.id])
    }
    assert.equal((await server.api('GET', `/api/v1/cases/${flagged.id}`)).body.state, 'submitted')
    await dialog.getByRole('button', { name: '关闭', exact: true }).click()
    const after = (await server.api('GET', '/api/v1/queues/dispatch?limit=1')).body
    await page.getByRole('tab', { name: `待派单（${after.counts.awaiting}）` }).waitFor()
    await page.waitForFunction((n) => !document.body.innerText.includes(n), plain[0].number)
    await screenshot(page, 'board')
  } finally {
    await browser.close()
    await server.stop()
  }
})

test('board: roles without assignment see no bulk-assign controls and no admin menu', async () => {
  const server = await startServer()
  const browser = await launchBrowser()
  try {
    await makeUsers(server)
    const c = await createCase(server)
    await applyEvent(server, c, 'dispatch', { department: 'urban' })
    for (const [user, role] of [
      ['handler1', 'handler'],
      ['auditor1', 'auditor'],
    ]) {
      const page = await newPage(browser)
      await loginAs(page, server.url, user, passwords[user])
      await navigate(page, '/board?tab=to_sign')
      await page.getByRole('region', { name: '案件列表' }).getByText(c.number).waitFor()
      assert.equal(await page.getByRole('button', { name: /批量派单/ }).count(), 0, role)
      assert.equal(await page.getByLabel(`选择 ${c.number}`).count(), 0, role)
      const menu = page.getByRole('menubar', { name: '主菜单' })
      await menu.getByText('派单台').waitFor()
      assert.equal(await menu.getByText('系统管理').count(), 0, role)
      await navigate(page, '/admin')
      await page.waitForTimeout(1000)
      await page.getByRole('heading', { name: '派单台' }).waitFor()
      assert.equal(await page.getByRole('heading', { name: '系统管理' }).count(), 0, role)
      await page.context().close()
    }
  } finally {
    await browser.close()
    await server.stop()
  }
})

test('board: 10,000 open cases page forward without lag (server-side paging)', async () => {
  const server = await startServer()
  const browser = await launchBrowser()
  try {
    await makeUsers(server)
    const total = 10_000
    const seedMs = await seedCases(server, total, 16)
    console.log(`seeded ${total} cases over the API in ${seedMs} ms (${server.database.backend})`)
    const page = await newPage(browser)
    await loginAs(page, server.url, 'dispatcher1', passwords.dispatcher1)
    const started = Date.now()
    await navigate(page, '/board')
    await page.getByRole('tab', { name: `待派单（${total}）` }).waitFor()
    await page.getByRole('region', { name: '案件列表' }).locator('a.case-link').first().waitFor()
    console.log(`board first page with ${total} open cases: ${Date.now() - started} ms`)
    const seen = new Set(await tableNumbers(page))
    assert.equal(seen.size, 50)
    const times = []
    for (let n = 2; n <= 8; n++) {
      const first = (await tableNumbers(page))[0]
      const t0 = Date.now()
      await page.getByRole('button', { name: '下一页' }).click()
      await page.getByText(`第 ${n} 页 · 本页 50 条`).waitFor()
      await page.waitForFunction((f) => document.querySelector('table a.case-link')?.textContent !== f, first)
      times.push(Date.now() - t0)
      const numbers = await tableNumbers(page)
      assert.equal(numbers.length, 50)
      for (const x of numbers) {
        assert.ok(!seen.has(x), `page ${n} repeats ${x}`)
        seen.add(x)
      }
    }
    console.log(`paging forward, ms per page: ${times.join(', ')} (max ${Math.max(...times)})`)
    assert.ok(Math.max(...times) < 3000, `a page took ${Math.max(...times)} ms`)
    await screenshot(page, 'board-10000')
  } finally {
    await browser.close()
    await server.stop()
  }
})
