// The console's pages. Every page but the login needs a session; pages load
// on first use (their own chunks), so the first page stays small.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { can, restoreSession, session } from './session'
// The first page anyone sees is in the main chunk: no second round trip before it shows.
import LoginPage from './pages/LoginPage.vue'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    public?: boolean
    action?: string // shown only to users who may take it (session.ts can())
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/login', component: LoginPage, meta: { public: true, title: '登录' } },
  {
    path: '/',
    component: () => import('./components/AppShell.vue'),
    children: [
      { path: '', redirect: '/board' },
      { path: 'intake', component: () => import('./pages/IntakePage.vue'), meta: { title: '窗口登记' } },
      { path: 'board', component: () => import('./pages/BoardPage.vue'), meta: { title: '派单台' } },
      { path: 'cases/:id', component: () => import('./pages/CasePage.vue'), meta: { title: '案件详情' } },
      { path: 'audit', component: () => import('./pages/AuditPage.vue'), meta: { title: '考核与审计' } },
      {
        path: 'admin',
        component: () => import('./pages/AdminPage.vue'),
        meta: { title: '系统管理', action: 'manage_users' },
      },
      {
        path: 'import',
        component: () => import('./pages/ImportPage.vue'),
        meta: { title: '台账导入', roles: ['admin', 'supervisor'] },
      },
      { path: ':rest(.*)*', component: () => import('./pages/NotFoundPage.vue'), meta: { title: '页面不存在' } },
    ],
  },
]

export const router = createRouter({ history: createWebHistory('/'), routes })

let restored = false
router.beforeEach(async (to) => {
  if (!restored) {
    restored = true
    // The server unreachable: the login page says so when it is used.
    const restoring = restoreSession().catch(() => false)
    if (to.meta.public) {
      // The login page shows at once; a session the browser still holds moves on.
      void restoring.then((found) => {
        const next = typeof to.query.next === 'string' && to.query.next.startsWith('/') ? to.query.next : '/'
        if (found && router.currentRoute.value.path === '/login') router.replace(next)
      })
      return true
    }
    await restoring
  }
  if (to.meta.public) return session.user && to.path === '/login' ? '/' : true
  if (!session.user) return { path: '/login', query: to.fullPath === '/' ? {} : { next: to.fullPath } }
  if (to.meta.action && !can(to.meta.action)) return '/'
  return true
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 平安龙凤桥工作台` : '平安龙凤桥工作台'
})
