// The reference data the board, the dashboard and the admin pages pick
// from: jurisdiction, catalogue, departments, workflow states. Read once per
// page load and shared (they change only through the admin page, which
// calls forgetDirectory()).
import { get } from '../../api'
import type { Department } from './cases'

export interface Named {
  code: string
  name: string
}
export interface Grid extends Named {
  micro_grids?: Named[]
}
export interface Community extends Named {
  grids?: Grid[]
}
export interface Jurisdiction extends Named {
  communities: Community[]
}
export interface Category extends Named {
  description?: string
  default_department?: string
  co_handler?: string
  deadlines?: Record<string, string>
}
export interface Catalogue {
  departments: Named[]
  categories: Record<string, Category[]>
  policies?: { returns_before_arbitration?: number; deadlines?: { warn_at?: number } }
}
export interface WorkflowState {
  name: string
  label: string
  terminal: boolean
}
export interface Workflow {
  kind: string
  states: WorkflowState[]
  events: { name: string; label: string }[]
}

export interface Directory {
  jurisdiction: Jurisdiction
  catalogue: Catalogue
  departments: Department[]
  workflows: Workflow[]
}

let cached: Promise<Directory> | null = null

export function loadDirectory(): Promise<Directory> {
  cached ??= Promise.all([
    get<Jurisdiction>('/api/v1/jurisdiction'),
    get<Catalogue>('/api/v1/catalogue'),
    get<{ items: Department[] }>('/api/v1/departments'),
    get<{ items: Workflow[] }>('/api/v1/workflows'),
  ]).then(([jurisdiction, catalogue, departments, workflows]) => ({
    jurisdiction,
    catalogue,
    departments: departments.items,
    workflows: workflows.items,
  }))
  cached.catch(() => {
    cached = null
  })
  return cached
}

export function forgetDirectory(): void {
  cached = null
}

// code → zh-CN name for communities, grids, categories and departments.
export function nameIndex(d: Directory): Map<string, string> {
  const names = new Map<string, string>()
  for (const c of d.jurisdiction.communities) {
    names.set(c.code, c.name)
    for (const g of c.grids ?? []) names.set(g.code, g.name)
  }
  for (const list of Object.values(d.catalogue.categories)) for (const c of list) names.set('category:' + c.code, c.name)
  for (const dep of d.departments) names.set('department:' + dep.code, dep.name)
  return names
}
