/**
 * The benchmark workloads, their FLOP counts and their PyTorch-exported fixtures
 * (weights, input, reference output, ONNX file) under fixtures/onnx/.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy, type NpyArray } from './npy.js';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where compat/export_onnx.py writes the fixtures. */
export const FIXTURE_DIR = join(ROOT, 'fixtures', 'onnx');
/** The Python that has PyTorch (Debian python3-torch). */
export const TORCH_PYTHON = '/usr/bin/python3';

/** One benchmark shape: an nn.LSTM configuration and its input size. Keep in sync with compat/export_onnx.py. */
export interface Workload {
  /** `W1` ... `W5`. */
  name: string;
  /** Sequence length L. */
  T: number;
  /** Batch size. */
  N: number;
  /** input_size. */
  I: number;
  /** hidden_size. */
  H: number;
  /** num_layers. */
  layers: number;
  bidirectional: boolean;
  /** proj_size (0: none). */
  proj: number;
  dtype: 'float32' | 'complex64';
  /** A one-line description for the report. */
  label: string;
}

/** W1-W5 as the benchmark defines them. */
export const WORKLOADS: Workload[] = [
  { name: 'W1', T: 100, N: 32, I: 128, H: 256, layers: 2, bidirectional: false, proj: 0, dtype: 'float32', label: 'T=100 N=32 I=128 H=256, 2 layers' },
  { name: 'W2', T: 50, N: 1, I: 64, H: 128, layers: 1, bidirectional: false, proj: 0, dtype: 'float32', label: 'T=50 N=1 I=64 H=128, 1 layer' },
  { name: 'W3', T: 100, N: 32, I: 128, H: 256, layers: 2, bidirectional: true, proj: 0, dtype: 'float32', label: 'W1 bidirectional' },
  { name: 'W4', T: 100, N: 32, I: 128, H: 256, layers: 2, bidirectional: false, proj: 64, dtype: 'float32', label: 'W1 with proj_size=64' },
  { name: 'W5', T: 50, N: 1, I: 64, H: 128, layers: 1, bidirectional: false, proj: 0, dtype: 'complex64', label: 'W2 in complex64' },
];

/**
 * Floating-point operations of one forward pass: over layers and directions,
 * 2·4H·(I_l + H_out)·N·T, plus 2·H·P·N·T for the projection. Complex workloads count real
 * operations (a complex multiply-add is 4 real ones), so the figure is comparable.
 */
export function flops(w: Workload): number {
  const D = w.bidirectional ? 2 : 1;
  const hOut = w.proj > 0 ? w.proj : w.H;
  let total = 0;
  for (let l = 0; l < w.layers; l++) {
    const inL = l === 0 ? w.I : D * hOut;
    let perDir = 2 * 4 * w.H * (inL + hOut) * w.N * w.T;
    if (w.proj > 0) perDir += 2 * w.H * w.proj * w.N * w.T;
    total += D * perDir;
  }
  return w.dtype === 'complex64' ? 4 * total : total;
}

/** What compat/export_onnx.py wrote for one workload. */
export interface Fixture {
  workload: Workload;
  /** The state_dict in torch's key order. */
  params: [string, NpyArray][];
  input: NpyArray;
  /** PyTorch's output, h_n and c_n for `input` (eval mode). */
  output: NpyArray;
  h_n: NpyArray;
  c_n: NpyArray;
  /** Absolute path of the ONNX export, or null when torch.onnx.export failed. */
  onnxPath: string | null;
  /** Why there is no ONNX file. */
  onnxError: string | null;
  /** The PyTorch version that produced the fixture. */
  torchVersion: string;
}

/** Whether `/usr/bin/python3` can import torch. */
export function torchAvailable(): boolean {
  if (!existsSync(TORCH_PYTHON)) return false;
  const r = spawnSync(TORCH_PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  return r.status === 0;
}

/**
 * Makes sure fixtures exist for `names`, running compat/export_onnx.py for the missing ones
 * when PyTorch is available; returns the names still missing.
 */
export function ensureFixtures(names: string[], log: (s: string) => void): string[] {
  const missing = names.filter((n) => !fixtureComplete(n));
  if (missing.length === 0) return [];
  if (!torchAvailable()) return missing;
  log(`exporting fixtures with PyTorch: ${missing.join(' ')} (compat/export_onnx.py)`);
  const r = spawnSync(TORCH_PYTHON, [join(ROOT, 'compat', 'export_onnx.py'), ...missing], { encoding: 'utf8' });
  if (r.status !== 0) log(`export_onnx.py failed: ${r.stderr.slice(-2000)}`);
  return names.filter((n) => !fixtureComplete(n));
}

function fixtureComplete(name: string): boolean {
  const manifest = join(FIXTURE_DIR, `${name}.json`);
  if (!existsSync(manifest)) return false;
  const m = JSON.parse(readFileSync(manifest, 'utf8')) as { onnx: string | null; params: { name: string }[] };
  const files = ['input', 'output', 'h_n', 'c_n', ...m.params.map((p) => p.name)].map((f) => join(FIXTURE_DIR, name, `${f}.npy`));
  if (m.onnx) files.push(join(FIXTURE_DIR, m.onnx));
  return files.every((f) => existsSync(f));
}

/** Loads a workload's fixture (call {@link ensureFixtures} first). */
export function loadFixture(w: Workload): Fixture {
  const m = JSON.parse(readFileSync(join(FIXTURE_DIR, `${w.name}.json`), 'utf8')) as {
    params: { name: string }[]; onnx: string | null; onnx_error: string | null; torch_version: string;
  };
  const npy = (f: string): NpyArray => readNpy(join(FIXTURE_DIR, w.name, `${f}.npy`));
  return {
    workload: w,
    params: m.params.map((p) => [p.name, npy(p.name)]),
    input: npy('input'), output: npy('output'), h_n: npy('h_n'), c_n: npy('c_n'),
    onnxPath: m.onnx ? join(FIXTURE_DIR, m.onnx) : null,
    onnxError: m.onnx_error,
    torchVersion: m.torch_version,
  };
}

/** The largest |a - b| over two equally long arrays (NaN when lengths differ or a value is NaN). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return NaN;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(d)) return NaN;
    if (d > m) m = d;
  }
  return m;
}
