import * as tf from '@tensorflow/tfjs-core';
import { RuntimeError } from './errors.js';

/** torch-style device names and the tfjs backend each one runs on. */
const BACKEND_OF: Record<string, string> = {
  cpu: 'cpu', wasm: 'wasm', webgl: 'webgl', webgpu: 'webgpu', cuda: 'tensorflow', tensorflow: 'tensorflow',
};

/** The npm package that registers each backend (the optional peer dependencies). */
const PACKAGE_OF: Record<string, string[]> = {
  cpu: ['@tensorflow/tfjs-backend-cpu'],
  wasm: ['@tensorflow/tfjs-backend-wasm'],
  webgl: ['@tensorflow/tfjs-backend-webgl'],
  webgpu: ['@tensorflow/tfjs-backend-webgpu'],
  cuda: ['@tensorflow/tfjs-node-gpu'],
  tensorflow: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
};

/**
 * A device, like `torch.device('cuda')`: a type (`cpu`, `cuda`, `webgpu`, `webgl`, `wasm`,
 * `tensorflow`) and an optional index. Prints as torch does.
 *
 * @example
 * ```ts
 * import { torch } from 'tfjs-torch';
 * String(torch.device('cuda:0'));   // 'cuda:0'
 * torch.device('webgpu').backend;   // 'webgpu'
 * ```
 */
export class Device {
  readonly type: string;
  readonly index: number | null;
  constructor(spec: string | Device, index?: number) {
    if (spec instanceof Device) { this.type = spec.type; this.index = spec.index; return; }
    const [type, idx] = spec.split(':');
    if (!type || !(type in BACKEND_OF) || (idx !== undefined && !/^\d+$/.test(idx))) {
      throw new RuntimeError(`Expected one of ${Object.keys(BACKEND_OF).join(', ')} device type at start of device string: ${spec}`);
    }
    this.type = type;
    this.index = idx !== undefined ? Number(idx) : index ?? null;
  }

  /** The tfjs backend this device runs on. */
  get backend(): string { return BACKEND_OF[this.type]!; }

  toString(): string { return this.index === null ? this.type : `${this.type}:${this.index}`; }
}

/** `torch.device(...)`. */
export function device(spec: string | Device, index?: number): Device {
  return new Device(spec, index);
}

/**
 * Loads (if installed), initialises and activates the tfjs backend of a device, like PyTorch
 * 2.x's `torch.set_default_device`; async because tfjs backends initialise asynchronously.
 * Torch parity: tfjs runs one backend at a time, so this switches every module at once.
 * Asking for a device that is not available fails with what is missing; it never falls back.
 *
 * @example
 * ```ts
 * import { torch } from 'tfjs-torch';
 * await torch.set_default_device('wasm');
 * torch.get_default_device();   // Device 'wasm'
 * ```
 */
export async function set_default_device(spec: string | Device): Promise<Device> {
  const d = new Device(spec);
  const backend = d.backend;
  if (!tf.findBackendFactory(backend)) await loadBackendPackage(d);
  if (!tf.findBackendFactory(backend)) {
    throw new RuntimeError(`device '${d.type}' needs the npm package ${PACKAGE_OF[d.type]!.join(' or ')}, ` +
      `which did not register the '${backend}' tfjs backend`);
  }
  let ok = false;
  let reason = '';
  try { ok = await tf.setBackend(backend); } catch (e) { reason = `: ${(e as Error).message}`; }
  if (!ok || tf.getBackend() !== backend) {
    throw new RuntimeError(`device '${d.type}' is not available: the '${backend}' tfjs backend failed to initialise${reason}`);
  }
  if (d.type === 'cuda') assertGpu();
  return d;
}

/** The device of the active tfjs backend. */
export function get_default_device(): Device {
  tf.backend();
  const name = tf.getBackend();
  if (name === 'tensorflow') return new Device(usesGpu() ? 'cuda' : 'tensorflow');
  return new Device(name in BACKEND_OF ? name : 'cpu');
}

/**
 * Checks that a module may live on `spec`: its backend must be the active one (tfjs keeps one
 * backend active; tensors move to it when read). Used for modules' `device` argument and `to()`.
 */
export function requireActive(spec: string | Device): Device {
  const d = new Device(spec);
  tf.backend();
  const active = tf.getBackend();
  if (active !== d.backend) {
    // Only a backend already initialised: tf.findBackend would start initialising a registered
    // one as a side effect (asynchronously for webgpu, racing the caller's own setBackend).
    if (d.backend in (tf.engine() as unknown as { registry: Record<string, unknown> }).registry) {
      // Already initialised: switching is synchronous.
      void tf.setBackend(d.backend);
    } else {
      throw new RuntimeError(`device '${d}' is not the active tfjs backend ('${active}'): ` +
        `call \`await torch.set_default_device('${d.type}')\` first (tfjs runs one backend at a time)`);
    }
  }
  if (d.type === 'cuda') assertGpu();
  return d;
}

function usesGpu(): boolean {
  const b = tf.backend() as unknown as { isUsingGpuDevice?: boolean; isGPUPackage?: boolean };
  return b.isUsingGpuDevice === true || (b.isUsingGpuDevice === undefined && b.isGPUPackage === true);
}

function assertGpu(): void {
  if (!usesGpu()) {
    throw new RuntimeError("device 'cuda' needs @tensorflow/tfjs-node-gpu with a visible CUDA GPU; " +
      'the tensorflow backend reports none (check CUDA 11.2 / cuDNN 8.1 libraries, see README)');
  }
}

/** Imports the backend package of a device where it is installed (Node resolves wasm's files). */
async function loadBackendPackage(d: Device): Promise<void> {
  const errors: string[] = [];
  for (const pkg of PACKAGE_OF[d.type]!) {
    try {
      const mod = await import(/* @vite-ignore */ pkg);
      if (d.type === 'wasm') await configureWasm(mod);
      return;
    } catch (e) { errors.push(`${pkg}: ${(e as Error).message.split('\n')[0]}`); }
  }
  throw new RuntimeError(`device '${d.type}' needs the npm package ${PACKAGE_OF[d.type]!.join(' or ')}, ` +
    `which is not installed or failed to load (${errors.join('; ')}): ` +
    `npm install ${PACKAGE_OF[d.type]![0]}@4.22.0`);
}

/** In Node, point the wasm backend at the .wasm files inside its npm package. */
async function configureWasm(mod: { setWasmPaths?: (p: string) => void }): Promise<void> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (!proc?.versions?.node || !mod.setWasmPaths) return;
  const { createRequire } = await import('node:module');
  const { dirname, join } = await import('node:path');
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  mod.setWasmPaths(`${join(root, 'dist')}/`);
}
