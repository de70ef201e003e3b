// The Code for America Open311 client (npm `open311` 0.0.12, unchanged, JSON
// mode) against the real server on SQLite or the PostgreSQL fixture (the
// browser tests' harness starts it). Its XML-only dependencies are stand-ins
// that throw (package.json `overrides`): the JSON mode must never call them.
// Each answer's fields are checked, and so is the case in the native API.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import { startServer } from '../browser/harness.mjs'

const require = createRequire(import.meta.url)
const Open311 = require('open311')

let server
let key
let client

// The client's callbacks as promises: [error, data].
function call(method, ...args) {
  return new Promise((resolve) => client[method](...args, (err, data) => resolve([err, data])))
}

const cstTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/

// A building of config/boundaries.geojson: its point (WGS84) and micro-grid.
const boundaries = JSON.parse(fs.readFileSync(new URL('../../config/boundaries.geojson', import.meta.url), 'utf8'))
const building = boundaries.features.find((f) => f.geometry.type === 'Point' && f.properties.micro_grid.startsWith('LF-G03'))
const [buildingLong, buildingLat] = building.geometry.coordinates

before(async () => {
  server = await startServer()
  const created = await server.api('POST', '/api/v1/channels', {
    name: 'city_app',
    display_name: '城市App',
    intake_channel: 'online',
  })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  key = created.body.api_key
  client = new Open311({ endpoint: server.apiUrl + '/open311/v2/', jurisdiction: 'longfengqiao', apiKey: key })
})

after(async () => {
  await server?.stop()
})

test('service discovery and the service list', async () => {
  const [derr, discovery] = await new Promise((resolve) =>
    new Open311({ discovery: server.apiUrl + '/open311/v2/discovery.json' }).serviceDiscovery((e, d) => resolve([e, d])),
  )
  assert.equal(derr, false)
  assert.equal(discovery.endpoints[0].specification, 'http://wiki.open311.org/GeoReport_v2')
  assert.deepEqual(discovery.endpoints[0].formats, ['application/json', 'text/xml'])

  const [err, services] = await call('serviceList')
  assert.equal(err, null)
  const codes = services.map((s) => s.service_code)
  assert.ok(codes.includes('facility_repair') && codes.includes('policy_question'))
  const repair = services.find((s) => s.service_code === 'facility_repair')
  assert.deepEqual(Object.keys(repair), ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'])
  assert.equal(repair.service_name, '公共设施维修')
  assert.equal(repair.metadata, true)
  assert.equal(repair.type, 'realtime')
  assert.equal(repair.group, '设施报修')
  assert.match(repair.keywords, /路灯/)
})

test('a service definition', async () => {
  const [err, def] = await call('serviceDefinition', 'facility_repair')
  assert.equal(err, null)
  assert.equal(def.service_code, 'facility_repair')
  assert.deepEqual(def.attributes.map((a) => [a.code, a.datatype, a.required, a.order]), [
    ['facility', 'singlevaluelist', true, 1],
    ['hazards', 'multivaluelist', false, 2],
    ['floor', 'number', false, 3],
  ])
  assert.deepEqual(def.attributes[0].values[0], { key: 'streetlight', name: '路灯' })
  const [missing] = await call('serviceDefinition', 'no_such_service')
  assert.equal(missing, true) // the client reports any non-200 as an error
})

test('filing by form post with attributes, reading it back and finding the case', async () => {
  const [err, answer] = await call('submitRequest', {
    service_code: 'facility_repair',
    address_string: '小区门口',
    lat: String(buildingLat),
    long: String(buildingLong),
    attributes: { facility: 'streetlight', floor: '2' },
    first_name: '建华',
    last_name: '刘',
    phone: '13512345678',
    description: '小区门口路灯不亮',
    media_url: 'https://img.example.cn/lamp.jpg',
  })
  assert.equal(err, null)
  assert.equal(answer.length, 1)
  const id = answer[0].service_request_id
  assert.match(id, /^\d+$/)
  assert.equal(answer[0].service_notice, '已提交')

  const [gerr, one] = await call('serviceRequests', id)
  assert.equal(gerr, null)
  assert.equal(one.length, 1)
  const r = one[0]
  assert.deepEqual(Object.keys(r), [
    'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description',
    'agency_responsible', 'service_notice', 'requested_datetime', 'updated_datetime',
    'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url',
  ])
  assert.equal(r.service_request_id, id)
  assert.equal(r.status, 'open')
  assert.equal(r.status_notes, null)
  assert.equal(r.service_code, 'facility_repair')
  assert.equal(r.agency_responsible, '城管')
  assert.match(r.description, /小区门口路灯不亮/)
  assert.match(r.description, /损坏的设施：路灯/)
  assert.equal(r.address_id, building.properties.micro_grid)
  assert.equal(r.lat, String(buildingLat))
  assert.equal(r.media_url, 'https://img.example.cn/lamp.jpg')
  assert.ok(r.requested_datetime instanceof Date && !isNaN(r.requested_datetime)) // the client parsed it
  const raw = await fetch(`${server.apiUrl}/open311/v2/requests/${id}.json`).then((x) => x.text())
  for (const pii of ['13512345678', '刘建华', '建华']) assert.ok(!raw.includes(pii), pii)
  const times = JSON.parse(raw)[0]
  for (const f of ['requested_datetime', 'updated_datetime', 'expected_datetime']) assert.match(times[f], cstTime)

  const native = await server.api('GET', `/api/v1/cases/${id}`)
  assert.equal(native.status, 200)
  assert.equal(native.body.state, 'submitted')
  assert.equal(native.body.kind, 'request')
  assert.equal(native.body.category, 'facility_repair')
  assert.equal(native.body.channel, 'online')
  // The micro-grid resolved from the point.
  assert.deepEqual(
    [native.body.location.community, native.body.location.grid, native.body.location.micro_grid],
    ['LF', 'LF-G03', building.properties.micro_grid],
  )
  const history = await server.api('GET', `/api/v1/cases/${id}/history`)
  assert.equal(history.body.items[0].actor, 'channel.city_app') // the source channel
})

test('a category that needs the desk answers a token, then the id', async () => {
  const [err, answer] = await call('submitRequest', {
    service_code: 'policy_question',
    address_id: 'LF-G01-M1',
    description: '低保申请需要哪些材料',
  })
  assert.equal(err, null)
  const token = answer[0].token
  assert.match(token, /^[0-9a-f]{64}$/)
  assert.equal(answer[0].service_request_id, undefined)
  let [terr, waiting] = await call('token', token)
  assert.equal(terr, null)
  assert.deepEqual(waiting, [{ service_request_id: null, token }])
  const confirmed = await server.api('POST', `/api/v1/channel-submissions/${token}/confirm`)
  assert.equal(confirmed.status, 201)
  ;[terr, waiting] = await call('token', token)
  assert.deepEqual(waiting, [{ service_request_id: String(confirmed.body.id), token }])
})

test('lists with filters', async () => {
  const [e1, all] = await call('serviceRequests', {})
  assert.equal(e1, null)
  assert.ok(all.length >= 2)
  const [e2, repairs] = await call('serviceRequests', { service_code: 'facility_repair', status: 'open' })
  assert.equal(e2, null)
  assert.ok(repairs.length >= 1 && repairs.every((r) => r.service_code === 'facility_repair' && r.status === 'open'))
  const [e3, none] = await call('serviceRequests', { status: 'closed' })
  assert.equal(e3, null)
  assert.deepEqual(none, [])
  const ids = all.map((r) => r.service_request_id)
  const [e4, picked] = await call('serviceRequests', [ids[0], '999999'])
  assert.equal(e4, null)
  assert.deepEqual(picked.map((r) => r.service_request_id), [ids[0]])
  const [e5, future] = await call('serviceRequests', { start_date: '2099-01-01T00:00:00+08:00' })
  assert.equal(e5, null)
  assert.deepEqual(future, [])
  const [e6, paged] = await call('serviceRequests', { page_size: '1', page: '2' })
  assert.equal(e6, null)
  assert.deepEqual(paged.map((r) => r.service_request_id), [ids[1]])
})

test('errors: a bad key, an unknown service, a missing attribute, a foreign jurisdiction', async () => {
  const before = await server.api('GET', '/api/v1/cases?kind=request')
  const bad = new Open311({ endpoint: server.apiUrl + '/open311/v2/', apiKey: 'not-a-key' })
  const [status, message] = await new Promise((resolve) =>
    bad.submitRequest({ service_code: 'sanitation', address_id: 'LF-G01-M1' }, (e, d) => resolve([e, d])),
  )
  assert.equal(status, 403)
  assert.match(message, /"code":403/)
  let [s2, m2] = await call('submitRequest', { service_code: 'nothing', address_id: 'LF-G01-M1' })
  assert.equal(s2, 404)
  assert.match(m2, /service_code nothing not found/)
  ;[s2, m2] = await call('submitRequest', { service_code: 'facility_repair', address_id: 'LF-G01-M1' })
  assert.equal(s2, 400)
  assert.match(m2, /attribute\[facility\]/)
  const foreign = new Open311({ endpoint: server.apiUrl + '/open311/v2/', jurisdiction: 'chicago', apiKey: key })
  const [s3, m3] = await new Promise((resolve) =>
    foreign.submitRequest({ service_code: 'sanitation', address_id: 'LF-G01-M1' }, (e, d) => resolve([e, d])),
  )
  assert.equal(s3, 404)
  assert.match(m3, /jurisdiction_id chicago not found/)
  const after = await server.api('GET', '/api/v1/cases?kind=request')
  assert.equal(after.body.items.length, before.body.items.length)
})
