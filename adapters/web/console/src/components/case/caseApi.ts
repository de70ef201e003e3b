// The case page's and the intake's view of the API: types of the answers,
// and the reference data (catalogue, jurisdiction, workflows, departments)
// loaded once per page load.
import { get } from '../../api'

export interface Party {
  role: string
  name: string
  phone: string | null
  id_number: string | null
}

export interface CaseDoc {
  id: number
  number: string
  kind: 'dispute' | 'request'
  state: string
  state_label: string
  version: number
  category: string
  title: string
  description: string
  channel: string
  location: { community: string; grid: string; micro_grid: string | null; address: string | null }
  parties: Party[]
  urgency: string
  risk_level: string
  confidential: boolean
  assignment: { department: string | null; assignees: string[]; co_departments: string[]; co_handlers: string[] }
  return_count: number
  rework_count: number
  flags: string[]
  duplicate_of: number | null
  deadline: string | null
  overdue: boolean
  time_left_seconds: number | null
  clock: CaseClock | null
  allowed_events: string[]
  created_at: string
  updated_at: string
  duplicates?: number[]
  duplicates_hidden?: number
}

export interface HistoryEntry {
  seq: number
  at: string
  actor: string
  event: string
  from_state: string | null
  to_state: string
  data: Record<string, unknown>
}

export interface WorkflowDoc {
  kind: string
  initial_state: string
  states: { name: string; label: string; terminal: boolean }[]
  events: { name: string; label: string; required: string[] }[]
  transitions: { from: string; event: string; to: string; guard: string }[]
}

export interface Category {
  code: string
  name: string
  description?: string
  default_department?: string
  deadlines: Record<string, string>
  co_handler?: string
}

export interface Catalogue {
  departments: { code: string; name: string }[]
  categories: Record<string, Category[]>
  policies?: { deadlines?: { steps?: Record<string, Record<string, string>> } }
}

export interface MicroGrid {
  code: string
  name: string
}
export interface Grid {
  code: string
  name: string
  micro_grids: MicroGrid[]
}
export interface Community {
  code: string
  name: string
  grids: Grid[]
}
export interface Jurisdiction {
  code: string
  name: string
  communities: Community[]
}

// The directory's types are the board's (GET /api/v1/departments, /staff).
import type { CaseClock, Department, StaffMember } from '../board/cases'
export type { Department, StaffMember }

export interface Note {
  seq: number
  author: string
  body: string
  visibility: 'internal' | 'public'
  at: string
}

export interface Attachment {
  seq: number
  file_name: string
  content_type: string
  size: number
  uploaded_by: string
  at: string
  href: string
  sha256: string
}

const cache = new Map<string, Promise<unknown>>()

function once<T>(path: string): Promise<T> {
  let p = cache.get(path)
  if (!p) {
    p = get<T>(path)
    p.catch(() => cache.delete(path))
    cache.set(path, p)
  }
  return p as Promise<T>
}

export const loadCatalogue = () => once<Catalogue>('/api/v1/catalogue')
export const loadJurisdiction = () => once<Jurisdiction>('/api/v1/jurisdiction')
export const loadWorkflow = (kind: string) => once<WorkflowDoc>(`/api/v1/workflows/${encodeURIComponent(kind)}`)
export async function loadDepartments(): Promise<Department[]> {
  return (await once<{ items: Department[] }>('/api/v1/departments')).items
}
export async function loadStaff(department: string): Promise<StaffMember[]> {
  const path = `/api/v1/staff?department=${encodeURIComponent(department)}&active=true`
  return (await once<{ items: StaffMember[] }>(path)).items
}

// "1wd" → "1个工作日", "30d" → "30天", "15m" → "15分钟", "2wh" → "2个工作小时".
export function durationText(code: string | undefined): string {
  if (!code) return ''
  const m = /^(\d+)(wd|wh|d|h|m)$/.exec(code)
  if (!m) return code
  const unit: Record<string, string> = { wd: '个工作日', wh: '个工作小时', d: '天', h: '小时', m: '分钟' }
  return `${m[1]}${unit[m[2]]}`
}

// Seconds → "2天3小时", "45分钟"; working time → "35个工作小时", "1个工作小时30分钟".
export function secondsText(total: number, working = false): string {
  const s = Math.abs(total)
  if (working) {
    const h = Math.floor(s / 3600)
    const m = Math.floor((s % 3600) / 60)
    if (!h) return m ? `${m}分钟` : '不足1分钟'
    return `${h}个工作小时${m ? `${m}分钟` : ''}`
  }
  const days = Math.floor(s / 86400)
  const hours = Math.floor((s % 86400) / 3600)
  const minutes = Math.floor((s % 3600) / 60)
  const parts: string[] = []
  if (days) parts.push(`${days}天`)
  if (hours) parts.push(`${hours}小时`)
  if (!days && minutes) parts.push(`${minutes}分钟`)
  return parts.length ? parts.join('') : '不足1分钟'
}

export function departmentName(catalogue: Catalogue | null, code: string | null | undefined): string {
  if (!code) return ''
  return catalogue?.departments.find((d) => d.code === code)?.name ?? code
}

export function categoryName(catalogue: Catalogue | null, kind: string, code: string): string {
  return catalogue?.categories[kind]?.find((c) => c.code === code)?.name ?? code
}

export function placeName(j: Jurisdiction | null, loc: CaseDoc['location']): string {
  const c = j?.communities.find((x) => x.code === loc.community)
  const g = c?.grids.find((x) => x.code === loc.grid)
  const m = g?.micro_grids.find((x) => x.code === loc.micro_grid)
  return [c?.name ?? loc.community, g?.name ?? loc.grid, m ? m.name : loc.micro_grid].filter(Boolean).join(' / ')
}

export function sizeText(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

// The media types the server takes as attachments (engine/cases/annotations.cpp).
export const attachmentTypes = 'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain'

// The deadline steps of the catalogue (config/catalogue.json), in words.
export const stepLabels: Record<string, string> = {
  accept: '受理',
  assign: '分派',
  mediation: '调解',
  refer: '移交',
  follow_up: '回访',
  judicial_confirmation: '司法确认',
  dispatch: '派单',
  acknowledge: '签收',
  resolve: '办结',
}
