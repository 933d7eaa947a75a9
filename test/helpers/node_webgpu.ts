import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Chromium's SwiftShader Vulkan driver (Debian's chromium package): Dawn's adapter when none is set. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Node only: makes `navigator.gpu` exist (npm `webgpu`, Dawn), so that importing
 * @tensorflow/tfjs-backend-webgpu registers 'webgpu'. Used by the test suite and the benchmark.
 * Returns the GPU and its adapter's description, or why it cannot work here.
 */
export async function installNodeWebGPU(): Promise<{ gpu: unknown; description: string } | string> {
  if (!process.env.VK_DRIVER_FILES && !process.env.VK_ICD_FILENAMES) {
    // The Vulkan loader reads this when Dawn creates its instance, so it must be set before create().
    if (!existsSync(SWIFTSHADER_ICD)) return `no Vulkan ICD: ${SWIFTSHADER_ICD} missing (apt-get install chromium libvulkan1) and VK_DRIVER_FILES unset`;
    process.env.VK_DRIVER_FILES = SWIFTSHADER_ICD;
  }
  // Silences Dawn's "XDG_RUNTIME_DIR is invalid or not set" warning.
  process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'xdg-'));
  let webgpu: { create: (o: string[]) => { requestAdapter(): Promise<{ info?: { description?: string; device?: string } } | null> }; globals: object };
  try {
    const spec = 'webgpu'; // a variable: keeps esbuild (browser bundle) from following it
    webgpu = await import(spec);
  } catch (e) {
    return `npm package 'webgpu' not loadable: ${(e as Error).message.split('\n')[0]}`;
  }
  try {
    const gpu = webgpu.create([]);
    const adapter = await gpu.requestAdapter();
    if (!adapter) return `navigator.gpu.requestAdapter() returned null (VK_DRIVER_FILES=${process.env.VK_DRIVER_FILES})`;
    Object.assign(globalThis, webgpu.globals);
    const nav = (globalThis as { navigator?: object }).navigator;
    if (nav && !('gpu' in nav)) {
      Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, enumerable: true });
    } else if (!nav) {
      // Node 21+ has a read-only `navigator` getter; defineProperty replaces it.
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    }
    return { gpu, description: `${adapter.info?.description ?? ''} ${adapter.info?.device ?? ''}`.trim() };
  } catch (e) {
    return `Dawn failed to start: ${(e as Error).message.split('\n')[0]}`;
  }
}
