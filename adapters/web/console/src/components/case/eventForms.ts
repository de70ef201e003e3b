// What each event's dialog asks for. The workflow (GET /api/v1/workflows/{kind})
// names an event's required fields; this adds their kind of input, their
// Chinese labels and the optional fields an event also takes. A field the
// table does not know is asked as text.
// `party`: a 1-based position in the case's parties; `mediator`: one of the
// case's assignees; `attachment`: the seq of one of the case's attachments.
export type FieldType =
  | 'text'
  | 'textarea'
  | 'department'
  | 'staff'
  | 'staff_many'
  | 'departments'
  | 'date'
  | 'days'
  | 'choice'
  | 'case_id'
  | 'party'
  | 'mediator'
  | 'attachment'

export interface FieldSpec {
  name: string
  label: string
  type: FieldType
  required: boolean
  options?: { value: string; label: string }[]
  placeholder?: string
  default?: string
}

// Coded values in Chinese, for the forms' choices and the timeline.
export const valueLabels: Record<string, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
  resolved: '已解决',
  not_resolved: '未解决',
  confirmed: '确认有效',
  not_confirmed: '不予确认',
  rejected: '驳回申请',
  applied: '已申请',
  lapsed: '申请期限已过',
  agree: '同意调解',
  refuse: '拒绝调解',
  written: '书面',
  oral: '口头',
  signature: '签字',
  thumbprint: '捺印',
  seal: '盖章',
  performed: '已履行',
  partly: '部分履行',
  not_performed: '未履行',
  applicant: '申请人',
  respondent: '被申请人',
  other: '其他当事人',
  true: '是',
  court: '人民法院',
  police: '公安机关',
  arbitration: '仲裁机构',
  department: '相关职能部门',
  internal: '内部',
  public: '公开',
  dispatcher: '派单员',
  supervisor: '主管',
  normal: '一般',
  urgent: '紧急',
  low: '低',
  medium: '中',
  high: '高',
}

// A choice among coded values, labelled by valueLabels unless `labels` names them.
function choice(label: string, codes: string[], labels: Record<string, string> = {}): Omit<FieldSpec, 'name' | 'required'> {
  return { label, type: 'choice', options: codes.map((value) => ({ value, label: labels[value] ?? valueLabels[value] ?? value })) }
}

// Field name → how it is asked; "event.field" wins over "field".
const specs: Record<string, Omit<FieldSpec, 'name' | 'required'>> = {
  department: { label: '承办部门', type: 'department' },
  assignees: { label: '承办人员', type: 'staff_many' },
  assignee: { label: '承办人员', type: 'staff' },
  co_departments: { label: '协办部门', type: 'departments' },
  reason: { label: '原因', type: 'textarea' },
  'return_dispatch.reason': { label: '退单理由', type: 'textarea', placeholder: '说明不属于本部门职责或无法办理的理由' },
  'return_assignment.reason': { label: '退回理由', type: 'textarea', placeholder: '说明不属于本部门职责或无法调解的理由' },
  'hold.reason': { label: '挂起原因', type: 'textarea' },
  'request_extension.reason': { label: '延期理由', type: 'textarea' },
  'decline.reason': { label: '不予受理理由', type: 'textarea' },
  'reject.reason': { label: '不予受理理由', type: 'textarea' },
  'withdraw.reason': { label: '撤回原因', type: 'textarea' },
  'reopen.reason': { label: '重新办理原因', type: 'textarea' },
  'fail_mediation.reason': { label: '调解不成原因', type: 'textarea' },
  route: { label: '告知的其他途径', type: 'textarea', placeholder: '如：告知当事人可向法院起诉或申请仲裁' },
  summary: { label: '调解记录', type: 'textarea', placeholder: '本次调解的时间、参加人、经过和结果' },
  terms: { label: '协议内容', type: 'textarea', placeholder: '调解协议的具体条款' },
  performance_due: { label: '履行期限', type: 'date' },
  // People's Mediation Law Art. 17, 23 (consent, mediator) and 28–30 (the agreement).
  party: { label: '当事人', type: 'party' },
  'record_consent.consent': choice('调解意愿', ['agree', 'refuse']),
  'record_consent.form': choice('表示方式', ['written', 'oral']),
  'accept_mediator.form': choice('表示方式', ['written', 'oral']),
  at: { label: '表示日期', type: 'date', placeholder: '不填为今天' },
  mediator: { label: '调解员', type: 'mediator' },
  'reach_agreement.form': { ...choice('协议形式', ['written', 'oral'], { written: '书面协议', oral: '口头协议' }), default: 'written' },
  facts: { label: '事实', type: 'textarea', placeholder: '纠纷的主要事实' },
  issues: { label: '争议焦点', type: 'textarea', placeholder: '双方争议的事项' },
  responsibilities: { label: '各方责任', type: 'textarea', placeholder: '可选：各方当事人的责任' },
  performance_method: { label: '履行方式', type: 'textarea', placeholder: '如：一次性当面支付、按约定时间施工' },
  'confirm_agreement.form': choice('确认方式', ['signature', 'thumbprint', 'seal']),
  attachment_seq: { label: '签字页附件', type: 'attachment' },
  'record_performance.outcome': choice('履行情况', ['performed', 'partly', 'not_performed']),
  'record_performance.note': { label: '回查记录', type: 'textarea', placeholder: '回查方式及履行情况' },
  to: choice('移交至', ['court', 'police', 'arbitration', 'department']),
  detail: { label: '情况说明', type: 'textarea' },
  'report_risk.detail': { label: '风险情况', type: 'textarea', placeholder: '可能激化的情形及已采取的预防措施' },
  'report_risk.reported_to': { label: '报告对象', type: 'text', default: '派出所' },
  satisfaction: choice('满意度', ['satisfied', 'basically_satisfied', 'dissatisfied']),
  note: { label: '回访记录', type: 'textarea', placeholder: '回访方式、对象及群众意见' },
  'record_follow_up.outcome': choice('问题是否解决', ['resolved', 'not_resolved']),
  'record_judicial_confirmation.outcome': choice('确认结果', ['confirmed', 'not_confirmed', 'rejected']),
  reference: { label: '文书编号', type: 'text' },
  court: { label: '受理法院', type: 'text', default: '重庆市北碚区人民法院' },
  days: { label: '延期天数', type: 'days' },
  resolution: { label: '办理结果', type: 'textarea', placeholder: '办理经过及结果' },
  duplicate_of: { label: '重复案件编号', type: 'case_id', placeholder: '与已有案件重复时填写其编号，如 SQ-2026-000001' },
}

// Optional fields the events take besides their required ones.
const optional: Record<string, string[]> = {
  dispatch: ['assignee', 'co_departments'],
  assign: ['co_departments'],
  record_follow_up: ['outcome'],
  reject: ['duplicate_of'],
  record_consent: ['at'],
  accept_mediator: ['at'],
  reach_agreement: ['responsibilities'],
}

// Where an event's fields are asked in an order of their own (Art. 29's).
const order: Record<string, string[]> = {
  reach_agreement: ['form', 'facts', 'issues', 'responsibilities', 'terms', 'performance_method', 'performance_due'],
}

export function eventFields(event: string, required: string[]): FieldSpec[] {
  const names = [...required, ...(optional[event] ?? []).filter((f) => !required.includes(f))]
  const rank = order[event]
  if (rank) names.sort((a, b) => (rank.indexOf(a) + 1 || 99) - (rank.indexOf(b) + 1 || 99))
  return names.map((name) => {
    const spec = specs[`${event}.${name}`] ?? specs[name] ?? { label: name, type: 'textarea' as const }
    return { name, required: required.includes(name), ...spec }
  })
}

// How an event's button looks: the way forward, a way back, or neither.
const backward = new Set([
  'decline',
  'reject',
  'withdraw',
  'return_dispatch',
  'return_assignment',
  'fail_mediation',
  'report_breach',
  'deny_extension',
])
const forward = new Set([
  'accept',
  'assign',
  'dispatch',
  'acknowledge',
  'start_work',
  'start_mediation',
  'reach_agreement',
  'confirm_performance',
  'resolve',
  'close',
  'record_follow_up',
  'approve_extension',
  'resume',
  'confirm_agreement',
])
export function eventButtonType(event: string): 'primary' | 'danger' | 'warning' | 'default' {
  if (forward.has(event)) return 'primary'
  if (backward.has(event)) return 'danger'
  if (event === 'report_risk' || event === 'hold') return 'warning'
  if (event === 'record_consent' || event === 'accept_mediator' || event === 'record_performance') return 'primary'
  return 'default'
}

// Summary of a history row's data, in Chinese, for the timeline.
const dataLabels: Record<string, string> = {
  department: '部门',
  assignee: '承办人',
  assignees: '承办人',
  co_departments: '协办部门',
  co_handlers: '协同人员',
  reason: '原因',
  route: '其他途径',
  summary: '调解记录',
  terms: '协议内容',
  performance_due: '履行期限',
  to: '移交至',
  detail: '说明',
  satisfaction: '满意度',
  note: '回访记录',
  outcome: '结果',
  days: '延期天数',
  resolution: '办理结果',
  reported_to: '报告对象',
  court: '法院',
  reference: '文书编号',
  duplicate_of: '重复案件',
  routed_by: '派单方式',
  party: '当事人',
  consent: '调解意愿',
  form: '形式',
  at: '表示日期',
  mediator: '调解员',
  parties: '协议当事人',
  facts: '事实',
  issues: '争议焦点',
  responsibilities: '各方责任',
  performance_method: '履行方式',
  attachment_seq: '签字页附件',
  escalated: '督办',
  rework_rounds: '已重新调解轮次',
  visibility: '可见范围',
  file_name: '文件名',
  category: '类别',
  channel: '渠道',
  urgency: '紧急程度',
  risk_level: '风险等级',
}

export function dataSummary(data: Record<string, unknown>, names: (field: string, value: string) => string): string[] {
  const out: string[] = []
  for (const [key, raw] of Object.entries(data ?? {})) {
    if (!(key in dataLabels) || raw === null || raw === '' || key.endsWith('sha256')) continue
    const list: unknown[] = Array.isArray(raw) ? raw : [raw]
    // Objects (a register row's party counts) are no words for the timeline.
    if (!list.length || list.some((v) => typeof v === 'object')) continue
    const values = list.map(String)
    const text = values.map((v) => names(key, valueLabels[v] ?? v)).join('、')
    out.push(`${dataLabels[key]}：${text}`)
  }
  return out
}
