import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/**
 * The tfjs backends the conformance suite runs on in this process: `cpu` and `wasm` always
 * (wasm's binaries ship in its npm package), narrowed by TFJS_TORCH_BACKENDS=cpu,wasm,...
 */
export const BACKENDS: string[] = (process.env.TFJS_TORCH_BACKENDS ?? 'cpu,wasm').split(',').filter(Boolean);

let wasmReady: Promise<void> | null = null;

/** Registers and initialises a backend by name (wasm paths resolved from node_modules). */
export async function useBackend(name: string): Promise<void> {
  if (name === 'wasm') {
    wasmReady ??= (async () => {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      wasm.setWasmPaths(`${join(dist, 'dist')}/`);
    })();
    await wasmReady;
  }
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`backend ${name} failed to initialise`);
}

/** One suite, many backends (the tfjs-core `describeWithFlags` habit). */
export function describeEachBackend(title: string, body: (backend: string) => void): void {
  for (const backend of BACKENDS) {
    describe(`${title} [${backend}]`, function () {
      before(async () => { await useBackend(backend); });
      body(backend);
    });
  }
}

/** Runs `fn` and asserts that it leaves `tf.memory().numTensors` as it found it. */
export async function expectNoLeak(fn: () => Promise<void> | void): Promise<void> {
  const before = tf.memory().numTensors;
  await fn();
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`leaked ${after - before} tensor(s)`);
}
