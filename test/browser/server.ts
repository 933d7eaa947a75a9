/**
 * A tiny static file server for the browser test page: serves the repository root on
 * 127.0.0.1 (a secure context, which WebGPU needs). Used by test/browser/run.ts.
 */
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.map': 'application/json; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.png': 'image/png',
};

/** Starts the server on 127.0.0.1 (port 0: a free one); resolves to its base URL and a close function. */
export function serve(port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const send = (code: number, text: string) => { res.writeHead(code, { 'content-type': 'text/plain' }); res.end(text); };
    let path: string;
    try { path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname); } catch { return send(400, 'bad url'); }
    const file = normalize(join(ROOT, path));
    if (!file.startsWith(ROOT + sep)) return send(403, 'outside the repository');
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) return send(404, `not a file: ${path}`);
      size = st.size;
    } catch { return send(404, `not found: ${path}`); }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${p}`,
        close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}
