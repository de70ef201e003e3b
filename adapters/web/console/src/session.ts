// Who is signed in: restored from GET /api/v1/session on load, set by login,
// cleared by logout, an idle time-out or any 401.
import { reactive } from 'vue'
import { ApiError, get, onAnswered, onSessionExpired, post, request, setCredentials, type SessionInfo, type User } from './api'

export const session = reactive({
  user: null as User | null,
  // The actions the server says the user's role may take (GET /api/v1/session).
  actions: [] as string[],
  // Why the user was sent back to the login page, in Chinese (shown there once).
  notice: '' as string,
})

export function hasRole(...roles: string[]): boolean {
  return !!session.user && roles.includes(session.user.role)
}

// Whether the signed-in user may take `action` (reveal, add_note, manage_users, …),
// as config/permissions.json grants it: controls are shown by this, not by role names.
export function can(action: string): boolean {
  return !!session.user && session.actions.includes(action)
}

// The idle time-out of a cookie session: once this tab has sent nothing for
// that long, it asks the server, which answers 401 session-expired (the login
// page then says so) unless another tab kept the session alive.
let idleMs = 0
let idleTimer: ReturnType<typeof setTimeout> | undefined

function restartIdleClock(): void {
  clearTimeout(idleTimer)
  if (!idleMs || !session.user) return
  idleTimer = setTimeout(() => {
    get('/api/v1/session').catch(() => undefined)
  }, idleMs + 1000)
}
onAnswered(restartIdleClock)

function signedIn(info: SessionInfo, bearer: string | null): void {
  setCredentials(info.csrf_token ?? null, bearer)
  session.user = info.user
  session.actions = info.actions ?? []
  session.notice = ''
  idleMs = (info.idle_timeout_seconds ?? 0) * 1000
  restartIdleClock()
}

const kExpiredNotice = '长时间未操作，会话已超时，请重新登录。'

function signedOut(notice: string): void {
  setCredentials(null, null)
  session.user = null
  session.actions = []
  session.notice = notice
  clearTimeout(idleTimer)
}

onSessionExpired((type) => {
  if (!session.user) return
  signedOut(type.endsWith('session-expired') ? kExpiredNotice : '登录已失效，请重新登录。')
})

// The session of the cookie the browser holds, if any.
export async function restoreSession(): Promise<boolean> {
  try {
    const info = await get<SessionInfo>('/api/v1/session', { quiet401: true })
    signedIn(info, null)
    return true
  } catch (e) {
    if (e instanceof ApiError && e.status === 401 && e.problem.type?.endsWith('session-expired')) {
      signedOut(kExpiredNotice)
      return false
    }
    if (e instanceof ApiError && (e.status === 401 || e.status === 404)) return false
    throw e
  }
}

export async function login(username: string, password: string): Promise<void> {
  type Answer = SessionInfo & { token?: string }
  let answer
  try {
    answer = await request<Answer>('POST', '/api/v1/login', { username, password, session: true }, { quiet401: true })
  } catch (e) {
    // A server without sessions refuses the unknown field: sign in with a bearer token instead.
    if (!(e instanceof ApiError) || e.status !== 422) throw e
    answer = await request<Answer>('POST', '/api/v1/login', { username, password }, { quiet401: true })
  }
  signedIn(answer.body, answer.body.token ?? null)
}

export async function logout(): Promise<void> {
  try {
    await post('/api/v1/logout', {}, { quiet401: true })
  } finally {
    signedOut('已退出登录。')
  }
}
