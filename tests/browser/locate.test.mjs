// 窗口登记's 按位置/楼栋定位 over the real server: a building named in an
// address, coordinates copied from a map (longitude first, WGS84 or GCJ-02)
// and a point outside the sub-district, each as the desk sees it — the
// cascade 社区 › 网格 › 微网格 filled (or an error in Chinese) — and the case
// saved with the located micro-grid. Expected places come from
// config/boundaries.geojson and config/jurisdiction.json, not from the server.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { launchBrowser, loginAs, newPage, repoRoot, screenshot, startServer } from './harness.mjs'

const boundaries = JSON.parse(fs.readFileSync(path.join(repoRoot, 'config/boundaries.geojson'), 'utf8'))
const jurisdiction = JSON.parse(fs.readFileSync(path.join(repoRoot, 'config/jurisdiction.json'), 'utf8'))

function feature(code) {
  const f = boundaries.features.find((x) => x.properties.code === code)
  assert.ok(f, `no feature ${code}`)
  return f
}

// The names of a micro-grid's community, grid and itself, from jurisdiction.json.
function namesOf(microGrid) {
  for (const c of jurisdiction.communities)
    for (const g of c.grids)
      for (const m of g.micro_grids ?? []) if (m.code === microGrid) return [c.name, g.name, m.name]
  assert.fail(`no micro-grid ${microGrid}`)
}

// The mean of a micro-grid's vertices (inside it: its cell is a near-convex quadrilateral).
function middleOf(code) {
  const ring = feature(code).geometry.coordinates[0].slice(0, -1)
  return {
    lat: ring.reduce((s, p) => s + p[1], 0) / ring.length,
    lon: ring.reduce((s, p) => s + p[0], 0) / ring.length,
  }
}

// WGS84 -> GCJ-02, the published transform, written out again here so the
// test does not take the server's word for it.
function toGcj02({ lat, lon }) {
  const a = 6378245.0
  const ee = 0.00669342162296594323
  const x = lon - 105.0
  const y = lat - 35.0
  const PI = Math.PI
  let dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
  dLat += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0
  dLat += ((20.0 * Math.sin(y * PI) + 40.0 * Math.sin((y / 3.0) * PI)) * 2.0) / 3.0
  dLat += ((160.0 * Math.sin((y / 12.0) * PI) + 320 * Math.sin((y * PI) / 30.0)) * 2.0) / 3.0
  let dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x))
  dLon += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0
  dLon += ((20.0 * Math.sin(x * PI) + 40.0 * Math.sin((x / 3.0) * PI)) * 2.0) / 3.0
  dLon += ((150.0 * Math.sin((x / 12.0) * PI) + 300.0 * Math.sin((x / 30.0) * PI)) * 2.0) / 3.0
  const rad = (lat / 180.0) * PI
  let magic = Math.sin(rad)
  magic = 1 - ee * magic * magic
  const sqrtMagic = Math.sqrt(magic)
  dLat = (dLat * 180.0) / (((a * (1 - ee)) / (magic * sqrtMagic)) * PI)
  dLon = (dLon * 180.0) / ((a / sqrtMagic) * Math.cos(rad) * PI)
  return { lat: lat + dLat, lon: lon + dLon }
}

let server
let browser
let page

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  await server.createUser({ username: 'desk1', password: 'desk-pass-1', role: 'desk', display_name: '窗口小王' })
  page = await newPage(browser)
  await loginAs(page, server.url, 'desk1', 'desk-pass-1')
  await page.goto(server.url + '/intake')
  await page.getByRole('heading', { name: '窗口登记' }).waitFor()
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

// The text an el-select shows for its choice.
async function shown(label) {
  const box = page.getByRole('combobox', { name: label, exact: true })
  return (await box.locator('xpath=ancestor::div[contains(@class, "el-select__wrapper")]').innerText()).trim()
}

async function locate(text, datum = 'WGS84（GPS）') {
  const datumBox = page.getByRole('combobox', { name: '坐标系', exact: true })
  if ((await shown('坐标系')) !== datum) {
    await datumBox.locator('xpath=ancestor::div[contains(@class, "el-select__wrapper")]').click()
    await page.getByRole('option', { name: datum, exact: true }).click()
  }
  await page.getByLabel('按位置/楼栋定位').fill(text)
  await page.getByRole('button', { name: '定位', exact: true }).click()
}

async function expectCascade(microGrid, building = null) {
  const [community, grid, micro] = namesOf(microGrid)
  const status = page.getByRole('status').filter({ hasText: '已定位' })
  await status.waitFor()
  assert.equal(
    (await status.innerText()).trim(),
    `已定位：${community} › ${grid} › ${micro}${building ? `（${building}）` : ''}`,
  )
  assert.equal(await shown('社区'), community)
  assert.equal(await shown('网格'), grid)
  assert.equal(await shown('微网格'), micro)
}

test('a building named in an address fills the cascade and the address', async () => {
  const building = feature('LY-XSP-03').properties
  await locate(`${building.name}2单元`)
  await expectCascade(building.micro_grid, building.name)
  assert.equal(await page.getByLabel('详细地址').inputValue(), building.name)
  await page.getByLabel('详细地址').evaluate((e) => e.scrollIntoView({ block: 'center' }))
  await screenshot(page, 'locate-building')
})

test('coordinates copied from a map, longitude first, WGS84 and GCJ-02', async () => {
  const wgs = middleOf('JS-G04-M5')
  await locate(`${wgs.lon.toFixed(7)},${wgs.lat.toFixed(7)}`)
  await expectCascade('JS-G04-M5')

  const target = middleOf('LF-G06-M3')
  const gcj = toGcj02(target)
  await locate(`${gcj.lat.toFixed(7)}, ${gcj.lon.toFixed(7)}`, 'GCJ-02（高德/腾讯/微信）')
  await expectCascade('LF-G06-M3')
  await page.getByLabel('详细地址').evaluate((e) => e.scrollIntoView({ block: 'center' }))
  await screenshot(page, 'locate-gcj02')
})

test('a point outside the sub-district is refused in Chinese and changes nothing', async () => {
  const before = [await shown('社区'), await shown('网格'), await shown('微网格')]
  await locate('29.5, 106.0', 'WGS84（GPS）')
  await page.getByText('该坐标不在本街道任何微网格内').waitFor()
  assert.deepEqual([await shown('社区'), await shown('网格'), await shown('微网格')], before)
  await screenshot(page, 'locate-outside')
})

test('the case saved after locating carries the located micro-grid', async () => {
  // An address already typed is kept; an empty one takes the building's name.
  await page.getByLabel('详细地址').fill('')
  await locate('ly-xsp-05')
  const building = feature('LY-XSP-05').properties
  await expectCascade(building.micro_grid, building.name)
  const category = page.getByRole('combobox', { name: '事项类别', exact: true })
  await category.locator('xpath=ancestor::div[contains(@class, "el-select__wrapper")]').click()
  await page.getByRole('option', { name: '邻里纠纷', exact: true }).click()
  await page.getByLabel('申请人1姓名', { exact: true }).fill('李四')
  await page.getByLabel('申请人1联系电话', { exact: true }).fill('13987654321')
  await page.getByLabel('被申请人1姓名').fill('王五')
  await page.getByLabel('标题', { exact: true }).fill('楼上漏水')
  await page.getByRole('button', { name: '保存登记' }).click()
  await page.waitForURL(/\/cases\/\d+$/)
  const id = Number(page.url().split('/').pop())
  const saved = await server.api('GET', `/api/v1/cases/${id}`)
  assert.equal(saved.status, 200)
  assert.equal(saved.body.location.micro_grid, building.micro_grid)
  assert.equal(saved.body.location.grid, 'LY-G02')
  assert.equal(saved.body.location.community, 'LY')
  assert.equal(saved.body.location.address, building.name)
})
