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
    // vite-plugin-wasm instantiates the module with a top-level await: es2022 has it (so do
    // Vite 8's default targets; no vite-plugin-top-level-await needed).
    target: 'es2022',
  },
});
