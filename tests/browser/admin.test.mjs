// 系统管理 over the real server: the admin creates and changes a user, issues
// a token, adds a department and a staff member, reads the catalogue and
// keeps the calendar; what the page shows is checked against the API.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loginAs, newPage, screenshot } from './harness.mjs'
import { applyEvent, choose, createCase, navigate, passwords, withServer } from './fb_support.mjs'

test('admin: users, departments and staff, catalogue and calendar through the page', () =>
  withServer(async (server, browser) => {
    const page = await newPage(browser)
    await loginAs(page, server.url, 'admin1', passwords.admin1)
    await page.getByRole('menubar', { name: '主菜单' }).getByText('系统管理').click()
    await page.getByRole('heading', { name: '系统管理' }).waitFor()
    const users = page.getByRole('region', { name: '用户列表' })
    await users.getByText('dispatcher1', { exact: true }).waitFor()

    // A new handler: refused without a department (the API's field error beside the field), then made.
    await page.getByRole('button', { name: '新建用户' }).click()
    const dialog = page.getByRole('dialog', { name: '新建用户' })
    await dialog.getByLabel('用户名').fill('handler9')
    await dialog.getByLabel('初始密码').fill('handler-pass-9')
    await dialog.getByLabel('姓名').fill('网格员小赵')
    await choose(page, '角色', '承办人员')
    await dialog.getByRole('button', { name: '保存' }).click()
    await dialog.locator('.el-form-item__error').first().waitFor()
    assert.equal((await server.api('GET', '/api/v1/users')).body.items.filter((u) => u.username === 'handler9').length, 0)
    await choose(page, '部门', '网格')
    await dialog.getByRole('button', { name: '保存' }).click()
    await page.getByText('已创建用户 handler9').waitFor()
    let listed = (await server.api('GET', '/api/v1/users')).body.items.find((u) => u.username === 'handler9')
    assert.deepEqual([listed.role, listed.department, listed.display_name, listed.disabled], ['handler', 'grid', '网格员小赵', false])
    await users.getByText('网格员小赵').waitFor()
    const login = await server.api('POST', '/api/v1/login', { username: 'handler9', password: 'handler-pass-9' }, '')
    assert.equal(login.status, 200)

    // Disable them: the API refuses their login from then on.
    await page.getByRole('button', { name: '编辑 handler9' }).click()
    const edit = page.getByRole('dialog', { name: '编辑用户 handler9' })
    await edit.getByRole('switch', { name: '停用' }).locator('xpath=..').click()
    await edit.getByRole('button', { name: '保存' }).click()
    await page.getByText('已更新用户 handler9').waitFor()
    listed = (await server.api('GET', '/api/v1/users')).body.items.find((u) => u.username === 'handler9')
    assert.equal(listed.disabled, true)
    await users.locator('tr', { hasText: 'handler9' }).getByText('已停用').waitFor()

    // A token for the dispatcher, shown once, that the API accepts.
    await page.getByRole('button', { name: '签发令牌 dispatcher1' }).click()
    await page.getByRole('dialog', { name: '为 dispatcher1 签发令牌' }).getByRole('button', { name: '签发' }).click()
    const token = await page.getByRole('dialog', { name: '令牌已签发' }).getByLabel('令牌').inputValue()
    assert.match(token, /^[0-9a-f]{64}$/)
    assert.equal((await server.api('GET', '/api/v1/queues/dispatch?limit=1', undefined, token)).status, 200)
    await screenshot(page, 'admin-token')
    await page.getByRole('button', { name: '我已保存' }).click()
    await screenshot(page, 'admin')

    // A department and a member of its staff.
    await page.getByRole('tab', { name: '部门与人员' }).click()
    await page.getByLabel('新部门编码').fill('housing')
    await page.getByLabel('新部门名称').fill('住建办')
    await page.getByRole('button', { name: '新增部门' }).click()
    await page.getByText('已新增部门 住建办').waitFor()
    const dept = (await server.api('GET', '/api/v1/departments')).body.items.find((d) => d.code === 'housing')
    assert.deepEqual(dept, { code: 'housing', name: '住建办', active: true })
    await choose(page, '所属部门', '住建办')
    const staffBox = page.getByRole('region', { name: '人员' })
    await staffBox.getByText('该部门暂无人员').waitFor()
    await staffBox.getByLabel('人员编号').fill('housing-01')
    await staffBox.getByLabel('人员姓名').fill('何建国')
    await staffBox.getByLabel('岗位', { exact: true }).fill('housing_officer')
    await staffBox.getByRole('button', { name: '新增人员' }).click()
    await page.getByText('已新增人员 何建国').waitFor()
    await staffBox.getByText('housing-01').waitFor()
    const staff = (await server.api('GET', '/api/v1/staff?department=housing')).body.items
    assert.deepEqual(staff.map((s) => [s.id, s.name, s.role, s.active]), [['housing-01', '何建国', 'housing_officer', true]])
    await screenshot(page, 'admin-directory')

    // The catalogue as the API has it (its editor: the next test).
    await page.getByRole('tab', { name: '类别目录' }).click()
    const catalogue = (await server.api('GET', '/api/v1/catalogue')).body
    for (const c of catalogue.categories.dispute) await page.getByRole('textbox', { name: `名称 ${c.code}`, exact: true }).first().waitFor()
    await page.getByTestId('catalogue-version').filter({ hasText: '当前为第 1 版' }).waitFor()

    // The calendar: next year's holidays and 调休 days, entered from the notice,
    // then listed by the API and counted by the engine (GET /health).
    await page.getByRole('tab', { name: '工作日历' }).click()
    const next = new Date().getFullYear() + 1
    const before = (await server.api('GET', '/api/v1/calendar')).body.items.find((y) => y.year === next)
    assert.notEqual(before?.status, 'published', JSON.stringify(before))
    await page.getByText(`${next} 年尚未录入法定节假日`).waitFor()
    await choose(page, '年度', new RegExp(`^${next} 年（未`))
    const panel = page.getByRole('region', { name: '工作日历设置' })
    await panel.getByLabel('通知标题').fill(`国务院办公厅关于${next}年部分节假日安排的通知`)
    for (const [kind, date, to, name] of [
      ['法定节假日', `${next}-01-01`, `${next}-01-03`, '元旦'],
      ['调休上班日', `${next}-01-04`, '', '元旦'],
    ]) {
      await choose(page, '类型', kind)
      await panel.getByLabel('日期', { exact: true }).fill(date)
      await panel.getByLabel('日期', { exact: true }).press('Enter')
      if (to) {
        await panel.getByLabel('结束日期').fill(to)
        await panel.getByLabel('结束日期').press('Enter')
      }
      await panel.getByLabel('名称').fill(name)
      await panel.getByRole('button', { name: '添加' }).click()
      await panel.getByRole('region', { name: kind }).getByText(date).waitFor()
    }
    await page.getByRole('button', { name: `保存 ${next} 年日历` }).click()
    await page.getByText(`已保存 ${next} 年工作日历：法定节假日 1 段，调休上班日 1 天`).waitFor()
    await page.getByTestId('calendar-status').filter({ hasText: '已录入' }).waitFor()
    const entered = (await server.api('GET', '/api/v1/calendar')).body.items.find((y) => y.year === next)
    assert.equal(entered.status, 'published')
    assert.equal(entered.origin, 'database')
    assert.equal(entered.updated_by, 'admin1')
    assert.deepEqual(entered.holidays, [{ name: '元旦', from: `${next}-01-01`, to: `${next}-01-03` }])
    assert.deepEqual(entered.make_up_days.map((d) => d.date), [`${next}-01-04`])
    const health = (await server.api('GET', '/health')).body
    assert.ok(!JSON.stringify(health.calendar.years_missing).includes(String(next)), JSON.stringify(health))
    await screenshot(page, 'admin-calendar')
  }))

test('admin: the catalogue editor — a bad edit changes nothing, a new category and a routing reach the API and the desk', () =>
  withServer(async (server, browser) => {
    const page = await newPage(browser)
    await loginAs(page, server.url, 'admin1', passwords.admin1)
    await navigate(page, '/admin')
    await page.getByRole('heading', { name: '系统管理' }).waitFor()
    await page.getByRole('tab', { name: '类别目录' }).click()
    const panel = page.getByRole('region', { name: '类别目录' })
    await panel.getByTestId('catalogue-version').filter({ hasText: '当前为第 1 版' }).waitFor()
    await panel.getByRole('tab', { name: '居民诉求' }).click()
    const before = (await server.api('GET', '/api/v1/catalogue')).body

    // A bad edit: an empty name. The API's error beside the row, in Chinese; nothing stored.
    await panel.getByRole('textbox', { name: '名称 facility_repair' }).fill('')
    await panel.getByRole('button', { name: '保存目录' }).click()
    await panel.getByRole('alert').filter({ hasText: '目录有 1 处错误，未保存' }).waitFor()
    await panel.getByRole('alert').filter({ hasText: '名称有误' }).waitFor()
    await screenshot(page, 'admin-catalogue-error')
    const unchanged = await server.api('GET', '/api/v1/catalogue')
    assert.equal(unchanged.headers.get('etag'), '"1"')
    assert.deepEqual(unchanged.body, before)
    assert.equal((await server.api('GET', '/api/v1/catalogue/versions')).body.items.length, 1)
    await panel.getByRole('button', { name: '放弃修改' }).click()
    await panel.getByRole('tab', { name: '居民诉求' }).click()
    assert.equal(await panel.getByRole('textbox', { name: '名称 facility_repair' }).inputValue(), '公共设施维修')

    // A new routing and a new category, saved with If-Match.
    await choose(page, '默认承办部门 facility_repair', '物业服务')
    await panel.getByRole('button', { name: '新增类别' }).click()
    const dialog = page.getByRole('dialog', { name: '新增类别' })
    await dialog.getByLabel('类别编码').fill('night_works')
    await dialog.getByLabel('类别名称').fill('夜间施工扰民')
    await choose(page, '默认承办部门', '城管')
    await dialog.getByLabel('说明').fill('22 时至次日 6 时的施工噪音')
    await dialog.getByRole('button', { name: '加入目录' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await panel.getByRole('textbox', { name: '名称 night_works' }).waitFor()
    await panel.getByRole('button', { name: '保存目录' }).click()
    await panel.getByText('已保存类别目录（第 2 版）').waitFor()
    await panel.getByRole('region', { name: '目录修改记录' }).getByText('admin1').waitFor()
    await screenshot(page, 'admin-catalogue')
    const saved = await server.api('GET', '/api/v1/catalogue')
    assert.equal(saved.headers.get('etag'), '"2"')
    const requests = saved.body.categories.request
    assert.equal(requests.find((c) => c.code === 'facility_repair').default_department, 'property')
    const added = requests.find((c) => c.code === 'night_works')
    assert.deepEqual([added.name, added.default_department, added.description], ['夜间施工扰民', 'urban', '22 时至次日 6 时的施工噪音'])
    const log = (await server.api('GET', '/api/v1/catalogue/versions')).body.items
    assert.deepEqual(log.map((e) => [e.version, e.updated_by]), [[2, 'admin1'], [1, 'config']])

    // New cases route by it.
    const repair = await createCase(server, { category: 'facility_repair' })
    assert.equal((await applyEvent(server, repair, 'dispatch')).assignment.department, 'property')

    // The desk's intake form offers the new category, with its routing.
    const desk = await newPage(browser)
    await loginAs(desk, server.url, 'desk1', passwords.desk1)
    await navigate(desk, '/intake')
    await desk.getByRole('heading', { name: '窗口登记' }).waitFor()
    await desk.locator('label.el-radio-button').filter({ hasText: '居民诉求' }).click()
    await choose(desk, '事项类别', '夜间施工扰民')
    await desk.getByText('默认承办：').waitFor()
    await desk.locator('.routing').getByText('城管').waitFor()
    await desk.getByRole('listbox').filter({ visible: true }).waitFor({ state: 'hidden' })
    await desk.evaluate(() => {
      window.scrollTo(0, 0)
      document.querySelector('.shell-main')?.scrollTo(0, 0)
    })
    await screenshot(desk, 'intake-new-category')

    // Someone else saves meanwhile: the admin's next save is refused (412) and offers a reload.
    const other = structuredClone(saved.body)
    other.categories.request.find((c) => c.code === 'parking').name = '停车管理（他人修改）'
    const put = await server.api('PUT', '/api/v1/catalogue', other, undefined, { 'If-Match': '"2"' })
    assert.equal(put.status, 200, JSON.stringify(put.body))
    await panel.getByRole('textbox', { name: '名称 sanitation' }).fill('环境卫生（改）')
    await panel.getByRole('button', { name: '保存目录' }).click()
    await panel.getByRole('alert').filter({ hasText: '目录已被他人修改' }).waitFor()
    await screenshot(page, 'admin-catalogue-stale')
    assert.equal((await server.api('GET', '/api/v1/catalogue')).headers.get('etag'), '"3"')
    await panel.getByRole('button', { name: '重新加载目录' }).click()
    await panel.getByTestId('catalogue-version').filter({ hasText: '当前为第 3 版' }).waitFor()
    await panel.getByRole('tab', { name: '居民诉求' }).click()
    assert.equal(await panel.getByRole('textbox', { name: '名称 parking' }).inputValue(), '停车管理（他人修改）')
  }))

test('admin: the menu entry and the page are for the admin role only', () =>
  withServer(async (server, browser) => {
    for (const user of ['desk1', 'dispatcher1', 'admin1']) {
      const page = await newPage(browser)
      await loginAs(page, server.url, user, passwords[user])
      const menu = page.getByRole('menubar', { name: '主菜单' })
      await menu.getByText('派单台').waitFor()
      assert.equal(await menu.getByText('系统管理').count(), user === 'admin1' ? 1 : 0, user)
      await navigate(page, '/admin')
      if (user === 'admin1') await page.getByRole('heading', { name: '系统管理' }).waitFor()
      else {
        await page.getByRole('heading', { name: '派单台' }).waitFor()
        await page.waitForTimeout(500)
        assert.equal(await page.getByRole('heading', { name: '系统管理' }).count(), 0, user)
        assert.equal((await server.api('GET', '/api/v1/users', undefined, await tokenOf(server, user))).status, 403)
      }
      await page.context().close()
    }
  }))

async function tokenOf(server, user) {
  return (await server.api('POST', '/api/v1/login', { username: user, password: passwords[user] }, '')).body.token
}
