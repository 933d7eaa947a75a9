#!/usr/bin/env node
/**
 * A small static file server for the browser demo: serves the repository root on 127.0.0.1
 * (a secure context, which WebGPU needs) and prints the demo's URL.
 *
 *     node scripts/build-browser.mjs && node examples/browser/serve.mjs [--port 8080]
 *
 * The port is --port, else $PORT, else 8080; 0, or a busy default, picks a free one.
 * Also importable: `const { url, close } = await serve({ port: 0 })`.
 */
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEMO_PATH = '/examples/browser/';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.map': 'application/json; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.png': 'image/png', '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8',
};

function handler(req, res) {
  const send = (code, text) => { res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' }); res.end(text); };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
  let path;
  try { path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname); } catch { return send(400, 'bad url'); }
  let file = normalize(join(ROOT, path));
  if (file !== ROOT && !file.startsWith(ROOT + sep)) return send(403, 'outside the repository');
  let st;
  try {
    st = statSync(file);
    if (st.isDirectory()) {
      if (!path.endsWith('/')) { res.writeHead(301, { location: `${path}/` }); return res.end(); }
      file = join(file, 'index.html');
      st = statSync(file);
    }
  } catch { return send(404, `not found: ${path}`); }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',   // .pt, .safetensors, .npy
    'content-length': st.size,
    'cache-control': 'no-store',
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
}

/** Starts the server; resolves to its URLs and a close function. */
export function serve({ port = 8080, host = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const server = createServer(handler);
    const listen = (p) => server.listen(p, host);
    server.on('error', (e) => {
      if (e.code === 'EADDRINUSE' && port !== 0) { port = 0; listen(0); } else reject(e);
    });
    server.on('listening', () => {
      const origin = `http://${host}:${server.address().port}`;
      resolve({ server, origin, url: `${origin}${DEMO_PATH}`, close: () => new Promise((r) => server.close(() => r())) });
    });
    listen(port);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--port');
  const port = Number(i > 0 ? process.argv[i + 1] : process.env.PORT ?? 8080);
  const { url } = await serve({ port });
  try { statSync(join(ROOT, 'dist', 'browser', 'tfjs-torch.bundle.js')); } catch {
    console.warn('dist/browser/tfjs-torch.bundle.js is missing: run `node scripts/build-browser.mjs` first');
  }
  console.log(`serving ${ROOT} on ${url}  (Ctrl-C to stop)`);
}
