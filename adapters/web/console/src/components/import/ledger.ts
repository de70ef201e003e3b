// The ledger import's browser side (docs/IMPORT.md): the fields a ledger
// column can feed, and a chosen file read into what POST /api/v1/imports
// takes. An .xlsx is read here with read-excel-file and sent as JSON lines; a
// .csv is sent as it is (the server detects UTF-8 or GB18030), only its
// header is read here to show the mapping.
import { readSheet } from 'read-excel-file/browser'

export interface LedgerField {
  field: string
  column: string // the documented layout's header
  label: string
  required: boolean
}

export const ledgerFields: LedgerField[] = [
  { field: 'number', column: '编号', label: '编号', required: true },
  { field: 'registered_on', column: '登记日期', label: '登记日期', required: true },
  { field: 'applicant', column: '当事人', label: '当事人（申请人）', required: true },
  { field: 'applicant_phone', column: '联系电话', label: '申请人联系电话', required: false },
  { field: 'applicant_id_number', column: '身份证号', label: '申请人身份证号', required: false },
  { field: 'respondent', column: '对方当事人', label: '对方当事人', required: true },
  { field: 'respondent_phone', column: '对方联系电话', label: '对方联系电话', required: false },
  { field: 'community', column: '社区', label: '社区代码', required: true },
  { field: 'grid', column: '网格', label: '网格代码', required: true },
  { field: 'micro_grid', column: '微网格', label: '微网格代码', required: false },
  { field: 'address', column: '地址', label: '地址', required: false },
  { field: 'category', column: '纠纷类别', label: '纠纷类别', required: true },
  { field: 'summary', column: '纠纷简要情况', label: '纠纷简要情况', required: true },
  { field: 'result', column: '调解结果', label: '调解结果', required: false },
  { field: 'closed_on', column: '结案日期', label: '结案日期', required: true },
]

export interface RowProblem {
  row: number
  column: string
  field: string
  code: string
  reason: string
}

export interface ImportReport {
  dry_run: boolean
  ledger: string
  file_sha256: string
  rows: number
  accepted: number
  imported: number
  rejected: number
  problems: RowProblem[]
}

export interface LedgerUpload {
  columns: string[]
  body: Blob // text/csv or application/x-ndjson
  rows: number
}

// The field a column feeds by default: the documented layout's header.
export function defaultField(column: string): string {
  return ledgerFields.find((f) => f.column === column.trim())?.field ?? ''
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  // A date cell: the day it shows (the library gives midnight UTC of that day).
  if (value instanceof Date) {
    return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`
  }
  return String(value)
}

// The header of a CSV file: UTF-8 if it decodes as such, else GB18030.
function csvHeader(bytes: ArrayBuffer): string[] {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    text = new TextDecoder('gb18030').decode(bytes)
  }
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? ''
  return first.split(',').map((c) => c.replace(/^"|"$/g, '').trim())
}

export async function readLedger(file: File): Promise<LedgerUpload> {
  if (file.name.toLowerCase().endsWith('.csv')) {
    const bytes = await file.arrayBuffer()
    const lines = new Uint8Array(bytes).reduce((n, b) => n + (b === 10 ? 1 : 0), 0)
    return { columns: csvHeader(bytes), body: new Blob([bytes], { type: 'text/csv' }), rows: Math.max(lines - 1, 0) }
  }
  const sheet = await readSheet(file)
  const [header = [], ...rows] = sheet
  const columns = header.map(cellText)
  // Line 1 is left empty so that a JSON line's number is the sheet's row number
  // (the header is row 1): the report's rows then match what Excel shows.
  const lines = ['']
  for (const row of rows) {
    const record: Record<string, string> = {}
    columns.forEach((column, i) => {
      if (column) record[column] = cellText(row[i])
    })
    lines.push(JSON.stringify(record))
  }
  return {
    columns: columns.filter((c) => c !== ''),
    body: new Blob([lines.join('\n') + '\n'], { type: 'application/x-ndjson' }),
    rows: rows.length,
  }
}
