// The figures of GET /api/v1/reports/kpis with the names and units of
// GET /api/v1/reports/definitions (docs/REPORTS.md), formatted for people.
import { get } from '../../api'

export interface KpiFigure {
  value: number | null
  numerator: number | null
  denominator: number | null
}
export type KpiFigures = Record<string, KpiFigure>
export interface KpiGroup {
  key: Record<string, string>
  figures: KpiFigures
}
export interface KpiReport {
  period: { from: string; to: string }
  group_by: string[]
  as_of: string
  groups: KpiGroup[]
  totals: { figures: KpiFigures }
}
export interface KpiDefinition {
  id: string
  name_zh: string
  unit: 'count' | 'ratio' | 'working_hours'
  numerator: string
  denominator: string | null
}

export async function kpis(from: string, to: string, groupBy: string[] = []): Promise<KpiReport> {
  return get<KpiReport>('/api/v1/reports/kpis', {
    query: { from, to, ...(groupBy.length ? { group_by: groupBy.join(',') } : {}) },
  })
}

export async function definitions(): Promise<Map<string, KpiDefinition>> {
  const answer = await get<{ items: KpiDefinition[] }>('/api/v1/reports/definitions')
  return new Map(answer.items.map((d) => [d.id, d]))
}

// 0.8571 → "85.7%", 12 → "12", 3.5 working hours → "3.5 工时"; no value → "—".
export function formatFigure(figure: KpiFigure | undefined, unit: string | undefined): string {
  if (!figure || figure.value === null || figure.value === undefined) return '—'
  if (unit === 'ratio') return `${(figure.value * 100).toFixed(1)}%`
  if (unit === 'working_hours') return `${Number(figure.value.toFixed(1))} 工时`
  return String(Math.round(figure.value))
}

// A ratio as a percentage for a chart (null stays a gap).
export function percent(figure: KpiFigure | undefined): number | null {
  return figure?.value === null || figure?.value === undefined ? null : Math.round(figure.value * 1000) / 10
}

// Today in Asia/Shanghai as YYYY-MM-DD.
export function todayLocal(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
}
