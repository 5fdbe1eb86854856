#!/usr/bin/env node
/**
 * Serves the built example (`dist/`) and a saved model folder under `/model/` on loopback, for
 * trying the page (any static file server does the same).
 *
 *   node examples/browser/serve.js --model runs/demo/best [--port 8000]
 */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { parseArgs } = require('node:util');

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** A loopback static server of `root`, with `modelDir` at /model/. Resolves to the http.Server. */
function startStaticServer({ root, modelDir, port = 0, host = '127.0.0.1' }) {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const [base, rel] = url.startsWith('/model/')
      ? [modelDir, url.slice('/model/'.length)]
      : [root, url.slice(1) || 'index.html'];
    const file = path.resolve(base, rel);
    if (!file.startsWith(path.resolve(base)) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

module.exports = { startStaticServer };

if (require.main === module) {
  const { values } = parseArgs({ options: { model: { type: 'string' }, port: { type: 'string', default: '8000' } } });
  if (!values.model) {
    process.stderr.write('usage: node examples/browser/serve.js --model DIR [--port 8000]\n');
    process.exit(2);
  }
  startStaticServer({ root: path.join(__dirname, 'dist'), modelDir: values.model, port: Number(values.port) }).then(
    (s) => process.stdout.write(`open http://127.0.0.1:${s.address().port}/\n`),
  );
}
