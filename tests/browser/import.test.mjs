// 台账导入 over the real server: a supervisor picks an .xlsx ledger made here
// with python3-openpyxl (date cells and text dates), sees the default column
// mapping, runs the check (dry run) and sees the bad rows with their row
// numbers, columns and reasons, then imports the good rows, which the API
// then lists as closed historic cases. A desk clerk has no such menu entry.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { launchBrowser, loginAs, newPage, screenshot, startServer } from './harness.mjs'

const header = ['编号', '登记日期', '当事人', '联系电话', '身份证号', '对方当事人', '社区', '网格', '纠纷类别', '纠纷简要情况', '调解结果', '结案日期']

// Rows 2..7 of the sheet; rows 4 (a bad date) and 6 (an unknown grid) are bad.
function makeXlsx(file) {
  const script = `
import sys, datetime, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "2020年台账"
ws.append(${JSON.stringify(header)})
rows = [
  ["2020-调-001", datetime.datetime(2020, 3, 5), "张秀英", "13800138000", "500109198801012345", "李建国", "LF", "LF-G01", "邻里纠纷", "楼上漏水", "调解成功", datetime.datetime(2020, 3, 20)],
  ["2020-调-002", "2020-04-01", "王桂兰", "", "", "赵四", "LF", "LF-G02", "neighbour", "噪音扰民", "调解成功", "2020-04-09"],
  ["2020-调-003", "2020-13-01", "刘洋", "", "", "陈明", "LF", "LF-G01", "邻里纠纷", "占道堆物", "调解不成", "2020-05-02"],
  ["2020-调-004", datetime.datetime(2020, 6, 1), "周强", "13900139000", "", "吴敏", "LF", "LF-G01", "婚姻家庭纠纷", "赡养费争议", "调解成功", datetime.datetime(2020, 6, 30)],
  ["2020-调-005", "2020-07-01", "郑华", "", "", "孙丽", "LF", "LF-G99", "邻里纠纷", "树木遮光", "调解成功", "2020-07-08"],
  ["2020-调-006", "2020年8月3日", "冯军", "", "", "褚红", "LF", "LF-G01", "tenancy", "押金退还", "调解成功", "2020年8月10日"],
]
for r in rows:
    ws.append(r)
for row in ws.iter_rows(min_row=2):
    for cell in row:
        if isinstance(cell.value, datetime.datetime):
            cell.number_format = "yyyy-mm-dd"
wb.save(sys.argv[1])
`
  execFileSync('/usr/bin/python3', ['-c', script, file])
}

test('台账导入: an .xlsx ledger checked, its bad rows shown, the good rows imported', async () => {
  const server = await startServer()
  const browser = await launchBrowser()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-import-'))
  try {
    const file = path.join(dir, '2020年台账.xlsx')
    makeXlsx(file)
    await server.createUser({ username: 'sup1', password: 'sup-pass-1', role: 'supervisor', display_name: '主任老陈' })
    await server.createUser({ username: 'desk1', password: 'desk-pass-1', role: 'desk', display_name: '窗口小王' })

    const desk = await newPage(browser)
    await loginAs(desk, server.url, 'desk1', 'desk-pass-1')
    assert.equal(await desk.getByRole('menuitem', { name: '台账导入' }).count(), 0)

    const page = await newPage(browser)
    await loginAs(page, server.url, 'sup1', 'sup-pass-1')
    await page.getByRole('menuitem', { name: '台账导入' }).click()
    await page.getByRole('heading', { name: '台账导入' }).waitFor()
    await page.getByLabel('台账文件').setInputFiles(file)
    await page.getByText('2020年台账.xlsx：6 行').waitFor()
    assert.equal(await page.getByLabel('台账名称').inputValue(), '2020年台账')
    // The default mapping: each documented header feeds its field.
    const mapped = page.getByRole('region', { name: '列对应' })
    await mapped.getByText('对方当事人', { exact: true }).first().waitFor()
    // The select of each column shows the field it feeds.
    await mapped.getByText('对方当事人（必填）').waitFor()
    await mapped.getByText('纠纷简要情况（必填）').waitFor()
    await screenshot(page, 'import-mapping')

    await page.getByRole('button', { name: '检查（试导入）' }).click()
    await page.getByText('共 6 行，可导入 4 行，问题 2 条').waitFor()
    const problems = page.getByRole('region', { name: '问题行' })
    const rows = problems.locator('tbody tr')
    assert.equal(await rows.count(), 2)
    assert.match(await rows.nth(0).innerText(), /4\s+登记日期\s+日期“2020-13-01”无法识别/)
    assert.match(await rows.nth(1).innerText(), /6\s+网格\s+网格代码“LF-G99”不存在或不属于该社区/)
    await screenshot(page, 'import-dry-run')
    const before = await server.api('GET', '/api/v1/cases?limit=50')
    assert.equal(before.body.items.length, 0)

    await page.getByRole('button', { name: '导入', exact: true }).click()
    await page.getByText('已导入 4 件历史案件').waitFor()
    await screenshot(page, 'import-done')

    const after = await server.api('GET', '/api/v1/cases?limit=50')
    assert.equal(after.body.items.length, 4)
    for (const c of after.body.items) assert.equal(c.state, 'closed')
    const first = after.body.items.find((c) => c.title === '楼上漏水')
    assert.ok(first, 'the first row became a case')
    const one = await server.api('GET', `/api/v1/cases/${first.id}`)
    assert.equal(one.body.source, 'import')
    assert.equal(one.body.import.number, '2020-调-001')
    assert.equal(one.body.import.registered_on, '2020-03-05')
    assert.equal(one.body.import.closed_on, '2020-03-20')
    assert.equal(one.body.parties[0].phone, '138****8000')
    const history = await server.api('GET', `/api/v1/cases/${first.id}/history`)
    assert.equal(history.body.items[0].event, 'import')
    assert.equal(history.body.items[0].data.row, 2)

    // The same file again adds nothing.
    await page.getByRole('button', { name: '导入', exact: true }).click()
    await page.getByText('已导入 0 件历史案件').waitFor()
    assert.equal((await server.api('GET', '/api/v1/cases?limit=50')).body.items.length, 4)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
    await browser.close()
    await server.stop()
  }
})
