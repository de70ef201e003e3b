// The console's build: `npm run build` writes hashed files under dist/assets/
// (or OUTPOST_CONSOLE_OUT), which the C++ build embeds into the binary.
// `npm run dev` serves the sources with /api proxied to a running server.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: process.env.OUTPOST_CONSOLE_OUT ?? 'dist',
    emptyOutDir: true,
    target: 'es2020',
    chunkSizeWarningLimit: 1200,
    // No inline scripts or styles anywhere: the server's Content-Security-Policy forbids them.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': process.env.OUTPOST_API ?? 'http://127.0.0.1:8080' },
  },
})
