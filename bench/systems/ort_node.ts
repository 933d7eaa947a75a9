/**
 * The peer onnxruntime-node (native CPU execution provider, intraOpNumThreads 2) on
 * PyTorch's ONNX export.
 * @module
 */
import * as ort from 'onnxruntime-node';
import { measureSession } from './ort_common.js';
import { failed, skipped, type Row, type RunContext } from './types.js';

const SYSTEM = 'onnxruntime-node';
const VARIANT = 'CPU EP, 2 threads';

/** Runs the workload's ONNX file, or reports "no ONNX peer" when torch could not export it. */
export async function runOrtNode(ctx: RunContext): Promise<Row[]> {
  const f = ctx.fixture;
  const w = f.workload.name;
  if (!f.onnxPath) return [skipped(w, SYSTEM, VARIANT, `no ONNX peer: torch.onnx.export failed (${shortReason(f.onnxError)})`)];
  ctx.log(`[${w}] ${SYSTEM} (${VARIANT}): creating session, checking against PyTorch`);
  try {
    const session = await ort.InferenceSession.create(f.onnxPath, {
      executionProviders: ['cpu'], intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all',
    });
    try {
      const m = await measureSession(ort, session, f, ctx.policy);
      return [{ workload: w, system: SYSTEM, variant: VARIANT, ours: false, status: 'ok', maxAbsDiff: m.maxAbsDiff, compared: 'output,h_n,c_n', timing: m.timing }];
    } finally {
      await session.release();
    }
  } catch (e) {
    return [failed(w, SYSTEM, VARIANT, e)];
  }
}

/** The gist of torch.onnx.export's error. */
export function shortReason(err: string | null): string {
  if (!err) return 'unknown error';
  if (/projections/i.test(err)) return 'LSTMs with projections are unsupported';
  if (/Complex/i.test(err)) return 'complex tensors are unsupported';
  return err.slice(0, 120);
}
