// The audit record of docs/AUDITS.md as the API sends it, and how the page
// sends its events (If-Match with the version, an Idempotency-Key per click).
import { newIdempotencyKey, post } from '../../api'

export interface AuditFinding {
  id: number
  case_id: number
  verdict: string
  verdict_label: string
  category?: string
  category_label?: string
  comment?: string
  department?: string
  status: string
  status_label: string
  answer?: string
  review_comment?: string
  send_backs?: number
}

export interface AuditSample {
  seed: number
  size: number | null
  share: number | null
  force_in: string[]
  population: number
  target: number
  case_ids: number[]
  forced: number[]
  drawn_at: string
}

export interface Audit {
  id: number
  number: string
  title: string
  period: { from: string; to: string }
  scope?: { communities?: string[]; categories?: string[]; kinds?: string[] }
  reviewers: string[]
  state: string
  state_label: string
  version: number
  allowed_events: string[]
  allowed_event_labels: Record<string, string>
  sample: AuditSample | null
  findings: AuditFinding[]
  checkpoint: { tree_size: number; root_hash: string; signed_at: string; note: string } | null
  created_by: string
  created_at: string
}

// Events that act on one sampled case or one finding (row buttons), the rest act on the audit.
export const rowEvents = ['record_finding', 'answer_finding', 'accept_rectification', 'send_back']

export const forceInLabels: Record<string, string> = {
  high_risk: '高风险案件',
  overdue: '超期案件',
  returned_twice: '两次以上退单',
  dissatisfied: '回访不满意',
}

export async function sendAuditEvent(audit: Audit, body: Record<string, unknown>): Promise<Audit> {
  return post<Audit>(`/api/v1/audits/${audit.id}/events`, body, {
    ifMatch: audit.version,
    idempotencyKey: newIdempotencyKey(),
  })
}
