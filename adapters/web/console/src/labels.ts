// zh-CN words for the codes the API sends. States and events come with their
// labels from GET /api/v1/workflows; these are the rest.
export const roleLabels: Record<string, string> = {
  desk: '窗口受理员',
  dispatcher: '派单员',
  handler: '承办人员',
  supervisor: '主管',
  auditor: '考核审计员',
  admin: '系统管理员',
  department_head: '部门负责人',
}

export const kindLabels: Record<string, string> = {
  dispute: '矛盾纠纷',
  request: '居民诉求',
}

export const channelLabels: Record<string, string> = {
  desk: '窗口来访',
  phone: '电话',
  visit: '上门走访',
  patrol: '网格巡查',
  online: '网上',
  hotline: '12345热线',
  meeting: '会议',
}

export const urgencyLabels: Record<string, string> = { normal: '一般', urgent: '紧急' }
export const riskLabels: Record<string, string> = { low: '低', medium: '中', high: '高' }
export const partyRoleLabels: Record<string, string> = { applicant: '申请人', respondent: '被申请人', other: '其他当事人' }
export const satisfactionLabels: Record<string, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
}

export function label(map: Record<string, string>, code: string | null | undefined): string {
  if (!code) return ''
  return map[code] ?? code
}

// 2026-12-06T08:00:00Z → 2026-12-06 16:00 (the desk's clock, Asia/Shanghai).
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return date.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }).replace(/\//g, '-')
}
