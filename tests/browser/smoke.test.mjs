// The console's first page over the real server: the login page in Chinese,
// a wrong password refused beside the form, a right one signed in, logout.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { launchBrowser, loginAs, newPage, screenshot, startServer } from './harness.mjs'

test('login page: refuses a wrong password in Chinese, signs in and out', async () => {
  const server = await startServer()
  const browser = await launchBrowser()
  try {
    await server.createUser({ username: 'desk1', password: 'desk-pass-1', role: 'desk', display_name: '窗口小王' })
    const page = await newPage(browser)
    await page.goto(server.url + '/')
    await page.getByLabel('用户名').waitFor()
    assert.equal(await page.title(), '登录 · 平安龙凤桥工作台')
    await screenshot(page, 'login')

    await page.getByLabel('用户名').fill('desk1')
    await page.getByLabel('密码').fill('wrong-password')
    await page.getByRole('button', { name: '登录' }).click()
    await page.getByRole('alert').getByText('用户名或密码错误。').waitFor()

    await loginAs(page, server.url, 'desk1', 'desk-pass-1')
    await page.getByText('窗口小王').waitFor()
    await page.getByRole('button', { name: '退出登录' }).click()
    await page.getByLabel('用户名').waitFor()
  } finally {
    await browser.close()
    await server.stop()
  }
})
