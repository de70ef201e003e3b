// The issue's acceptance flow through the console, as the people who do it:
// the desk registers a request and a dispute on 窗口登记; the dispatcher
// dispatches / assigns on 案件详情; the department (handler) returns once;
// arbitration (the supervisor) decides; the handler signs and finishes; the
// 回访 is recorded dissatisfied and the request goes back to rework, then is
// resolved again and closed. Each step asserts what the user sees (state,
// buttons present or absent by role) and what the API then returns.
// Also: no page shows a phone or ID number in clear unless revealed, and the
// reveal is in the access log; a 412 shows what changed and offers 重新加载.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { launchBrowser, loginAs, newPage, repoRoot, screenshot, startServer } from './harness.mjs'
import { choose as chooseOption } from './fb_support.mjs'

const PHONE = '13812345678'
const ID_NUMBER = '11010519491231002X'
const PHONE2 = '13987654321'
const ID2 = '500109198803150013'

// The shipped configuration, with arbitration after the first return (shipped:
// the second), so "the department returns once, arbitration decides".
function configDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-console-config-'))
  for (const f of fs.readdirSync(path.join(repoRoot, 'config'))) {
    if (f.endsWith('.json') || f.endsWith('.geojson') || f.endsWith('.toml')) fs.copyFileSync(path.join(repoRoot, 'config', f), path.join(dir, f))
  }
  const file = path.join(dir, 'catalogue.json')
  const catalogue = JSON.parse(fs.readFileSync(file, 'utf8'))
  catalogue.policies.returns_before_arbitration = 1
  fs.writeFileSync(file, JSON.stringify(catalogue, null, 2))
  return dir
}

// A file the server takes as image/png: the PNG signature, then filler.
function png(size) {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(size - 8, 7)])
}

const users = {
  desk: { username: 'desk1', password: 'desk-pass-1', role: 'desk', display_name: '窗口小王' },
  dispatcher: { username: 'disp1', password: 'disp-pass-1', role: 'dispatcher', display_name: '派单员老李' },
  // A handler user is roster staff: username = staff id urban-01 (赵福明) of the 城管 department.
  handler: { username: 'urban-01', password: 'urban-pass-1', role: 'handler', department: 'urban', display_name: '赵福明' },
  supervisor: { username: 'sup1', password: 'sup-pass-1', role: 'supervisor', display_name: '主管张' },
}

let server
let browser
let config
const pages = {}

before(async () => {
  config = configDir()
  server = await startServer({ env: { OUTPOST_CONFIG_DIR: config } })
  browser = await launchBrowser()
  for (const u of Object.values(users)) await server.createUser(u)
})

after(async () => {
  await browser?.close()
  await server?.stop()
  if (config) fs.rmSync(config, { recursive: true, force: true })
})

// One signed-in page per person, kept for the whole file.
async function pageOf(who) {
  if (!pages[who]) {
    const page = await newPage(browser)
    await loginAs(page, server.url, users[who].username, users[who].password)
    pages[who] = page
  }
  return pages[who]
}

async function tokenOf(who) {
  const answer = await server.api('POST', '/api/v1/login', { username: users[who].username, password: users[who].password }, 'none')
  assert.equal(answer.status, 200, JSON.stringify(answer.body))
  return answer.body.token
}

// A case made through the API (the bootstrap admin), moved on by `events`; its id.
async function caseViaApi(body, events = []) {
  const created = await server.api('POST', '/api/v1/cases', { channel: 'desk', ...body })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  for (const step of events) {
    const answer = await server.api('POST', `/api/v1/cases/${created.body.id}/events`, step)
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
  }
  return created.body.id
}

async function getCase(id) {
  const answer = await server.api('GET', `/api/v1/cases/${id}`)
  assert.equal(answer.status, 200)
  return answer.body
}

async function historyEvents(id) {
  const answer = await server.api('GET', `/api/v1/cases/${id}/history`)
  assert.equal(answer.status, 200)
  return answer.body.items.map((h) => h.event)
}

async function choose(page, fieldLabel, optionName, scope = page) {
  await chooseOption(page, fieldLabel, optionName, scope)
  // A multiple select stays open: close it as a user would, by clicking beside it.
  if (scope !== page) await scope.locator('.el-dialog__header').click()
}

// Opens a console path as `who`. Where the server keeps no session (a bearer
// token held in memory only) a full page load signs out: then sign in again,
// and the login page brings the user back to the path.
async function visit(who, route, page = null) {
  page ??= await pageOf(who)
  await page.goto(server.url + route)
  await page.locator('#login-username, .shell-header').first().waitFor()
  if (await page.locator('#login-username').isVisible()) {
    await page.getByLabel('用户名').fill(users[who].username)
    await page.getByLabel('密码').fill(users[who].password)
    await page.getByRole('button', { name: '登录' }).click()
    await page.getByRole('button', { name: '退出登录' }).waitFor()
  }
  return page
}

async function openCase(who, id) {
  const page = await visit(who, `/cases/${id}`)
  await page.getByTestId('case-state').waitFor()
  return page
}

async function stateText(page) {
  return (await page.getByTestId('case-state').textContent()).trim()
}

async function waitState(page, label) {
  await page.getByTestId('case-state').filter({ hasText: label }).waitFor()
}

function actions(page) {
  return page.getByRole('toolbar', { name: '可执行的操作' })
}

async function buttons(page) {
  const names = await actions(page).getByRole('button').allTextContents()
  return names.map((n) => n.trim())
}

// Clicks an action, fills its dialog with `fill(dialog)`, confirms; returns the dialog.
async function act(page, action, fill = async () => {}) {
  await actions(page).getByRole('button', { name: action, exact: true }).click()
  // The event's dialog (a date picker's popup is a dialog too), titled by its event.
  const dialog = page.getByRole('dialog', { name: new RegExp(`${action}$`) })
  await dialog.waitFor()
  await fill(dialog)
  await dialog.getByRole('button', { name: new RegExp(`^确定`) }).click()
  return dialog
}

async function registerRequest(page, { phone = PHONE, idNumber = ID_NUMBER, title = '小区垃圾站三天未清运', withFile = true } = {}) {
  await visit('desk', '/intake')
  await page.getByRole('heading', { name: '窗口登记' }).waitFor()
  await page.locator('label.el-radio-button').filter({ hasText: '居民诉求' }).click()
  await choose(page, '事项类别', '环境卫生')
  await page.getByText('默认承办：').waitFor()
  await page.getByLabel('诉求人姓名').fill('张三丰')
  await page.getByLabel('诉求人联系电话').fill(phone)
  await page.getByLabel('诉求人身份证号').fill(idNumber)
  await choose(page, '社区', '龙凤社区')
  await choose(page, '网格', '龙凤社区第1网格')
  await choose(page, '微网格', '龙凤社区第1网格第2微网格')
  await page.getByLabel('详细地址').fill('龙凤一村3栋旁垃圾站')
  await page.getByLabel('标题', { exact: true }).fill(title)
  await page.getByLabel('事项描述').fill('垃圾站满溢，异味严重，影响居民出行。')
  if (withFile) {
    await page.getByLabel('附件', { exact: true }).setInputFiles({ name: '现场照片.png', mimeType: 'image/png', buffer: png(200_000) })
    await page.getByText('现场照片.png').waitFor()
  }
}

async function saveIntake(page) {
  await page.getByRole('button', { name: '保存登记' }).click()
  await page.waitForURL(/\/cases\/\d+$/).catch(async (e) => {
    await screenshot(page, 'debug-intake')
    throw e
  })
  await page.getByTestId('case-state').waitFor()
  return Number(page.url().split('/').pop())
}

let requestId
let disputeId

test('the desk registers a resident request on 窗口登记: validation in Chinese, duplicates, attachment, masked once saved', async () => {
  const page = await pageOf('desk')
  await registerRequest(page, { phone: '138', idNumber: '12345' })
  // The API's field errors appear beside their fields, in Chinese.
  await page.getByRole('button', { name: '保存登记' }).click()
  await page.getByRole('alert').filter({ hasText: '登记信息有误' }).waitFor()
  await page.getByText('不是有效的电话号码').waitFor()
  await page.getByText('身份证号须为18位').waitFor()
  assert.equal((await server.api('GET', '/api/v1/cases')).body.items.length, 0, 'a refused intake stores nothing')

  await page.getByLabel('诉求人联系电话').fill(PHONE)
  await page.getByLabel('诉求人身份证号').fill(ID_NUMBER)
  await page.evaluate(() => {
    window.scrollTo(0, 0)
    document.querySelector('.shell-main')?.scrollTo(0, 0)
  })
  await page.getByText('不是有效的电话号码').waitFor({ state: 'hidden' })
  await screenshot(page, 'intake-filled')
  await page.getByLabel('诉求人身份证号').scrollIntoViewIfNeeded()
  await screenshot(page, 'intake-filled-parties')
  requestId = await saveIntake(page)
  await waitState(page, '已提交')
  const text = await page.locator('body').innerText()
  assert.ok(!text.includes(PHONE) && !text.includes(ID_NUMBER), 'the saved case shows the phone and ID number masked')
  assert.match(text, /138\*{4}5678/)
  // The desk may reject a request, never dispatch it.
  const desk = await buttons(page)
  assert.ok(desk.includes('不予受理') && !desk.includes('派单'), desk.join(','))

  const c = await getCase(requestId)
  assert.equal(c.kind, 'request')
  assert.equal(c.state, 'submitted')
  assert.equal(c.category, 'sanitation')
  assert.deepEqual(c.location, { community: 'LF', grid: 'LF-G01', micro_grid: 'LF-G01-M2', address: '龙凤一村3栋旁垃圾站' })
  const files = (await server.api('GET', `/api/v1/cases/${requestId}/attachments`)).body.items
  assert.equal(files.length, 1)
  assert.equal(files[0].file_name, '现场照片.png')
  assert.equal(files[0].size, 200_000)
  await page.getByRole('region', { name: '附件列表' }).getByText('现场照片.png').waitFor()

  // A second registration with the same phone: the earlier case is shown as a possible duplicate before saving.
  await registerRequest(page, { title: '垃圾站又满了', withFile: false })
  const similar = page.getByRole('list', { name: '疑似重复案件列表' })
  await similar.getByText(c.number).waitFor()
  assert.match(await similar.innerText(), /同一联系电话/)
  // Saved anyway, it is rejected as a duplicate of the first, named by its number.
  const second = await saveIntake(page)
  await act(page, '不予受理', async (d) => {
    await d.getByLabel('不予受理理由').fill('与已登记诉求重复')
    await d.getByLabel('重复案件编号').fill(c.number)
  })
  await waitState(page, '不予受理')
  await page.getByRole('link', { name: c.number }).waitFor()
  const rejected = await getCase(second)
  assert.equal(rejected.state, 'rejected')
  assert.equal(rejected.duplicate_of, requestId)
})

test('the desk registers a dispute with applicant and respondent', async () => {
  const page = await visit('desk', '/intake')
  await choose(page, '事项类别', '物业与装修纠纷')
  await page.getByText('城管').first().waitFor()
  await page.getByLabel('申请人1姓名', { exact: true }).fill('李四')
  await page.getByLabel('申请人1联系电话', { exact: true }).fill(PHONE2)
  await page.getByLabel('申请人1身份证号', { exact: true }).fill(ID2)
  await page.getByLabel('被申请人1姓名').fill('王五')
  await page.getByLabel('被申请人1联系电话').fill('13700001111')
  await page.locator('label.el-radio-button').filter({ hasText: '高' }).click()
  await page.getByText('高风险：须先向公安报告后方可调解').waitFor()
  await page.locator('label.el-radio-button').filter({ hasText: '中' }).click()
  await choose(page, '社区', '龙凤社区')
  await choose(page, '网格', '龙凤社区第3网格')
  await page.getByLabel('标题', { exact: true }).fill('楼上装修噪音扰民')
  await page.getByLabel('事项描述').fill('楼上住户周末清晨施工，多次协商未果。')
  disputeId = await saveIntake(page)
  await waitState(page, '已登记')
  const c = await getCase(disputeId)
  assert.equal(c.kind, 'dispute')
  assert.equal(c.risk_level, 'medium')
  assert.deepEqual(
    c.parties.map((p) => p.role),
    ['applicant', 'respondent'],
  )
  await screenshot(page, 'case-dispute-registered')
})

test('request: dispatch, a return, arbitration, handling, dissatisfied 回访 and rework, closed', async () => {
  // The dispatcher dispatches to 城管, 赵福明.
  let page = await openCase('dispatcher', requestId)
  assert.ok((await buttons(page)).includes('派单'))
  const dialog = await act(page, '派单', async (d) => {
    await d.getByText('城管', { exact: true }).first().waitFor()
    await screenshot(page, 'event-dialog-dispatch-before')
    await choose(page, '承办人员', '赵福明（城管）', d)
    await screenshot(page, 'event-dialog-dispatch')
  })
  await dialog.waitFor({ state: 'hidden' })
  await waitState(page, '已派单')
  let c = await getCase(requestId)
  assert.equal(c.state, 'dispatched')
  assert.equal(c.assignment.department, 'urban')
  assert.deepEqual(c.assignment.assignees, ['urban-01'])

  // The department returns it once: the case is flagged for arbitration.
  page = await openCase('handler', requestId)
  let seen = await buttons(page)
  assert.ok(seen.includes('签收') && seen.includes('退单') && !seen.includes('派单'), seen.join(','))
  await act(page, '退单', async (d) => {
    await d.getByLabel('退单理由').fill('垃圾清运属物业服务范围，非城管职责')
  })
  // Returned, the case leaves the handler's scope: the page says so and offers nothing more.
  await waitState(page, '已提交')
  await page.getByText('本案已不在您的办理范围内').waitFor()
  assert.equal((await buttons(page)).length, 0)
  assert.equal((await server.api('GET', `/api/v1/cases/${requestId}`, undefined, await tokenOf('handler'))).status, 404)
  c = await getCase(requestId)
  assert.equal(c.state, 'submitted')
  assert.equal(c.return_count, 1)
  assert.ok(c.flags.includes('arbitration'))

  // The dispatcher may no longer dispatch it; the supervisor (arbitration) decides.
  page = await openCase('dispatcher', requestId)
  await page.getByText('派单异议待仲裁').waitFor()
  seen = await buttons(page)
  assert.ok(!seen.includes('派单') && seen.includes('不予受理'), seen.join(','))
  page = await openCase('supervisor', requestId)
  await act(page, '派单', async (d) => {
    await d.getByText('仲裁：派单').waitFor()
    await choose(page, '承办人员', '赵福明（城管）', d)
  })
  await waitState(page, '已派单')
  c = await getCase(requestId)
  assert.equal(c.state, 'dispatched')
  assert.ok(!c.flags.includes('arbitration'))
  const history = (await server.api('GET', `/api/v1/cases/${requestId}/history`)).body.items
  assert.equal(history.at(-1).actor, 'sup1')
  assert.equal(history.at(-1).event, 'dispatch')

  // The handler signs and finishes.
  page = await openCase('handler', requestId)
  await act(page, '签收')
  await waitState(page, '已签收')
  await act(page, '开始办理')
  await waitState(page, '办理中')
  seen = await buttons(page)
  assert.ok(seen.includes('办结') && seen.includes('挂起') && !seen.includes('回访'), seen.join(','))
  // On hold the clock pauses; an extension, once approved, shows on the clock.
  await act(page, '挂起', async (d) => d.getByLabel('挂起原因').fill('等待清运公司排班'))
  await waitState(page, '已挂起')
  await page.getByRole('group', { name: '办理时限' }).getByText('已暂停计时').first().waitFor()
  assert.equal((await getCase(requestId)).clock.paused, true)
  await act(page, '恢复办理')
  await waitState(page, '办理中')
  await act(page, '申请延期', async (d) => {
    await d.getByLabel('延期天数').fill('3')
    await d.getByLabel('延期理由').fill('需协调第三方清运车辆')
  })
  await waitState(page, '办理中')
  assert.ok(!(await buttons(page)).includes('批准延期'), 'the handler does not approve its own extension')
  const dispatcherPage = await openCase('dispatcher', requestId)
  await act(dispatcherPage, '批准延期')
  await dispatcherPage.getByText('已延期 3 天').waitFor()
  assert.equal((await getCase(requestId)).clock.extended_days, 3)
  await screenshot(dispatcherPage, 'case-request-extended')

  page = await openCase('handler', requestId)
  await act(page, '办结', async (d) => d.getByLabel('办理结果').fill('已协调清运公司当日清运完毕'))
  await waitState(page, '已办结')
  assert.equal((await buttons(page)).length, 0, 'the handler does not record the 回访 of its own work')
  assert.equal((await getCase(requestId)).state, 'resolved')

  // 回访: dissatisfied → back to 办理中 (rework).
  page = await openCase('desk', requestId)
  await act(page, '回访', async (d) => {
    await d.locator('label.el-radio-button').filter({ hasText: /^不满意$/ }).click()
    await d.getByLabel('回访记录').fill('电话回访：居民反映次日又满溢')
  })
  await waitState(page, '办理中')
  await page.getByText('重办 1 次').waitFor()
  c = await getCase(requestId)
  assert.equal(c.state, 'in_progress')
  assert.equal(c.rework_count, 1)

  page = await openCase('handler', requestId)
  await act(page, '办结', async (d) => d.getByLabel('办理结果').fill('增加清运频次为每日两次'))
  await waitState(page, '已办结')

  page = await openCase('desk', requestId)
  await act(page, '回访', async (d) => {
    await d.locator('label.el-radio-button').filter({ hasText: /^满意$/ }).click()
    await d.getByLabel('回访记录').fill('居民表示满意')
  })
  await waitState(page, '已结案')
  assert.equal((await buttons(page)).length, 0)
  await page.getByRole('img', { name: /流程图，当前状态：已结案/ }).waitFor()
  await screenshot(page, 'case-request-closed')

  assert.equal((await getCase(requestId)).state, 'closed')
  assert.deepEqual(
    (await historyEvents(requestId)).filter((e) => !['add_attachment', 'add_note'].includes(e)),
    [
      'submit',
      'dispatch',
      'return_dispatch',
      'dispatch',
      'acknowledge',
      'start_work',
      'hold',
      'resume',
      'request_extension',
      'approve_extension',
      'resolve',
      'record_follow_up',
      'resolve',
      'record_follow_up',
    ],
  )
  // The timeline shows them in words.
  const timeline = await page.getByRole('list', { name: '办理记录' }).innerText()
  for (const words of ['派单', '退单', '签收', '开始办理', '办结', '回访', '满意度：不满意']) assert.ok(timeline.includes(words), words)
})

test('dispute: accept, assign, a return, arbitration, consent, mediation, the written agreement signed, dissatisfied 回访 and 重新调解, closed', async () => {
  let page = await openCase('desk', disputeId)
  let seen = await buttons(page)
  assert.ok(seen.includes('受理') && !seen.includes('分派'), seen.join(','))
  await act(page, '受理')
  await waitState(page, '已受理')

  page = await openCase('dispatcher', disputeId)
  await act(page, '分派', async (d) => {
    await choose(page, '承办人员', '赵福明（城管）', d)
  })
  await waitState(page, '已分派')
  assert.deepEqual((await getCase(disputeId)).assignment.assignees, ['urban-01'])

  page = await openCase('handler', disputeId)
  await act(page, '退回分派', async (d) => d.getByLabel('退回理由').fill('属物业服务纠纷，建议由物业服务部门调解'))
  await waitState(page, '已受理')
  assert.deepEqual((await getCase(disputeId)).flags, ['arbitration'])
  page = await openCase('dispatcher', disputeId)
  await page.getByText('派单异议待仲裁').waitFor()
  assert.ok(!(await buttons(page)).includes('分派'))
  page = await openCase('supervisor', disputeId)
  await act(page, '分派', async (d) => {
    await d.getByText('仲裁：分派').waitFor()
    await choose(page, '承办人员', '赵福明（城管）', d)
  })
  await waitState(page, '已分派')
  const assigned = await getCase(disputeId)
  assert.equal(assigned.return_count, 1)
  assert.deepEqual(assigned.flags, [])
  await page.getByText('派单异议待仲裁').waitFor({ state: 'hidden' })
  await page.getByText('退回 1 次').waitFor()
  await screenshot(page, 'case-dispute-assigned')

  page = await openCase('handler', disputeId)
  await act(page, '开始调解')
  await waitState(page, '调解中')

  // Art. 17: no mediation record before every party agreed to be mediated.
  const card = page.getByRole('region', { name: '调解与协议' })
  await card.getByText('须记录每位当事人同意调解后').waitFor()
  const early = await server.api('POST', `/api/v1/cases/${disputeId}/events`, { event: 'record_session', summary: '未经同意' })
  assert.equal(early.status, 409, JSON.stringify(early.body))
  assert.ok(!(await historyEvents(disputeId)).includes('record_session'))
  const roles = { applicant: '申请人', respondent: '被申请人' }
  const parties = (await getCase(disputeId)).parties.map((p) => `${roles[p.role]} ${p.name}`)
  const yesterday = new Date(Date.now() - 86400000 + 8 * 3600000).toISOString().slice(0, 10)
  for (const [i, party] of parties.entries()) {
    const dialog = await act(page, '记录调解意愿', async (d) => {
      await choose(page, '当事人', party, d)
      await d.locator('label.el-radio-button').filter({ hasText: /^同意调解$/ }).click()
      await d.locator('label.el-radio-button').filter({ hasText: i === 0 ? /^书面$/ : /^口头$/ }).click()
      if (i === 1) {
        await d.getByLabel('表示日期').fill(yesterday)
        await d.getByLabel('表示日期').press('Enter')
      }
      if (i === 0) {
        await page.waitForFunction(() => !document.querySelector('.el-message'))
        await screenshot(page, 'event-dialog-consent')
      }
    })
    await dialog.waitFor({ state: 'hidden' })
  }
  const consentTable = page.getByRole('region', { name: '当事人调解意愿' })
  await consentTable.getByText('口头').waitFor()
  assert.equal(await consentTable.getByText('同意调解').count(), 2)
  await card.getByText('须记录每位当事人同意调解后').waitFor({ state: 'hidden' })
  const consents = (await server.api('GET', `/api/v1/cases/${disputeId}/history`)).body.items.filter((h) => h.event === 'record_consent')
  assert.deepEqual(
    consents.map((h) => [h.data.party, h.data.consent, h.data.form, h.data.at ?? null]),
    [
      [1, 'agree', 'written', null],
      [2, 'agree', 'oral', yesterday],
    ],
  )
  // Art. 23: the applicant accepts the assigned mediator (the case's only assignee, preselected).
  await act(page, '选定调解员', async (d) => {
    await choose(page, '当事人', parties[0], d)
    await d.getByText('赵福明').waitFor()
    await d.locator('label.el-radio-button').filter({ hasText: /^口头$/ }).click()
  })
  await consentTable.getByText('赵福明（口头）').waitFor()

  await act(page, '记录调解', async (d) => d.getByLabel('调解记录').fill('双方到场，约定施工时间'))
  await waitState(page, '调解中')
  const dialog = await act(page, '达成协议', async (d) => {
    await d.locator('label.el-radio-button').filter({ hasText: /^书面协议$/ }).click()
    await d.getByLabel('事实', { exact: true }).fill('楼上住户周末清晨装修施工，噪音影响楼下住户休息')
    await d.getByLabel('争议焦点').fill('施工时间安排')
    await d.getByLabel('各方责任').fill('被申请人承担控制施工噪音的责任')
    await d.getByLabel('协议内容').fill('工作日8:30至12:00、14:00至18:00施工，周末不施工')
    await d.getByLabel('履行方式').fill('被申请人按约定时间施工，社区网格员监督')
    await d.getByLabel('履行期限').fill('2026-12-31')
    await d.getByLabel('履行期限').press('Enter')
    await page.waitForFunction(() => !document.querySelector('.el-message'))
    await screenshot(page, 'event-dialog-agreement')
  })
  await dialog.waitFor({ state: 'hidden' })
  await waitState(page, '已达成协议')
  await card.getByTestId('agreement-status').filter({ hasText: '待当事人确认（0/2）' }).waitFor()

  // Art. 29: each party signs (or puts a thumbprint on) the written agreement; the signed page is an attachment.
  await page.getByLabel('上传附件').setInputFiles({ name: '调解协议签字页.png', mimeType: 'image/png', buffer: png(20_000) })
  await page.getByRole('region', { name: '附件列表' }).getByText('调解协议签字页.png').waitFor()
  for (const [i, party] of parties.entries()) {
    const d = await act(page, '当事人签字确认', async (d) => {
      await choose(page, '当事人', party, d)
      await d.locator('label.el-radio-button').filter({ hasText: i === 0 ? /^签字$/ : /^捺印$/ }).click()
      await d.getByText('调解协议签字页.png').waitFor()
    })
    await d.waitFor({ state: 'hidden' })
  }
  await card.getByTestId('agreement-status').filter({ hasText: '已生效' }).waitFor()
  await card.getByText('已捺印确认').waitFor()
  await page.waitForFunction(() => !document.querySelector('.el-message'))
  await card.scrollIntoViewIfNeeded()
  await screenshot(page, 'case-dispute-agreement')
  const history = (await server.api('GET', `/api/v1/cases/${disputeId}/history`)).body.items
  const signedPage = (await server.api('GET', `/api/v1/cases/${disputeId}/attachments`)).body.items[0]
  assert.deepEqual(
    history.filter((h) => h.event === 'confirm_agreement').map((h) => [h.data.party, h.data.form, h.data.attachment_seq]),
    [
      [1, 'signature', signedPage.seq],
      [2, 'thumbprint', signedPage.seq],
    ],
  )
  const agreement = history.find((h) => h.event === 'reach_agreement')
  assert.equal(agreement.data.form, 'written')
  assert.equal(agreement.data.performance_due, '2026-12-31')
  assert.equal(agreement.data.issues, '施工时间安排')
  assert.equal(agreement.data.responsibilities, '被申请人承担控制施工噪音的责任')

  await act(page, '记录履行情况', async (d) => {
    await d.locator('label.el-radio-button').filter({ hasText: /^已履行$/ }).click()
    await d.getByLabel('回查记录').fill('上门回查：被申请人已按约定时间施工')
  })
  await waitState(page, '回访中')
  assert.ok(!(await buttons(page)).includes('结案'))

  // A dissatisfied 回访 sends the dispute back to mediation (重新调解).
  page = await openCase('desk', disputeId)
  await act(page, '记录回访', async (d) => {
    await d.locator('label.el-radio-button').filter({ hasText: /^不满意$/ }).click()
    await d.getByLabel('回访记录').fill('申请人反映周末仍有施工')
  })
  await waitState(page, '调解中')
  await page.getByRole('region', { name: '调解与协议' }).getByTestId('rework-count').filter({ hasText: '重新调解 1 次' }).waitFor()
  let c = await getCase(disputeId)
  assert.equal(c.state, 'mediating')
  assert.equal(c.rework_count, 1)

  // A second agreement, oral this time (in force at once), performed, then a content 回访 and closing.
  page = await openCase('handler', disputeId)
  await act(page, '达成协议', async (d) => {
    await d.locator('label.el-radio-button').filter({ hasText: /^口头协议$/ }).click()
    await d.getByLabel('事实', { exact: true }).fill('被申请人周末仍有施工')
    await d.getByLabel('争议焦点').fill('周末施工')
    await d.getByLabel('协议内容').fill('周末及节假日一律不施工')
    await d.getByLabel('履行方式').fill('被申请人自行遵守，网格员抽查')
    await d.getByLabel('履行期限').fill('2026-12-31')
    await d.getByLabel('履行期限').press('Enter')
  })
  await waitState(page, '已达成协议')
  await page.getByRole('region', { name: '调解与协议' }).getByTestId('agreement-status').filter({ hasText: '已生效' }).waitFor()
  assert.ok(!(await buttons(page)).includes('当事人签字确认'), 'an oral agreement needs no signature')
  await act(page, '确认履行')
  await waitState(page, '回访中')
  page = await openCase('desk', disputeId)
  await act(page, '记录回访', async (d) => {
    await d.locator('label.el-radio-button').filter({ hasText: /^基本满意$/ }).click()
    await d.getByLabel('回访记录').fill('双方均表示按协议履行')
  })
  await waitState(page, '回访中')
  await act(page, '结案')
  await waitState(page, '已结案')
  await screenshot(page, 'case-dispute-closed')
  c = await getCase(disputeId)
  assert.equal(c.state, 'closed')
  assert.equal(c.rework_count, 1)
  const timeline = await page.getByRole('list', { name: '办理记录' }).innerText()
  for (const words of ['记录调解意愿', `当事人：${parties[1]}`, '调解意愿：同意调解', '形式：口头', '选定调解员', '调解员：赵福明', '争议焦点：施工时间安排', '当事人签字确认', '形式：捺印', '签字页附件：调解协议签字页.png', '记录履行情况', '结果：已履行', '满意度：不满意']) {
    assert.ok(timeline.includes(words), words)
  }
})

test('a high-risk dispute: no mediation before the risk is reported to the police (Art. 25)', async () => {
  const id = await caseViaApi(
    {
      kind: 'dispute',
      category: 'property_renovation',
      title: '装修纠纷双方发生推搡',
      risk_level: 'high',
      location: { community: 'LF', grid: 'LF-G04' },
      parties: [
        { role: 'applicant', name: '钱七' },
        { role: 'respondent', name: '孙八' },
      ],
    },
    [{ event: 'accept' }, { event: 'assign', department: 'urban', assignees: ['urban-01'] }],
  )
  const page = await openCase('handler', id)
  await waitState(page, '已分派')
  await page.getByText('高风险：须先向公安报告后方可调解').waitFor()
  let seen = await buttons(page)
  assert.ok(!seen.includes('开始调解') && seen.includes('报告风险'), seen.join(','))
  await act(page, '报告风险', async (d) => {
    assert.equal(await d.getByLabel('报告对象').inputValue(), '派出所')
    await d.getByLabel('风险情况').fill('双方曾发生推搡，已告知社区民警')
  })
  await page.getByText(/已于 .* 向派出所报告风险，可以开始调解/).waitFor()
  seen = await buttons(page)
  assert.ok(seen.includes('开始调解'), seen.join(','))
  await act(page, '开始调解')
  await waitState(page, '调解中')
  assert.deepEqual((await historyEvents(id)).slice(-2), ['report_risk', 'start_mediation'])
})

test('no page shows a phone or ID number in clear until a reveal, which is in the access log', async () => {
  for (const who of ['desk', 'dispatcher', 'handler', 'supervisor']) {
    for (const id of [requestId, disputeId]) {
      const page = await openCase(who, id)
      await page.getByRole('list', { name: '办理记录' }).waitFor()
      const text = await page.locator('body').innerText()
      for (const secret of [PHONE, ID_NUMBER, PHONE2, ID2]) assert.ok(!text.includes(secret), `${who} sees ${secret} on case ${id}`)
      const reveal = page.getByRole('button', { name: '查看完整信息' })
      assert.equal(await reveal.count(), ['desk', 'handler'].includes(who) ? 1 : 0, who)
    }
  }
  const page = await openCase('desk', disputeId)
  await page.getByRole('button', { name: '查看完整信息' }).click()
  const dialog = page.getByRole('dialog', { name: '查看当事人完整信息' })
  await dialog.getByRole('button', { name: '确认查看' }).click()
  await dialog.getByText('请填写查看用途').waitFor()
  await dialog.getByLabel('查看用途').fill('电话回访申请人')
  await dialog.getByRole('button', { name: '确认查看' }).click()
  await page.getByRole('region', { name: '当事人信息' }).getByText(PHONE2).waitFor()
  await dialog.waitFor({ state: 'hidden' })
  await page.getByText('已显示完整信息').waitFor()
  assert.ok((await page.locator('body').innerText()).includes(ID2))
  await screenshot(page, 'case-dispute-revealed')

  const log = await server.api('GET', `/api/v1/access-log?case_id=${disputeId}`, undefined, await tokenOf('supervisor'))
  assert.equal(log.status, 200)
  assert.equal(log.body.items.length, 1)
  assert.equal(log.body.items[0].username, 'desk1')
  assert.equal(log.body.items[0].purpose, '电话回访申请人')
  assert.equal(log.body.items[0].case_id, disputeId)
})

test('a change behind the page: 412 says what changed and offers 重新加载', async () => {
  // A fresh request, dispatched to 城管 through the API.
  const id = await caseViaApi(
    {
      kind: 'request',
      category: 'parking',
      title: '消防通道被占用',
      channel: 'phone',
      location: { community: 'LF', grid: 'LF-G02' },
      parties: [{ role: 'applicant', name: '赵六', phone: '13600002222' }],
    },
    [{ event: 'dispatch', department: 'urban', assignee: 'urban-01' }],
  )

  const page = await openCase('handler', id)
  await waitState(page, '已派单')
  // The supervisor signs it through the API while the handler's page is open.
  const signed = await server.api('POST', `/api/v1/cases/${id}/events`, { event: 'acknowledge' }, await tokenOf('supervisor'))
  assert.equal(signed.status, 200)
  await actions(page).getByRole('button', { name: '退单', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: '退单' })
  await dialog.getByLabel('退单理由').fill('非本部门职责')
  await dialog.getByRole('button', { name: /^确定/ }).click()
  const alert = dialog.getByRole('alert')
  await alert.getByText('案件已被他人修改，您的操作未执行').waitFor()
  const said = await alert.innerText()
  assert.match(said, /现已更新为第 3 版/)
  assert.match(said, /当前状态：已签收/)
  assert.match(said, /开始办理/)
  await screenshot(page, 'case-conflict-412')
  const after = await getCase(id)
  assert.equal(after.state, 'acknowledged', 'the refused return changed nothing')
  assert.equal(after.return_count, 0)
  await dialog.getByRole('button', { name: '重新加载' }).click()
  await waitState(page, '已签收')
  const seen = await buttons(page)
  assert.ok(seen.includes('开始办理') && !seen.includes('退单'), seen.join(','))

  // A note, internal, added on the page.
  await page.getByLabel('新备注').fill('已电话联系物业，明早清理通道')
  await page.getByRole('button', { name: '添加备注' }).click()
  await page.getByRole('list', { name: '备注列表' }).getByText('已电话联系物业，明早清理通道').waitFor()
  const notes = (await server.api('GET', `/api/v1/cases/${id}/notes`)).body.items
  assert.equal(notes.length, 1)
  assert.equal(notes[0].visibility, 'internal')
  assert.equal(notes[0].author, 'urban-01')

  // The page on a 1024-wide tablet.
  const tablet = await newPage(browser, { viewport: { width: 1024, height: 768 } })
  await visit('supervisor', `/cases/${id}`, tablet)
  await waitState(tablet, '已签收')
  await screenshot(tablet, 'case-request-1024')
  await tablet.context().close()
})
