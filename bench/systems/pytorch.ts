/**
 * PyTorch itself (`/usr/bin/python3 compat/bench_torch.py`: 2 threads, eval, torch.no_grad),
 * on the same weights and input. OPENBLAS_CORETYPE is unset for this command unless
 * `keepCoretype` (see /work/shared/recipes/benchmark-peers.md). When Debian's OpenBLAS is
 * installed (libopenblas0-openmp / -pthread) its directory is put first on LD_LIBRARY_PATH for
 * this command only, so torch runs on OpenBLAS without switching the system-wide libblas.so.3
 * alternative (which would change every other torch user's numerics, e.g. fixture generation).
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, TORCH_PYTHON, torchAvailable } from '../workloads.js';
import type { Timing } from '../stats.js';
import { runChild } from './child.js';
import { failed, skipped, type Row, type RunContext } from './types.js';

const SYSTEM = 'PyTorch';

/** What compat/bench_torch.py reports about the torch it ran. */
export interface TorchInfo {
  torch: string;
  build_blas_info: string | null;
  mapped_libs: string[];
  openblas: { config: string; corename: string; num_threads: number } | null;
  OPENBLAS_CORETYPE: string | null;
  torch_threads: number;
  mkldnn_enabled: boolean;
  /** Whether the benchmark removed OPENBLAS_CORETYPE from the command's environment. */
  coretypeUnset: boolean;
  /** The value it had in the benchmark's own environment. */
  coretypeInherited: string | null;
  /** The OpenBLAS directory put on LD_LIBRARY_PATH for the command, or null. */
  blasDir: string | null;
}

/** Debian's OpenBLAS directories, OpenMP build first. */
const OPENBLAS_DIRS = ['/usr/lib/x86_64-linux-gnu/openblas-openmp', '/usr/lib/x86_64-linux-gnu/openblas-pthread',
  '/usr/lib/aarch64-linux-gnu/openblas-openmp', '/usr/lib/aarch64-linux-gnu/openblas-pthread'];

/** The last TorchInfo seen (for the report), or null. */
export let torchInfo: TorchInfo | null = null;
let available: boolean | null = null;

/** Runs one workload in a PyTorch child process. */
export async function runPyTorch(ctx: RunContext, keepCoretype: boolean, referenceBlas = false): Promise<Row[]> {
  const w = ctx.fixture.workload.name;
  const blasDir = referenceBlas ? null : OPENBLAS_DIRS.find((d) => existsSync(join(d, 'libblas.so.3'))) ?? null;
  // The BLAS is in the row's name: on Debian's reference BLAS torch's matrix products are many
  // times slower than on OpenBLAS, and a table that did not say so would show a PyTorch no user runs.
  const variant = `CPU, 2 threads, ${blasDir ? 'OpenBLAS' : 'reference BLAS'}`;
  available ??= torchAvailable();
  if (!available) return [skipped(w, SYSTEM, variant, `skipped: torch not importable by ${TORCH_PYTHON}`)];
  const env = { ...process.env };
  if (!keepCoretype) delete env['OPENBLAS_CORETYPE'];
  if (blasDir) env['LD_LIBRARY_PATH'] = [blasDir, env['LD_LIBRARY_PATH']].filter(Boolean).join(':');
  ctx.log(`[${w}] ${SYSTEM} (${variant}): child process${blasDir ? `, LD_LIBRARY_PATH=${blasDir}` : ''}${keepCoretype ? '' : ', OPENBLAS_CORETYPE unset'}`);
  const child = await runChild(TORCH_PYTHON,
    [join(ROOT, 'compat', 'bench_torch.py'), JSON.stringify({ workloads: [w], policy: ctx.policy, threads: 2 })],
    env, ctx.log, 300_000);
  const info = child.results.find((r) => (r as { info?: unknown }).info) as { info: Omit<TorchInfo, 'coretypeUnset' | 'coretypeInherited'> } | undefined;
  if (info) torchInfo = { ...info.info, coretypeUnset: !keepCoretype, coretypeInherited: process.env['OPENBLAS_CORETYPE'] ?? null, blasDir };
  const r = child.results.find((x) => (x as { workload?: string }).workload === w) as { maxAbsDiff: number; timing: Timing } | undefined;
  if (!r) return [failed(w, SYSTEM, variant, `bench_torch.py exited ${child.code}: ${child.stderrTail.split('\n').filter(Boolean).pop() ?? ''}`)];
  return [{ workload: w, system: SYSTEM, variant, ours: false, status: 'ok', maxAbsDiff: r.maxAbsDiff, compared: 'output,h_n,c_n', timing: r.timing }];
}
