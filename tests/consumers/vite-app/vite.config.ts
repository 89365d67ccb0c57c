// The bundler build of bwclient imports its .wasm as an ES module (the WebAssembly/ESM
// integration that webpack calls asyncWebAssembly); vite-plugin-wasm gives Vite the same.
import { defineConfig } from 'vite';
import wasm from 'vite-plugin-wasm';

export default defineConfig({
  // Served from a sub-path (/consumers/vite/ on bwclient-server): relative asset URLs.
  base: './',
  plugins: [wasm()],
  build: {
    outDir: process.env.CONSUMER_OUT_DIR || 'dist',
    emptyOutDir: true,
    // Top-level await (the wasm module is instantiated before the app's module runs).
    target: 'es2022',
  },
});
