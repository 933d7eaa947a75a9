/**
 * The tfjs backends Node can run: cpu, wasm (tfjs ops SIMD and single-threaded in Node;
 * tfjs-torch's own LSTM kernel multi-threaded), webgpu (npm `webgpu`, Dawn; on this machine on
 * SwiftShader, a CPU emulation of Vulkan) and tensorflow (only when @tensorflow/tfjs-node is installed).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { torch } from 'tfjs-torch';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { join } from 'node:path';
import { ROOT } from '../workloads.js';
import { installNodeWebGPU } from '../../test/helpers/node_webgpu.js';

/** A tfjs backend and whether it can be used here. */
export interface BackendInfo {
  name: 'cpu' | 'wasm' | 'webgpu' | 'tensorflow';
  /** webgpu: whether the adapter is SwiftShader (a CPU emulation: timings measure the emulator). */
  emulated?: boolean;
  available: boolean;
  /** Why not available, or what it is (SIMD, threads). */
  note: string;
}

let cached: BackendInfo[] | null = null;

/** Registers and probes the backends once; returns them in benchmark order. */
export async function tfjsBackends(): Promise<BackendInfo[]> {
  if (cached) return cached;
  const out: BackendInfo[] = [{ name: 'cpu', available: true, note: 'plain JavaScript kernels' }];
  setWasmPaths(join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/');
  try {
    await tf.setBackend('wasm');
    await tf.ready();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    out.push({ name: 'wasm', available: true, note: `tfjs ops: XNNPACK, SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}; `
      + `tfjs-torch's LSTM kernel: WebAssembly SIMD (assembly/lstm_layer.ts), ${torch.get_num_threads()} threads` });
  } catch (e) {
    out.push({ name: 'wasm', available: false, note: `failed to start: ${String(e)}` });
  }
  out.push(await probeWebGPU());
  try {
    const mod = '@tensorflow/tfjs-node';
    await import(mod);
    await tf.setBackend('tensorflow');
    out.push({ name: 'tensorflow', available: true, note: 'libtensorflow via @tensorflow/tfjs-node' });
  } catch {
    out.push({ name: 'tensorflow', available: false, note: '@tensorflow/tfjs-node not installed' });
  }
  await tf.setBackend('cpu');
  cached = out;
  return out;
}

/** webgpu in Node through npm `webgpu` (Dawn), set up as the test suite does (test/helpers/node_webgpu.ts). */
async function probeWebGPU(): Promise<BackendInfo> {
  const no = (why: string): BackendInfo => ({ name: 'webgpu', available: false, note: why });
  try {
    const r = await installNodeWebGPU();
    if (typeof r === 'string') return no(r);
    await import('@tensorflow/tfjs-backend-webgpu');
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    if (!(await tf.setBackend('webgpu'))) return no('tf.setBackend(\'webgpu\') failed');
    const emulated = /swiftshader/i.test(r.description) || (process.env.VK_DRIVER_FILES ?? '').includes('swiftshader');
    return { name: 'webgpu', available: true, emulated,
      note: `Dawn (npm webgpu)${emulated ? ' on SwiftShader, a CPU emulation of a GPU: its times measure the emulator, not a GPU' : r.description ? ` on ${r.description}` : ''}` };
  } catch (e) {
    return no(`not available: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Switches the active backend and waits for it. */
export async function useBackend(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
}

/**
 * Why a system is left out of a workload on a backend, or null. cpu: tfjs-torch's cpu path is one
 * fused JavaScript kernel per layer (a few seconds on W1/W3), so it always runs; tf.layers.lstm on
 * the cpu backend takes > 10 s per W1 run, so `--quick` runs it on W2/W5 only and the full run
 * skips W3 (~30 s per run; W1 and W4 already show its speed at that size). webgpu on SwiftShader
 * (an emulator): the batch-1 workloads W2 and W5 only (~0.1 s per run; a W1 forward takes ~19 s).
 */
export function skipFor(system: 'tfjs-torch' | 'tf.layers.lstm', b: BackendInfo, workload: string, quick: boolean): string | null {
  if (b.name === 'webgpu' && b.emulated && workload !== 'W2' && workload !== 'W5') {
    return 'skipped: webgpu here is SwiftShader, a CPU emulation (a W1 forward takes ~19 s); W2 and W5 show it';
  }
  if (b.name !== 'cpu' || system === 'tfjs-torch') return null;
  if (quick && !['W2', 'W5'].includes(workload)) return 'skipped in --quick: tf.layers.lstm on the cpu backend takes > 10 s per run at this size';
  if (!quick && workload === 'W3') return 'skipped: tf.layers.lstm on the cpu backend takes ~30 s per run here (see W1/W4 for its speed at this size)';
  return null;
}
