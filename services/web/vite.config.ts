import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { tanstackRouter } from '@tanstack/router-plugin/vite';

// The router plugin must come before React's: it writes app/route-tree.gen.ts from app/routes/
// and splits each route's component into its own chunk (autoCodeSplitting), so the first page
// loads only the code it shows.
export default defineConfig({
  plugins: [
    tanstackRouter({
      target: 'react',
      autoCodeSplitting: true,
      routesDirectory: './app/routes',
      generatedRouteTree: './app/route-tree.gen.ts',
      quoteStyle: 'single',
    }),
    react(),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed names under /assets/ are what the server caches for a year (src/plugin.ts).
    assetsDir: 'assets',
    sourcemap: false,
  },
  server: {
    // `pnpm --filter @permed/web dev`: the app with hot reload, the API from a running platform.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
