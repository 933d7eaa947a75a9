import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { installNodeWebGPU } from './node_webgpu.js';

/**
 * The tfjs backends the conformance suite runs on in this process.
 *
 * Node: `cpu` and `wasm` always (wasm's binaries ship in its npm package), plus `webgpu` — npm
 * `webgpu` (Dawn) on SwiftShader's Vulkan ICD from Debian's `chromium` package (see
 * /work/shared/recipes/webgpu.md). Narrow or extend with TFJS_TORCH_BACKENDS=cpu,wasm,webgpu.
 * A backend in the list that cannot initialise here (webgpu without the ICD or an adapter) is
 * still listed: every describeEachBackend suite reports it as one pending test that says why.
 *
 * Browser (test/browser/): the page sets `globalThis.__TFJS_TORCH_BACKENDS__` (e.g. 'webgl').
 */
const IN_NODE = typeof process !== 'undefined' && !!process.versions?.node;
const BROWSER_LIST = (globalThis as { __TFJS_TORCH_BACKENDS__?: string }).__TFJS_TORCH_BACKENDS__;
const DEFAULT_LIST = IN_NODE ? 'cpu,wasm,webgpu,tensorflow' : 'cpu';
export const BACKENDS: string[] = (BROWSER_LIST ?? (IN_NODE ? process.env.TFJS_TORCH_BACKENDS : undefined) ?? DEFAULT_LIST)
  .split(',').map((s) => s.trim()).filter(Boolean);

/** The GPU backends: CPU forwarding off, programs counted (see assertGpuRan). */
export const GPU_BACKENDS = new Set(['webgpu', 'webgl']);

/** Where Debian's chromium package ships SwiftShader's Vulkan ICD (what Dawn runs on here). */

/** Why each backend cannot run in this process (absent: it can, as far as we know). */
export const UNAVAILABLE: Record<string, string> = {};

let nodeGpu: unknown = null;

/** Node only: installs Dawn's `navigator.gpu` (./node_webgpu.ts). Returns null when it works, else the reason. */
async function probeNodeWebGPU(): Promise<string | null> {
  const r = await installNodeWebGPU();
  if (typeof r === 'string') return r;
  nodeGpu = r.gpu;
  return null;
}

/**
 * Node only: loads tfjs-node-gpu or tfjs-node (optional peer dependencies, which register the
 * `tensorflow` backend) when installed. Returns null when one loaded, else the reason.
 */
async function probeTfjsNode(): Promise<string | null> {
  await tf.ready(); // pin the default backend: tfjs-node registers 'tensorflow' with a higher priority
  for (const spec of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(spec);
      if (tf.findBackendFactory('tensorflow')) return null;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') return `${spec} is installed but does not load: ${(e as Error).message.split('\n')[0]}`;
    }
  }
  return 'neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed (optional; their install downloads ' +
    'libtensorflow: `npm install @tensorflow/tfjs-node`, or `npm run gpu:check` on a CUDA machine)';
}

if (IN_NODE && BACKENDS.includes('tensorflow')) {
  const why = await probeTfjsNode();
  if (why) UNAVAILABLE.tensorflow = why;
}
if (IN_NODE && BACKENDS.includes('webgpu')) {
  const why = await probeNodeWebGPU();
  if (why) UNAVAILABLE.webgpu = why;
}
if (!IN_NODE && BACKENDS.includes('webgpu') && !(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) {
  UNAVAILABLE.webgpu = 'navigator.gpu is missing in this browser (needs --enable-unsafe-webgpu)';
}
if (IN_NODE && BACKENDS.includes('webgl')) UNAVAILABLE.webgl = 'tfjs registers webgl only in a browser (run test/browser/run.ts)';

let wasmReady: Promise<void> | null = null;
let webgpuReady: Promise<void> | null = null;

/** GPU programs dispatched so far, per backend (counted by wrapping the backend's run method). */
const dispatches: Record<string, number> = { webgpu: 0, webgl: 0 };
(globalThis as { __TFJS_TORCH_DISPATCHES__?: object }).__TFJS_TORCH_DISPATCHES__ = dispatches; // for the browser page

function countPrograms(name: string): void {
  const backend = tf.findBackend(name) as unknown as Record<string, unknown> & { __counted?: boolean } | null;
  if (!backend || backend.__counted) return;
  const method = name === 'webgpu' ? 'runWebGPUProgram' : 'runWebGLProgram';
  const run = backend[method] as ((...a: unknown[]) => unknown) | undefined;
  if (typeof run !== 'function') throw new Error(`${name} backend has no ${method}: cannot count GPU programs`);
  backend[method] = function (this: unknown, ...a: unknown[]) {
    dispatches[name]!++;
    return run.apply(this, a);
  };
  backend.__counted = true;
}

/** How many GPU programs `backend` (default: the current one) has dispatched in this process. */
export function gpuDispatches(backend = tf.getBackend()): number {
  return dispatches[backend] ?? 0;
}

/**
 * Asserts that GPU programs ran on the current backend since `since` (a gpuDispatches() reading),
 * i.e. that the work was not silently forwarded to the CPU. No-op on cpu / wasm.
 */
export function assertGpuRan(since = 0, what = 'the test'): void {
  const name = tf.getBackend();
  if (!GPU_BACKENDS.has(name)) return;
  const n = gpuDispatches(name) - since;
  if (n <= 0) throw new Error(`${what} dispatched no ${name} GPU program: it ran on the CPU (CPU forwarding?)`);
}

/** Registers and initialises a backend by name (wasm paths resolved from node_modules). */
export async function useBackend(name: string): Promise<void> {
  if (UNAVAILABLE[name]) throw new Error(`backend ${name} unavailable: ${UNAVAILABLE[name]}`);
  if (name === 'wasm') {
    wasmReady ??= (async () => {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (IN_NODE && process.env.TFJS_TORCH_WASM_BUILD === 'relaxed-simd') {
        // `npm run test:relaxed-simd`: Node 20 validates relaxed SIMD only with this V8 flag
        // (Node >= 22 and Chrome >= 114 by default), so the kernel runs its fused multiply-add build.
        const v8 = 'node:v8'; // a variable: the browser bundle does not follow it
        ((await import(v8)) as { setFlagsFromString(f: string): void }).setFlagsFromString('--experimental-wasm-relaxed-simd');
      }
      if (IN_NODE) {
        const require = createRequire(import.meta.url);
        const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
        wasm.setWasmPaths(`${join(dist, 'dist')}/`);
      } else {
        wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
      }
    })();
    await wasmReady;
  }
  if (name === 'webgpu' && IN_NODE) {
    webgpuReady ??= (async () => {
      if (!nodeGpu) throw new Error('webgpu was not probed (not in TFJS_TORCH_BACKENDS)');
      // Pin the default backend first: registering webgpu (priority 3) must not change which
      // backend suites that never call useBackend() run on.
      await tf.ready();
      const spec = '@tensorflow/tfjs-backend-webgpu'; // a variable: type-checks without the package
      await import(spec);
    })();
    await webgpuReady;
  }
  if (name === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false);
  if (name === 'webgl') tf.env().set('WEBGL_CPU_FORWARD', false);
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`backend ${name} failed to initialise`);
  if (GPU_BACKENDS.has(name)) countPrograms(name);
}

/** One suite, many backends (the tfjs-core `describeWithFlags` habit). */
export function describeEachBackend(title: string, body: (backend: string) => void): void {
  for (const backend of BACKENDS) {
    describe(`${title} [${backend}]`, function () {
      if (UNAVAILABLE[backend]) {
        // A pending test, so the report says which backend was not tested and why.
        it(`SKIPPED on ${backend}: ${UNAVAILABLE[backend]}`);
        return;
      }
      before(async () => { await useBackend(backend); });
      body(backend);
    });
  }
}

/**
 * Root hook: every GPU backend that ran suites must have dispatched GPU programs, else CPU
 * forwarding (or a wrapped method renamed by tfjs) made the GPU runs test the CPU kernels.
 */
/** Passed / failed / pending tests per backend, from the `[backend]` suffix of suite titles. */
const tally: Record<string, { passed: number; failed: number; pending: number }> = {};
if (typeof afterEach === 'function') {
  afterEach(function () {
    const t = this.currentTest;
    const m = t?.parent?.fullTitle().match(/\[(\w+)\]$/);
    if (!t || !m) return;
    const row = (tally[m[1]!] ??= { passed: 0, failed: 0, pending: 0 });
    if (t.state === 'passed') row.passed++; else if (t.state === 'failed') row.failed++; else row.pending++;
  });
}

if (typeof after === 'function') {
  after(function () {
    if (IN_NODE && Object.keys(tally).length > 0) {
      const rows = BACKENDS.map((b) => (UNAVAILABLE[b] ? `${b} SKIPPED (${UNAVAILABLE[b]})`
        : `${b} ${tally[b]?.passed ?? 0} passed, ${tally[b]?.failed ?? 0} failed, ${tally[b]?.pending ?? 0} pending`));
      console.log(`\n  per backend (this process): ${rows.join('; ')}`);
    }
    for (const name of BACKENDS) {
      if (!GPU_BACKENDS.has(name) || UNAVAILABLE[name] || !tf.findBackend(name)) continue;
      if (gpuDispatches(name) <= 0) throw new Error(`${name}: no GPU program was dispatched in the whole run (CPU forwarding?)`);
    }
  });
}

/**
 * Runs `fn` and asserts that it leaves `tf.memory()` as it found it: numTensors and numBytes.
 * (GPU memory in use, numBytesInGPU, also grows when `fn` uploads inputs that lived on the CPU;
 * memory.spec.ts checks it in the steady state.)
 */
export async function expectNoLeak(fn: () => Promise<void> | void): Promise<void> {
  const before = tf.memory();
  await fn();
  const after = tf.memory();
  if (after.numTensors !== before.numTensors) throw new Error(`leaked ${after.numTensors - before.numTensors} tensor(s)`);
  if (after.numBytes !== before.numBytes) throw new Error(`leaked ${after.numBytes - before.numBytes} byte(s)`);
}
