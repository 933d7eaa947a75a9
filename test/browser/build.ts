/**
 * Bundles the conformance specs for the browser with esbuild:
 *
 *   test/browser/artifacts/bundle.js      every browser-capable test/*.spec.ts + the webgl and
 *                                         webgpu backends (ESM, top-level await kept)
 *   test/browser/artifacts/fixtures.json  the fixture files the page prefetches (fixtures/**\/*.json)
 *
 * A spec is Node-only, and left out, when it imports a `node:` module itself or uses `process.`
 * (the helpers' own Node imports are shimmed: test/browser/node-shim.ts).
 */
import { type Plugin, build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './server.js';

export const ARTIFACTS = join(ROOT, 'test', 'browser', 'artifacts');

export interface BrowserBuild { specs: string[]; excluded: { spec: string; why: string }[]; fixtures: string[] }

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]);
}

/** Why a spec cannot run in a browser, or null. */
export function nodeOnly(source: string): string | null {
  // A spec can say so itself, for what it reaches through other modules.
  const marked = /^\/\/ node-only: (.+)$/m.exec(source);
  if (marked) return marked[1]!;
  const m = /from '(node:[^']+)'|import\('(node:[^']+)'\)/.exec(source);
  if (m) return `imports ${m[1] ?? m[2]}`;
  if (/\bprocess\./.test(source)) return 'uses process.*';
  return null;
}

export async function buildBrowserTests(): Promise<BrowserBuild> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const testDir = join(ROOT, 'test');
  const specs: string[] = [];
  const excluded: BrowserBuild['excluded'] = [];
  for (const f of readdirSync(testDir).filter((n) => n.endsWith('.spec.ts')).sort()) {
    const why = nodeOnly(readFileSync(join(testDir, f), 'utf8'));
    if (why) excluded.push({ spec: f, why }); else specs.push(f);
  }
  const fixtures = walk(join(ROOT, 'fixtures')).filter((f) => f.endsWith('.json'))
    .map((f) => relative(join(ROOT, 'fixtures'), f).split('\\').join('/')).sort();
  writeFileSync(join(ARTIFACTS, 'fixtures.json'), JSON.stringify(fixtures));

  const entry = [
    // Register the GPU backends (Node's helpers import webgpu lazily; here they come bundled).
    "import '@tensorflow/tfjs-backend-webgl';",
    "import '@tensorflow/tfjs-backend-webgpu';",
    // src/device.ts imports backend packages by name at run time; the page's import map sends
    // '@tensorflow/tfjs-backend-wasm' to wasm-shim.js, which hands out this (bundled) module.
    "import * as wasm from '@tensorflow/tfjs-backend-wasm';",
    "wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');",
    'globalThis.__TFJS_BACKEND_WASM__ = wasm;',
    ...specs.map((f) => `import '../${f.replace(/\.ts$/, '.js')}';`),
  ].join('\n');

  const shim = join(ROOT, 'test', 'browser', 'node-shim.ts');
  const plugin: Plugin = {
    name: 'node-shim',
    setup(b) {
      b.onResolve({ filter: /^node:/ }, () => ({ path: shim }));
      // `.js` specifiers of TypeScript sources (NodeNext style).
      b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (a) => {
        if (!a.importer || a.importer.includes('node_modules')) return undefined;
        return b.resolve(a.path.replace(/\.js$/, '.ts'), { resolveDir: a.resolveDir, kind: a.kind })
          .then((r) => (r.errors.length ? undefined : { path: r.path }));
      });
    },
  };
  await build({
    stdin: { contents: entry, resolveDir: join(ROOT, 'test', 'browser'), sourcefile: 'entry.ts', loader: 'ts' },
    bundle: true,
    // The library's reprs use constructor.name: esbuild must not rename LSTM to LSTM2 on a clash.
    keepNames: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    outfile: join(ARTIFACTS, 'bundle.js'),
    sourcemap: true,
    logLevel: 'error',
    plugins: [plugin],
  });
  // test/browser/measure.html: max |diff| per backend (test/helpers/measure.ts), no mocha.
  await build({
    stdin: {
      contents: [
        "import '@tensorflow/tfjs-backend-webgl';",
        "import '@tensorflow/tfjs-backend-webgpu';",
        "import { useBackend } from '../helpers/backends.js';",
        "import { measureMaxDiffs } from '../helpers/measure.js';",
        'globalThis.__measure = async (b) => { await useBackend(b); return measureMaxDiffs(); };',
      ].join('\n'),
      resolveDir: join(ROOT, 'test', 'browser'), sourcefile: 'measure-entry.ts', loader: 'ts',
    },
    bundle: true, keepNames: true, format: 'esm', platform: 'browser', target: 'es2022', conditions: ['source'],
    outfile: join(ARTIFACTS, 'measure.js'), logLevel: 'error', plugins: [plugin],
  });
  return { specs, excluded, fixtures };
}
