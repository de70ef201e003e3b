// The API's field errors (422) in Chinese, for showing beside their fields.
import type { ApiError, FieldError } from '../../api'

// The API's English messages most people will meet, in Chinese; anything
// else is shown as the API wrote it.
const exact: Record<string, string> = {
  'is required': '必填',
  'must be a string': '须为文本',
  'is not a phone number': '不是有效的电话号码',
  'must be 18 characters (17 digits and a digit or X) or 15 digits': '身份证号须为18位（17位数字加1位数字或X）或15位数字',
  'needs at least one applicant': '至少需要一名申请人',
  'a dispute needs at least one respondent': '矛盾纠纷至少需要一名被申请人',
  'grid does not belong to the community': '该网格不属于所选社区',
  'unknown micro-grid code or not in the grid': '微网格不存在或不属于所选网格',
  'must be true or false': '须为是或否',
  'is required and must be an object': '必填',
  'is required and must be an array': '必填',
  'has more than 50 entries': '不能超过50项',
  'is not a field of a case': '不是案件的字段',
  'must be a JSON object': '格式不正确',
  'no case with this id': '没有该编号的案件',
  'a case cannot duplicate itself': '案件不能与自身重复',
}

const patterns: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^is required: no routing rule/, () => '必填：该类别没有默认派往部门'],
  [/^is required: /, () => '必填'],
  [/^unknown category code/, () => '未知的事项类别'],
  [/^is longer than (\d+)/, (m) => `不能超过${m[1]}个字节`],
  [/^must be a non-empty string/, () => '不能为空'],
  [/^must be a non-empty array/, () => '至少选择一项'],
  [/^must be a calendar date/, () => '须为日期（年-月-日）'],
  [/^must be an integer from (\d+) to (\d+)/, (m) => `须为${m[1]}至${m[2]}之间的整数`],
  [/^must be an integer of at least (\d+)/, (m) => `须为不小于${m[1]}的整数`],
  [/^must be one of:?\s*(.*)$/, (m) => `须为以下之一：${m[1]}`],
  [/^unknown (community|grid)/, () => '未知的辖区编码'],
  [/^no staff member (\S+) on the roster/, (m) => `人员 ${m[1]} 不在花名册中`],
  [/^staff member (\S+) is inactive/, (m) => `人员 ${m[1]} 已停用`],
  [/^staff member (\S+) is not in department/, (m) => `人员 ${m[1]} 不属于该部门`],
  [/^the bytes are not an? (\S+) file/, (m) => `文件内容不是有效的 ${m[1]} 文件`],
  [/^unsupported type/, () => '不支持的文件类型（支持 PNG、JPEG、GIF、WebP 图片，PDF 和纯文本）'],
  [/^is empty: send the file/, () => '文件为空'],
  [/^unknown department code/, () => '未知的部门'],
  [/^must be a list of (known )?department codes/, () => '须为已有部门'],
]

export function chineseMessage(message: string): string {
  if (exact[message]) return exact[message]
  for (const [re, make] of patterns) {
    const m = re.exec(message)
    if (m) return make(m)
  }
  return message
}

// field → Chinese message, for a form's error slots. `rename` maps the API's
// field names to the form's (e.g. Content-Type → file).
export function fieldErrors(e: ApiError, rename: (field: string) => string = (f) => f): Record<string, string> {
  const out: Record<string, string> = {}
  for (const fe of (e.problem.errors ?? []) as FieldError[]) {
    const key = rename(fe.field)
    out[key] = out[key] ? `${out[key]}；${chineseMessage(fe.message)}` : chineseMessage(fe.message)
  }
  return out
}
