/**
 * Runs a tfjs system (tfjs-torch or tf.layers.lstm) on one workload in a fresh child process
 * (tfjs_child.ts) and returns its rows.
 * @module
 */
import { join } from 'node:path';
import { ROOT } from '../workloads.js';
import { runChild } from './child.js';
import { failed, type Row, type RunContext } from './types.js';

/** The system's rows for ctx's workload, measured in a child process. */
export async function runTfjsInChild(system: 'tfjs-torch' | 'tf.layers', ctx: RunContext): Promise<Row[]> {
  const w = ctx.fixture.workload.name;
  // The child's progress lines are printed as they come; its rows are logged by the caller.
  const child = await runChild(process.execPath,
    ['--conditions=source', '--import', 'tsx', join(ROOT, 'bench', 'systems', 'tfjs_child.ts'),
      JSON.stringify({ system, workload: w, quick: ctx.quick, policy: ctx.policy })],
    process.env, ctx.log, 900_000);
  const rows = child.results as Row[];
  if (child.code !== 0 || rows.length === 0) {
    return [failed(w, system === 'tf.layers' ? 'tf.layers.lstm' : system, 'all backends', `child exited ${child.code}: ${child.stderrTail}`,
      system === 'tfjs-torch')];
  }
  return rows;
}
