import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console renderer: served by the host (browser mode) or the Electron shell from dist/renderer.
// Monaco is bundled locally (never a CDN); its workers are emitted as separate files.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2023',
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: 'es' },
});
