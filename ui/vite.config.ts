import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * src/main.tsx imports the page (src/App.tsx) dynamically, so that React DOM and the page are
 * evaluated in two tasks. Vite links only the entry's static imports from index.html; this adds
 * `modulepreload` links for the page's chunk and its static imports, so they download alongside the
 * entry instead of after it has run. (The lazy chunks — plots, detail panel, cards, bulk bar — are not
 * preloaded here: the page fetches them once the fleet is on screen.)
 */
function preloadPage(): Plugin {
  return {
    name: 'spot-preload-page',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return html;
        const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
        const page = chunks.find((c) => c.facadeModuleId?.replace(/\\/g, '/').endsWith('/src/App.tsx'));
        if (!page) throw new Error('spot-preload-page: no chunk for src/App.tsx');
        const files = new Set<string>();
        const visit = (file: string) => {
          if (files.has(file)) return;
          files.add(file);
          const chunk = chunks.find((c) => c.fileName === file);
          chunk?.imports.forEach(visit);
        };
        visit(page.fileName);
        return [...files]
          .filter((file) => !html.includes(`/${file}"`))
          .map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` }, injectTo: 'head' as const }));
      },
    },
  };
}

// Served by the API from the classpath at `/` (ui/target/classes/static), so the base is `/`
// and every asset gets a content hash in its name (Vite's default) for long-lived caching.
export default defineConfig({
  base: '/',
  plugins: [react(), preloadPage()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    assetsDir: 'assets',
  },
  server: {
    port: 5173,
    proxy: {
      // The API (and its SSE stream) runs on 8080 during development.
      '/api': { target: 'http://localhost:8080', changeOrigin: true },
      '/actuator': { target: 'http://localhost:8080', changeOrigin: true },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
    // uPlot needs a canvas, which jsdom lacks: tests get a stub (the plots' data is tested as pure functions).
    setupFiles: ['src/test/uplotStub.ts'],
    restoreMocks: true,
    // The page tests render the whole app in jsdom; on a busy CI machine they need more than 5 s.
    testTimeout: 30_000,
  },
});
