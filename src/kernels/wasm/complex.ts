import * as tf from '@tensorflow/tfjs-core';

/**
 * complex64 tensors on the wasm backend. tfjs-backend-wasm 4.22 stores any dtype as raw bytes in
 * its heap (8 bytes per complex64 element, interleaved re, im, which is also how tfjs hands
 * complex data to `dataSync`) but registers no `Complex`, `Real` or `Imag` kernel, so no complex
 * tensor can be made there. These three kernels fill that gap; everything complex64 LSTMs need
 * beyond them (reshape, expand/squeeze, variables, dispose) is dtype-agnostic in the backend.
 */
interface WasmBackendLike {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number; dtype: tf.DataType; shape: number[] } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  readSync(dataId: object, start?: number, end?: number): tf.BackendValues;
  read(dataId: object): Promise<tf.BackendValues>;
  __complexReads?: boolean;
}

/**
 * Makes `dataSync()` / `data()` of complex64 tensors work on the wasm backend: its readSync knows
 * float32, int32 and bool only ("Unknown dtype complex64"). Returns interleaved (re, im) float32
 * values, which is what tfjs-core hands out for complex64 on every backend.
 */
function enableComplexReads(b: WasmBackendLike): void {
  if (b.__complexReads) return;
  const readSync = b.readSync.bind(b);
  b.readSync = (dataId, start, end) => {
    const d = b.dataIdMap.get(dataId);
    if (d.dtype !== 'complex64') return readSync(dataId, start, end);
    const from = d.memoryOffset + 8 * (start ?? 0);
    const to = d.memoryOffset + 8 * (end ?? tf.util.sizeFromShape(d.shape));
    return new Float32Array(b.wasm.HEAPU8.slice(from, to).buffer);
  };
  b.read = async (dataId) => b.readSync(dataId);
  b.__complexReads = true;
}

/** A float32 view of a tensor's bytes in the wasm heap (taken fresh: the heap can grow). */
function heapF32(b: WasmBackendLike, t: tf.TensorInfo, floatsPerElement: number): Float32Array {
  const { memoryOffset } = b.dataIdMap.get(t.dataId);
  return new Float32Array(b.wasm.HEAPU8.buffer, memoryOffset, tf.util.sizeFromShape(t.shape) * floatsPerElement);
}

/**
 * A float32 output of the input's shape, `dst[i] = fn(src, i)`, where `src` views the input with
 * `floatsIn` floats per element (2 for complex64).
 */
function mapToFloat32(inputName: string, floatsIn: number, fn: (src: Float32Array, i: number) => number): tf.KernelFunc {
  return ({ inputs, backend }) => {
    const b = backend as unknown as WasmBackendLike;
    enableComplexReads(b);
    const input = inputs[inputName] as tf.TensorInfo;
    const out = b.makeOutput(input.shape, 'float32');
    const src = heapF32(b, input, floatsIn);
    const dst = heapF32(b, out, 1);
    for (let i = 0; i < dst.length; i++) dst[i] = fn(src, i);
    return out;
  };
}

function part(which: 0 | 1): tf.KernelFunc {
  return mapToFloat32('input', 2, (src, i) => src[2 * i + which]!);
}

/**
 * Correctly rounded float32 sin and cos for the wasm backend: its own Sin/Cos lose up to ~1e-6
 * absolute for arguments of a few units (1.7e-2 relative near zeros), which complex sigmoid and
 * tanh, through cos(Im z) and sin(Im z), turn into visible LSTM errors. Forward only.
 */
export const TorchSin = 'TorchSin';
export const TorchCos = 'TorchCos';

function elementwise(fn: (v: number) => number): tf.KernelFunc {
  return mapToFloat32('x', 1, (src, i) => fn(src[i]!));
}

/** Registers Complex, Real, Imag (and exact Sin/Cos) for 'wasm' unless already there. */
export function registerWasmComplexKernels(): void {
  if (!tf.getKernel('Complex', 'wasm')) {
    tf.registerKernel({ kernelName: 'Complex', backendName: 'wasm', kernelFunc: ({ inputs, backend }) => {
      const b = backend as unknown as WasmBackendLike;
      enableComplexReads(b);
      const real = inputs.real as tf.TensorInfo;
      const imag = inputs.imag as tf.TensorInfo;
      const out = b.makeOutput(real.shape, 'complex64');
      const re = heapF32(b, real, 1);
      const im = heapF32(b, imag, 1);
      const dst = heapF32(b, out, 2);
      for (let i = 0; i < re.length; i++) { dst[2 * i] = re[i]!; dst[2 * i + 1] = im[i]!; }
      return out;
    } });
  }
  if (!tf.getKernel('Real', 'wasm')) tf.registerKernel({ kernelName: 'Real', backendName: 'wasm', kernelFunc: part(0) });
  if (!tf.getKernel('Imag', 'wasm')) tf.registerKernel({ kernelName: 'Imag', backendName: 'wasm', kernelFunc: part(1) });
  if (!tf.getKernel(TorchSin, 'wasm')) tf.registerKernel({ kernelName: TorchSin, backendName: 'wasm', kernelFunc: elementwise(Math.sin) });
  if (!tf.getKernel(TorchCos, 'wasm')) tf.registerKernel({ kernelName: TorchCos, backendName: 'wasm', kernelFunc: elementwise(Math.cos) });
}

registerWasmComplexKernels();
