// What the board reads of a case (the API's Case, docs in openapi.json), the
// directory it picks from, and the colour of a deadline.
export interface CaseClock {
  step: string
  limit: string
  started_at: string
  paused: boolean
  extended_days: number
  warned: boolean
  breached: boolean
  escalated: boolean
}

export interface CaseRow {
  id: number
  number: string
  kind: string
  state: string
  state_label: string
  version: number
  category: string
  title: string
  location: { community: string; grid: string }
  urgency: string
  risk_level: string
  assignment: { department: string | null; assignees: string[] }
  deadline: string | null
  overdue: boolean
  // Lists carry fixed instants, not the time left (which ticks): their ETag
  // then holds between changes and the board works out the colour itself.
  warning_at: string | null
  clock: CaseClock | null
  allowed_events: string[]
  return_count: number
  flags: string[]
  created_at: string
}

export interface CasePage {
  items: CaseRow[]
  next_cursor: string | null
  counts?: Record<string, number>
  total?: number // GET /cases with count=true
}

export interface Department {
  code: string
  name: string
  active: boolean
}

export interface StaffMember {
  id: string
  name: string
  department: string
  role: string
  grid: string | null
  micro_grid: string | null
  active: boolean
}

export type DeadlineLevel = 'none' | 'ok' | 'warning' | 'overdue' | 'paused'

export interface DeadlineView {
  level: DeadlineLevel
  text: string
}

// 5400 → "1小时30分"; working time for working-hour and working-day limits.
export function formatDuration(seconds: number): string {
  const s = Math.abs(seconds)
  const days = Math.floor(s / 86400)
  const hours = Math.floor((s % 86400) / 3600)
  const minutes = Math.floor((s % 3600) / 60)
  if (days > 0) return `${days}天${hours}小时`
  if (hours > 0) return `${hours}小时${minutes}分`
  return `${minutes}分`
}

// "12-08 10:00" in the browser's time zone.
function dueText(ms: number): string {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`
}

// Red once the deadline has passed, amber once the engine recorded the
// warning or its instant (warning_at: warn_at of the step's working time) has
// come, green otherwise; grey while the clock is held or none runs. From the
// list's fixed instants and `now`, so a poll answered 304 recolours the rows.
export function deadlineView(c: CaseRow, now = Date.now()): DeadlineView {
  if (c.clock?.paused) return { level: 'paused', text: '已暂停计时' }
  if (!c.deadline) return { level: 'none', text: '无时限' }
  const due = Date.parse(c.deadline)
  if (c.overdue || due <= now) return { level: 'overdue', text: `已超期 ${formatDuration((now - due) / 1000)}` }
  const text = `截止 ${dueText(due)}`
  const warning = c.warning_at ? Date.parse(c.warning_at) : Infinity
  if (c.clock?.warned || warning <= now) return { level: 'warning', text }
  return { level: 'ok', text }
}

export const deadlineTagType: Record<DeadlineLevel, 'success' | 'warning' | 'danger' | 'info'> = {
  none: 'info',
  paused: 'info',
  ok: 'success',
  warning: 'warning',
  overdue: 'danger',
}
