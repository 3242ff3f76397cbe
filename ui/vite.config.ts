import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Served by the API from the classpath at `/` (ui/target/classes/static), so the base is `/`
// and every asset gets a content hash in its name (Vite's default) for long-lived caching.
export default defineConfig({
  base: '/',
  plugins: [react()],
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
