// webpack 5 loads the bundler build's `import * as wasm from './bwclient_bg.wasm'` natively
// with asyncWebAssembly (the module becomes async: the app's entry awaits the instantiation).
const path = require('node:path');

module.exports = {
  entry: './src/index.js',
  output: {
    path: process.env.CONSUMER_OUT_DIR || path.resolve(__dirname, 'dist'),
    filename: 'main.js',
    // Served from a sub-path (/consumers/webpack/ on bwclient-server): chunks and the .wasm
    // are found relative to main.js.
    publicPath: 'auto',
    clean: true,
  },
  experiments: { asyncWebAssembly: true },
  performance: { hints: false },
};
