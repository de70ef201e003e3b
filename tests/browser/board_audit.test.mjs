// The dispatcher's board and the reviewer's dashboard over the real server
// (SQLite or PostgreSQL, OUTPOST_TEST_BACKEND): what each user sees, checked
// against what the JSON API answers.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loginAs, newPage, screenshot } from './harness.mjs'
import { applyEvent, choose, createCase, listAll, navigate, passwords, seedCases, withServer } from './fb_support.mjs'

async function tabCount(page, title) {
  const text = await page.getByRole('tab', { name: new RegExp(`^${title}`) }).innerText()
  const match = /（(\d+\+?)）/.exec(text)
  return match ? match[1] : null
}

async function tableNumbers(page) {
  return await page.getByRole('region', { name: '案件列表' }).locator('a.case-link').allInnerTexts()
}

test('board: the queues with their counts, filters narrow the list, bulk assign moves the cases', () =>
  withServer(async (server, browser) => {
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
    // 待签收 and 已超期 are exact: the list's total (count=true) for their filter.
    const totalOf = async (query) =>
      (await server.api('GET', `/api/v1/cases?${new URLSearchParams({ ...query, limit: '1', count: 'true' })}`)).body.total
    assert.equal(await totalOf({ state: 'dispatched' }), 1)
    await page.getByRole('tab', { name: /^待签收（1）/ }).waitFor()
    assert.equal(await tabCount(page, '已超期'), String(await totalOf({ overdue: 'true' })))
    const queueItems = await listAll(server, '/api/v1/queues/dispatch')
    assert.deepEqual((await tableNumbers(page)).sort(), queueItems.map((c) => c.number).sort())
    assert.ok(!(await tableNumbers(page)).includes(toSign.number))

    await page.getByRole('tab', { name: /^待裁定/ }).click()
    await page.getByRole('region', { name: '案件列表' }).getByText(flagged.number).waitFor()
    assert.deepEqual(await tableNumbers(page), [flagged.number])
    const returned = await listAll(server, '/api/v1/queues/dispatch', { returned: 'true' })
    await page.getByRole('tab', { name: /^已退回/ }).click()
    await page.getByRole('region', { name: '案件列表' }).getByText(flagged.number).waitFor()
    assert.deepEqual(await tableNumbers(page), returned.map((c) => c.number))
    await page.getByRole('tab', { name: /^待签收/ }).click()
    await page.getByRole('region', { name: '案件列表' }).getByText(toSign.number).waitFor()
    assert.deepEqual(await tableNumbers(page), [toSign.number])

    // 督办: the queue of another change; without it the tab says so.
    const escalated = await server.api('GET', '/api/v1/queues/escalated?limit=1')
    await page.getByRole('tab', { name: /^督办/ }).click()
    if (escalated.status === 404) await page.getByText('本服务器尚未提供督办队列接口').waitFor()
    else assert.equal(await tabCount(page, '督办'), String(escalated.body.counts?.total ?? 0))

    // A poll of an unchanged list sends its ETag and gets 304: the table stays as it is.
    await page.getByRole('tab', { name: /^已超期/ }).click()
    await page.getByText(/更新于/).waitFor()
    const unchanged = page.waitForResponse((r) => r.url().includes('overdue=true') && r.status() === 304)
    await page.getByRole('button', { name: '立即刷新' }).click()
    assert.ok((await unchanged).request().headers()['if-none-match'].startsWith('W/"'))
    await page.getByText(/更新于 .*（无变化）/).waitFor()

    // Server-side sort: the board asks the API for the order and shows it.
    await page.getByRole('tab', { name: '全部案件' }).click()
    await page.getByRole('region', { name: '案件列表' }).getByText(dispute.number).waitFor()
    for (const [label, sort] of [
      ['时限（最紧→最宽）', 'deadline'],
      ['登记时间（旧→新）', 'created_at'],
      ['最近更新在前', '-updated_at'],
    ]) {
      const asked = page.waitForResponse((r) => r.url().includes(`sort=${encodeURIComponent(sort)}`) && r.status() === 200)
      await choose(page, '排序', label)
      await asked
      const ordered = (await listAll(server, '/api/v1/cases', { sort })).map((c) => c.number)
      await page
        .waitForFunction(
          (want) => [...document.querySelectorAll('table a.case-link')].map((a) => a.textContent).join() === want,
          ordered.join(),
          { timeout: 5000 },
        )
        .catch(() => undefined)
      assert.deepEqual(await tableNumbers(page), ordered, `sort=${sort}`)
      if (sort === 'deadline') await screenshot(page, 'board-sorted-deadline')
    }
    await choose(page, '排序', '登记时间（新→旧）')

    // Filters: community 金山 (JS) on all cases, as the list API answers it.
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
    // A refresh (what the 15 s poll does) keeps the page and the selection.
    const stamp = await page.getByText(/更新于/).innerText()
    await page.waitForTimeout(1100)
    await page.getByRole('button', { name: '立即刷新' }).click()
    await page.waitForFunction((s) => !document.body.innerText.includes(s), stamp)
    for (const c of [plain[0], plain[1], flagged]) assert.ok(await page.getByLabel(`选择 ${c.number}`).isChecked())
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
    await page.setViewportSize({ width: 1024, height: 768 })
    await page.getByRole('button', { name: '下一页' }).waitFor()
    await screenshot(page, 'board-1024')
  }))

test('board: roles without assignment see no bulk-assign controls and no admin menu', () =>
  withServer(async (server, browser) => {
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
  }))

test('board: 10,000 open cases page forward without lag (server-side paging)', () =>
  withServer(async (server, browser) => {
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
    const fetches = [] // the page's own figure: the API call and its JSON
    for (let n = 2; n <= 8; n++) {
      const first = (await tableNumbers(page))[0]
      const t0 = Date.now()
      await page.getByRole('button', { name: '下一页' }).click()
      await page.getByText(`第 ${n} 页 · 本页 50 条`).waitFor()
      await page.waitForFunction((f) => document.querySelector('table a.case-link')?.textContent !== f, first)
      times.push(Date.now() - t0)
      fetches.push(Number(/用时 (\d+) 毫秒/.exec(await page.getByText(/用时 \d+ 毫秒/).innerText())[1]))
      const numbers = await tableNumbers(page)
      assert.equal(numbers.length, 50)
      for (const x of numbers) {
        assert.ok(!seen.has(x), `page ${n} repeats ${x}`)
        seen.add(x)
      }
    }
    console.log(`paging forward, ms per page: ${times.join(', ')} (max ${Math.max(...times)}); of which fetching: ${fetches.join(', ')}`)
    assert.ok(Math.max(...times) < 3000, `a page took ${Math.max(...times)} ms`)
    await screenshot(page, 'board-10000')
  }))

// 2026-12-06 16:40:05 in Asia/Shanghai (the browser's zone) for a date-time picker.
function shanghai(ms) {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
}

function shown(figure, unit) {
  if (!figure || figure.value === null) return '—'
  if (unit === 'ratio') return `${(figure.value * 100).toFixed(1)}%`
  return String(Math.round(figure.value))
}

test('dashboard and audit: the reviewer sees the KPIs, plans an audit, draws a sample, records findings and signs off', () =>
  withServer(async (server, browser) => {
    const from = Date.now() - 3600_000
    const cases = []
    for (let i = 0; i < 4; i++) cases.push(await createCase(server))
    let done = await applyEvent(server, cases[0], 'dispatch', { department: 'urban' })
    for (const [event, payload] of [
      ['acknowledge', {}],
      ['start_work', {}],
      ['resolve', { resolution: '已更换灯泡' }],
      ['record_follow_up', { satisfaction: 'satisfied', note: '居民满意' }],
    ])
      done = await applyEvent(server, done, event, payload)
    assert.equal(done.state, 'closed')
    await applyEvent(server, cases[1], 'dispatch', { department: 'urban' })
    await createCase(server, { kind: 'dispute', location: { community: 'JS', grid: 'JS-G01' } })
    const to = Date.now() + 2000

    const page = await newPage(browser)
    await loginAs(page, server.url, 'auditor1', passwords.auditor1)
    await page.getByRole('menubar', { name: '主菜单' }).getByText('考核与审计').click()
    await page.getByRole('heading', { name: '考核与审计' }).waitFor()
    const cards = page.getByRole('region', { name: '关键指标' })
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
    const year = `${today.slice(0, 4)}-01-01`
    const report = (await server.api('GET', `/api/v1/reports/kpis?from=${year}&to=${today}&group_by=community`)).body
    const definitions = new Map((await server.api('GET', '/api/v1/reports/definitions')).body.items.map((d) => [d.id, d]))
    assert.equal(report.totals.figures.received.value, 5)
    for (const id of ['received', 'open_now', 'overdue_now', 'response_rate', 'satisfaction_rate', 'mediation_success_rate']) {
      const card = cards.locator(`[data-kpi="${id}"]`)
      await card.getByText(definitions.get(id).name_zh).waitFor()
      await card.locator('.card-value').getByText(shown(report.totals.figures[id], definitions.get(id).unit), { exact: true }).waitFor()
    }
    const lf = report.groups.find((g) => g.key.community === 'LF').figures
    const tree = page.getByRole('region', { name: '辖区指标' })
    await tree.getByText(`受理 ${lf.received.value} · 未结 ${lf.open_now.value}`).first().waitFor()
    for (const chart of ['三率（按社区）', '三率（按月）', '调解成功率与履行率（按社区）', '办理时长（工时，中位数与90分位）', '当前超期（按承办部门）'])
      await page.locator('figure', { hasText: chart }).locator('canvas').first().waitFor()
    await screenshot(page, 'dashboard')

    // Plan an audit over the cases just made.
    await page.getByRole('tab', { name: '督查审计' }).click()
    await page.getByRole('button', { name: '制定督查计划' }).click()
    const plan = page.getByRole('dialog', { name: '制定督查计划' })
    await plan.getByLabel('审计标题').fill('浏览器测试督查')
    for (const [label, ms] of [
      ['期间起', from],
      ['期间止', to],
    ]) {
      await plan.getByRole('combobox', { name: label }).fill(shanghai(ms))
      await plan.getByRole('combobox', { name: label }).press('Enter')
    }
    await plan.getByRole('button', { name: '保存计划' }).click()
    await page.getByText(/已制定督查计划 SJ-/).waitFor()
    const listed = (await server.api('GET', '/api/v1/audits')).body.items
    assert.equal(listed.length, 1)
    let audit = listed[0]
    assert.equal(audit.state, 'planned')
    assert.deepEqual(audit.reviewers, ['auditor1'])
    assert.equal(Date.parse(audit.period.to), Math.floor(to / 1000) * 1000)
    const detail = page.getByRole('region', { name: '审计详情' })
    await detail.getByText(`${audit.number} · 浏览器测试督查`).waitFor()
    await detail.getByText('已计划', { exact: true }).waitFor()
    // Sign-off is refused while the period runs.
    while (Date.now() < to + 200) await page.waitForTimeout(200)

    const act = async (button, state) => {
      await detail.getByRole('group', { name: '审计操作' }).getByRole('button', { name: button }).click()
      await page.getByRole('dialog', { name: button }).getByRole('button', { name: '确定' }).click()
      await page.getByRole('dialog', { name: button }).waitFor({ state: 'hidden' })
      await page.getByText(`已${button}，当前状态：${state}`).waitFor()
    }
    await detail.getByRole('group', { name: '审计操作' }).getByRole('button', { name: '抽取样本' }).click()
    const draw = page.getByRole('dialog', { name: '抽取样本' })
    await draw.getByLabel('样本数量').fill('3')
    await draw.getByRole('button', { name: '确定' }).click()
    await page.getByText('已抽取样本，当前状态：已抽样').waitFor()
    audit = (await server.api('GET', `/api/v1/audits/${audit.id}`)).body
    assert.equal(audit.state, 'sampled')
    assert.equal(audit.sample.population, 5)
    assert.equal(audit.sample.case_ids.length, 3)
    const sampled = []
    for (const id of audit.sample.case_ids) sampled.push((await server.api('GET', `/api/v1/cases/${id}`)).body)
    for (const c of sampled) await detail.getByRole('link', { name: c.number }).waitFor()
    await detail.getByText(`总体 5 件，抽取 3 件`).waitFor()

    await act('开始审查', '审查中')
    // The first sampled case has a deficiency for 城管 (urban) to rectify; the others conform.
    for (const [i, c] of sampled.entries()) {
      await detail.getByRole('button', { name: `记录结论 ${c.number}` }).click()
      const dialog = page.getByRole('dialog', { name: '记录审查结论' })
      if (i === 0) {
        await dialog.getByText('存在问题').click()
        await choose(page, '问题类别', '受理不规范')
        await choose(page, '整改部门', '城管')
      }
      await dialog.getByLabel('审查意见').fill(i === 0 ? '登记信息缺少联系方式' : '符合规范')
      await dialog.getByRole('button', { name: '确定' }).click()
      await dialog.waitFor({ state: 'hidden' })
      await page.getByText('已记录审查结论，当前状态：审查中').waitFor()
    }
    audit = (await server.api('GET', `/api/v1/audits/${audit.id}`)).body
    assert.deepEqual(
      audit.findings.map((f) => [f.case_id, f.verdict, f.department || null]).sort(),
      audit.sample.case_ids.map((id, i) => (i === 0 ? [id, 'deficiency', 'urban'] : [id, 'conforming', null])).sort(),
    )
    const deficient = sampled.find((c) => c.id === audit.findings.find((f) => f.verdict === 'deficiency').case_id)
    for (const c of sampled)
      await detail.getByLabel('样本案件').locator('tr', { hasText: c.number }).getByText(c === deficient ? '存在问题' : '符合规范', { exact: true }).waitFor()
    await act('反馈问题', '已反馈问题')
    await act('启动整改', '整改中')

    // The department (a handler of 城管) answers its finding from its own session.
    const handler = await newPage(browser)
    await loginAs(handler, server.url, 'handler1', passwords.handler1)
    await handler.getByRole('menubar', { name: '主菜单' }).getByText('考核与审计').click()
    await handler.getByRole('tab', { name: '督查审计' }).click()
    await handler.getByRole('link', { name: audit.number }).click()
    await handler.getByRole('button', { name: '提交整改说明' }).click()
    await handler.getByRole('dialog', { name: '提交整改说明' }).getByLabel('整改说明').fill('已补录联系方式并复核登记流程')
    await handler.getByRole('dialog', { name: '提交整改说明' }).getByRole('button', { name: '确定' }).click()
    await handler.getByText('已提交整改说明，当前状态：整改中').waitFor()
    let finding = (await server.api('GET', `/api/v1/audits/${audit.id}`)).body.findings.find((f) => f.verdict === 'deficiency')
    assert.deepEqual([finding.status, finding.answer], ['answered', '已补录联系方式并复核登记流程'])
    await handler.context().close()

    // The reviewer sees the answer, accepts it and signs off.
    await page.getByRole('button', { name: '返回审计列表' }).click()
    await page.getByRole('link', { name: audit.number }).click()
    await detail.getByText('已补录联系方式并复核登记流程').waitFor()
    await detail.getByRole('button', { name: '整改通过' }).click()
    await page.getByRole('dialog', { name: '整改通过' }).getByRole('button', { name: '确定' }).click()
    await page.getByText('已整改通过，当前状态：整改中').waitFor()
    finding = (await server.api('GET', `/api/v1/audits/${audit.id}`)).body.findings.find((f) => f.verdict === 'deficiency')
    assert.equal(finding.status, 'accepted')
    await act('签署归档', '已签署归档')
    audit = (await server.api('GET', `/api/v1/audits/${audit.id}`)).body
    assert.equal(audit.state, 'signed_off')
    assert.ok(audit.checkpoint, 'sign-off binds a checkpoint')
    await detail.getByText(audit.checkpoint.root_hash).waitFor()
    assert.equal(await detail.getByRole('group', { name: '审计操作' }).getByRole('button').count(), 0)
    const bundle = await detail.getByRole('link', { name: '下载审计证据包' }).getAttribute('href')
    assert.equal(bundle, `/api/v1/exports/audit-bundle?audit=${audit.id}`)
    assert.equal((await server.api('GET', bundle)).status, 200)
    await screenshot(page, 'audit-detail')
    await detail.getByRole('heading', { name: '样本案件' }).evaluate((el) => el.scrollIntoView({ block: 'start' }))
    await screenshot(page, 'audit-findings')

    // Exports and the chain check.
    await page.getByRole('tab', { name: '导出与核验' }).click()
    const csv = await page.getByRole('link', { name: '案件 CSV' }).getAttribute('href')
    const answer = await server.api('GET', csv)
    assert.equal(answer.status, 200)
    assert.match(answer.headers.get('content-type'), /text\/csv/)
    assert.equal(answer.body.trim().split("\n").length, 1 + 5)
    await page.getByLabel('案件编号或 ID').fill(done.number)
    await page.getByRole('button', { name: '核验' }).click()
    const verified = (await server.api('GET', `/api/v1/cases/${done.id}/history/verify`)).body
    assert.equal(verified.ok, true)
    const result = page.getByRole('region', { name: '历史链核验' })
    await result.getByText('历史链完整，未被篡改').waitFor()
    await result.getByText(`${verified.entries_checked} 条`, { exact: true }).waitFor()
    const latest = (await server.api('GET', '/api/v1/history/checkpoints/latest')).body
    await page.getByRole('region', { name: '最新检查点' }).getByText(latest.root_hash).waitFor()
    await screenshot(page, 'audit-exports')
  }))
