/**
 * The peer onnxruntime-web (wasm execution provider) in Node, numThreads 1 and 2, each in a
 * child process (see ort_web_child.ts).
 * @module
 */
import { join } from 'node:path';
import { ROOT } from '../workloads.js';
import { runChild } from './child.js';
import type { OrtMeasurement } from './ort_common.js';
import { shortReason } from './ort_node.js';
import { failed, skipped, type Row, type RunContext } from './types.js';

const SYSTEM = 'onnxruntime-web';

/** Runs the workload's ONNX file with 1 and 2 wasm threads. */
export async function runOrtWeb(ctx: RunContext): Promise<Row[]> {
  const f = ctx.fixture;
  const w = f.workload.name;
  const rows: Row[] = [];
  for (const threads of [1, 2]) {
    const variant = `wasm EP, ${threads} thread${threads > 1 ? 's' : ''}`;
    if (!f.onnxPath) { rows.push(ctx.done(skipped(w, SYSTEM, variant, `no ONNX peer: torch.onnx.export failed (${shortReason(f.onnxError)})`))); continue; }
    ctx.log(`[${w}] ${SYSTEM} (${variant}): child process, checking against PyTorch and timing`);
    const child = await runChild(process.execPath,
      ['--conditions=source', '--import', 'tsx', join(ROOT, 'bench', 'systems', 'ort_web_child.ts'), JSON.stringify({ workload: w, threads, policy: ctx.policy })],
      process.env, ctx.log, 300_000);
    const r = child.results[0] as (OrtMeasurement & { error?: string }) | undefined;
    if (!r || r.error) { rows.push(ctx.done(failed(w, SYSTEM, variant, r?.error ?? `child exited ${child.code}: ${child.stderrTail}`))); continue; }
    rows.push(ctx.done({ workload: w, system: SYSTEM, variant, ours: false, status: 'ok', maxAbsDiff: r.maxAbsDiff, compared: 'output,h_n,c_n', timing: r.timing }));
  }
  return rows;
}
