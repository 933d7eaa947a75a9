#!/usr/bin/env node
/**
 * Builds the browser files of tfjs-torch with esbuild:
 *
 *   dist/browser/tfjs-torch.js         ESM, this library only; `@tensorflow/*` stay imports, so the
 *                                      page (or the app's bundler) supplies tfjs-core and backends.
 *   dist/browser/tfjs-torch.bundle.js  ESM, self-contained: the library + tfjs-core and the cpu,
 *                                      webgl, wasm and webgpu backends (re-exported as `tf`,
 *                                      `setWasmPaths`); what examples/browser/ loads.
 *   dist/browser/wasm/*.wasm           the wasm backend's binaries (`setWasmPaths('<url>/wasm/')`).
 *
 * Node built-ins (`node:*`, only reached through lazy `import()`s: `torch.load(path)`,
 * `safetensors.save_file(sd, path)`, device.ts's Node-only wasm path lookup) are replaced by a
 * shim whose functions throw a clear "Node only, pass bytes" error. The build fails if an output
 * still imports a `node:` module or a bare Node built-in.
 *
 *     node scripts/build-browser.mjs [--quiet]
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist', 'browser');
const quiet = process.argv.includes('--quiet');
const log = (s) => { if (!quiet) console.log(s); };

/** `node:fs/promises` & co. in a browser: every function throws an explanation when called. */
const nodeShim = {
  name: 'node-builtins-shim',
  setup(b) {
    // Bare names (`fs`, `worker_threads` in emscripten's wasm glue) are left to the packages'
    // own `browser` field maps; one without a map fails the build (platform: browser).
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'node-shim' }));
    b.onLoad({ filter: /.*/, namespace: 'node-shim' }, (args) => ({
      loader: 'js',
      contents: `
const fail = (fn) => () => {
  throw new Error(${JSON.stringify(args.path)} + '.' + fn + ' is Node-only and not available in a browser: ' +
    'pass the bytes instead of a file path (a Uint8Array or ArrayBuffer, e.g. from fetch() or a File)');
};
export const readFile = fail('readFile'), writeFile = fail('writeFile');
export const createRequire = fail('createRequire'), dirname = fail('dirname'), join = fail('join');
export default {};`,
    }));
  },
};

const common = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  conditions: ['source'],   // resolve this package's own `source` export to src/*.ts
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [nodeShim],
  // device.ts imports optional backend packages by a runtime name; that import stays dynamic.
  logOverride: { 'unsupported-dynamic-import': 'silent' },
};

mkdirSync(OUT, { recursive: true });

// 1. The library alone: ESM, tfjs supplied by the page, not minified (the app's bundler minifies).
const libFile = join(OUT, 'tfjs-torch.js');
await build({
  ...common,
  entryPoints: [join(ROOT, 'src', 'index.ts')],
  outfile: libFile,
  external: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-core/*', '@tensorflow/tfjs-backend-*'],
});
// Tree-shaking: esbuild fills each namespace export (`torch`, `nn`, `npy`, ...) by a top-level
// `__export(ns, {...})` call, which downstream bundlers must keep, and with it every module.
// Rewritten as a /* @__PURE__ */ object construction, an app importing only `npy` drops `nn`.
// (Lines are kept, so the source map stays valid.)
{
  let text = readFileSync(libFile, 'utf8');
  text = text.replace(/^var (\w+) = \{\};\n__export\(\1, \{$/gm, 'var $1 = /* @__PURE__ */ __exportObj(\n{');
  text = text.replace(/^var __export = /m, 'var __exportObj = (all) => { var t = {}; for (var k in all) __defProp(t, k, { get: all[k], enumerable: true }); return t; }; var __export = ');
  if (/^__export\(/m.test(text)) throw new Error('dist/browser/tfjs-torch.js: an __export(...) call of an unexpected shape is left (esbuild changed its output?)');
  // Modules print as torch does from their class names: none may have been renamed (LSTM2).
  for (const cls of ['Module', 'LSTM', 'Linear', 'Embedding', 'Sequential', 'Dropout']) {
    if (!new RegExp(`^var ${cls} = class\\b`, 'm').test(text)) throw new Error(`dist/browser/tfjs-torch.js: class ${cls} was renamed or not found`);
  }
  writeFileSync(libFile, text);
}

// 2. Self-contained: library + tfjs-core + cpu/webgl/wasm/webgpu backends, one file for the demo.
await build({
  ...common,
  stdin: {
    contents: [
      "export * from './src/index.ts';",
      "export * as tf from '@tensorflow/tfjs-core';",
      "import '@tensorflow/tfjs-backend-cpu';",
      "import '@tensorflow/tfjs-backend-webgl';",
      "import '@tensorflow/tfjs-backend-webgpu';",
      "export { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';",
    ].join('\n'),
    resolveDir: ROOT,
    sourcefile: 'tfjs-torch.bundle-entry.js',
    loader: 'js',
  },
  outfile: join(OUT, 'tfjs-torch.bundle.js'),
  minify: true,
  keepNames: true,   // modules print from their class names (`LSTM(32, 128, ...)`)
});

// 3. The wasm backend's binaries, served next to the bundle.
const wasmSrc = join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
mkdirSync(join(OUT, 'wasm'), { recursive: true });
for (const f of readdirSync(wasmSrc).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmSrc, f), join(OUT, 'wasm', f));

// 4. No `node:` module may survive as an import (static, dynamic or require) in the browser files.
// (A bare `require("worker_threads")` inside a string, the wasm backend's inlined worker source
// for Node, is text, not an import of the bundle.)
const nodeImport = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](node:[^"']+)["']/;
for (const f of ['tfjs-torch.js', 'tfjs-torch.bundle.js']) {
  const text = readFileSync(join(OUT, f), 'utf8');
  const m = text.match(nodeImport);
  if (m) throw new Error(`dist/browser/${f} still imports the Node module '${m[1]}'`);
  const kb = (statSync(join(OUT, f)).size / 1024).toFixed(0);
  log(`built ${relative(ROOT, join(OUT, f))} (${kb} KiB, no Node built-in imports)`);
}
// 5. Tree-shaking, measured: what an app that imports only `npy` keeps, against everything.
const kept = async (what) => (await build({
  stdin: { contents: `import ${what} from './tfjs-torch.js'; console.log(x);`, resolveDir: OUT, loader: 'js' },
  bundle: true, format: 'esm', minify: true, write: false, external: ['@tensorflow/*'], logLevel: 'error',
})).outputFiles[0].contents.length;
const [npyOnly, all] = [await kept('{ npy as x }'), await kept('* as x')];
if (npyOnly > all * 0.5) throw new Error(`dist/browser/tfjs-torch.js does not tree-shake: importing npy keeps ${npyOnly} of ${all} bytes`);
log(`tree-shaking: an app importing only { npy } keeps ${(npyOnly / 1024).toFixed(0)} KiB of the library's ${(all / 1024).toFixed(0)} KiB (minified)`);
log(`copied the wasm backend's binaries to ${relative(ROOT, join(OUT, 'wasm'))}/`);
