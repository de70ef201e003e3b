// The console's only way to the server: the JSON API under /api/v1.
//
// Authentication is the session cookie set by POST /api/v1/login with
// {"session": true} (HttpOnly, SameSite=Strict), and every state-changing
// request carries the session's CSRF token in X-CSRF-Token. A server that
// answers the login with a bearer token instead (no session support) is
// spoken to with that token, kept in memory only.
//
// Errors arrive as problem+json (RFC 9457) and are thrown as ApiError, with
// the field errors of a 422 so forms can show them beside their fields.

export interface FieldError {
  field: string
  message: string
}

export interface Problem {
  type?: string
  title?: string
  status?: number
  detail?: string
  errors?: FieldError[]
  state?: string
  allowed_events?: string[]
  [key: string]: unknown
}

export class ApiError extends Error {
  readonly status: number
  readonly problem: Problem

  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`)
    this.status = status
    this.problem = problem
  }

  // The message for a field, e.g. "parties[0].phone", or undefined.
  fieldMessage(field: string): string | undefined {
    return this.problem.errors?.find((e) => e.field === field)?.message
  }
}

export interface User {
  id?: number
  username: string
  display_name?: string
  role: string
  department?: string | null
  grid?: string | null
  [key: string]: unknown
}

export interface SessionInfo {
  user: User
  // What the user's role may do: the "actions" of config/permissions.json.
  actions?: string[]
  csrf_token?: string
  expires_at?: string
  idle_timeout_seconds?: number
}

let csrfToken: string | null = null
let bearerToken: string | null = null
const expiredListeners: Array<(reason: string) => void> = []

const answeredListeners: Array<() => void> = []

// Called after every answer from the server (the session's idle clock restarts).
export function onAnswered(listener: () => void): void {
  answeredListeners.push(listener)
}

// Called when the server says the session is gone (401): the shell shows the login page.
export function onSessionExpired(listener: (reason: string) => void): void {
  expiredListeners.push(listener)
}

export function setCredentials(csrf: string | null, bearer: string | null): void {
  csrfToken = csrf
  bearerToken = bearer
}

export interface RequestOptions {
  ifMatch?: string | number
  idempotencyKey?: string
  query?: Record<string, string | number | boolean | undefined | null>
  signal?: AbortSignal
  // Do not report a 401 to the session listeners (the login call itself).
  quiet401?: boolean
  // Conditional GET: the ETag of the last answer; an unchanged list is
  // answered 304 and request() returns it (status 304, body null) instead of throwing.
  ifNoneMatch?: string | null
}

export function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `${path}?${text}` : path
}

export interface ApiResponse<T> {
  status: number
  body: T
  etag: string | null
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (bearerToken) headers['Authorization'] = `Bearer ${bearerToken}`
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  if (options.ifMatch !== undefined) headers['If-Match'] = `"${options.ifMatch}"`
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey
  if (options.ifNoneMatch) headers['If-None-Match'] = options.ifNoneMatch
  const response = await fetch(withQuery(path, options.query), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    signal: options.signal,
  })
  for (const listener of answeredListeners) listener()
  if (response.status === 304 && options.ifNoneMatch) {
    return { status: 304, body: null as T, etag: response.headers.get('ETag') ?? options.ifNoneMatch }
  }
  const text = await response.text()
  let parsed: unknown = null
  if (text) {
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = { title: text }
    }
  }
  if (!response.ok) {
    const problem = (parsed ?? {}) as Problem
    if (response.status === 401 && !options.quiet401) {
      for (const listener of expiredListeners) listener(problem.type ?? 'unauthorized')
    }
    throw new ApiError(response.status, problem)
  }
  return { status: response.status, body: parsed as T, etag: response.headers.get('ETag') }
}

export async function get<T>(path: string, options?: RequestOptions): Promise<T> {
  return (await request<T>('GET', path, undefined, options)).body
}

// A GET that may answer 304 (not modified) when `etag` is still current: body is then null.
export async function getIfChanged<T>(
  path: string,
  etag: string | null,
  options: RequestOptions = {},
): Promise<ApiResponse<T | null>> {
  return request<T | null>('GET', path, undefined, { ...options, ifNoneMatch: etag })
}

export async function post<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
  return (await request<T>('POST', path, body, options)).body
}

export async function put<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
  return (await request<T>('PUT', path, body, options)).body
}

export async function del<T>(path: string, options?: RequestOptions): Promise<T> {
  return (await request<T>('DELETE', path, undefined, options)).body
}

// A fresh Idempotency-Key for one user action (a retried click sends the same key).
export function newIdempotencyKey(): string {
  return crypto.randomUUID()
}

export interface UploadOptions {
  // Called with the fraction sent so far (0…1) while the file goes up.
  onProgress?: (fraction: number) => void
  // Extra request headers (e.g. X-File-Name).
  headers?: Record<string, string>
}

// Sends a file as the raw request body (POST) with upload progress, under the
// same rules as request(): bearer token if any, X-CSRF-Token, problem+json
// errors thrown as ApiError. fetch() reports no upload progress, hence XHR.
export function upload<T>(path: string, file: Blob, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', path)
    xhr.withCredentials = true
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream')
    if (bearerToken) xhr.setRequestHeader('Authorization', `Bearer ${bearerToken}`)
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken)
    for (const [name, value] of Object.entries(options.headers ?? {})) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && options.onProgress) options.onProgress(e.loaded / e.total)
    }
    xhr.onerror = () => reject(new ApiError(0, { title: '网络错误，上传未完成' }))
    xhr.onload = () => {
      let parsed: unknown = null
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        parsed = { title: xhr.responseText }
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.(1)
        resolve(parsed as T)
        return
      }
      const problem = (parsed ?? {}) as Problem
      if (xhr.status === 401) for (const listener of expiredListeners) listener(problem.type ?? 'unauthorized')
      reject(new ApiError(xhr.status, problem))
    }
    xhr.send(file)
  })
}

// A file of the API (an attachment) as a Blob, with the same credentials as request().
export async function download(path: string): Promise<Blob> {
  const headers: Record<string, string> = {}
  if (bearerToken) headers['Authorization'] = `Bearer ${bearerToken}`
  const response = await fetch(path, { headers, credentials: 'same-origin' })
  if (!response.ok) {
    let problem: Problem = {}
    try {
      problem = (await response.json()) as Problem
    } catch {
      problem = { title: `HTTP ${response.status}` }
    }
    throw new ApiError(response.status, problem)
  }
  return await response.blob()
}
