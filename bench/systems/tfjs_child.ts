/**
 * Child process for the tfjs systems (tfjs-torch, tf.layers.lstm): each system runs each
 * workload in a fresh Node process, as onnxruntime-web does (ort_web_child.ts), so that no
 * system inherits another workload's heap (a W2 run after W1 in one process measured 25-50%
 * slower, mostly garbage collection). Usage (from bench/systems/tfjs_process.ts):
 *
 *     node --conditions=source --import tsx bench/systems/tfjs_child.ts '{"system":"tfjs-torch","workload":"W2","quick":false,"policy":{...}}'
 *
 * Prints progress on stderr (indented, forwarded by the parent) and one `RESULT {json}` line per row.
 * @module
 */
import { loadFixture, WORKLOADS } from '../workloads.js';
import type { RunPolicy } from '../stats.js';
import type { Row, RunContext } from './types.js';
import { runTfjsTorch } from './tfjs_torch.js';
import { runTfjsLayers } from './tfjs_layers.js';

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]!) as { system: 'tfjs-torch' | 'tf.layers'; workload: string; quick: boolean; policy: RunPolicy };
  const w = WORKLOADS.find((x) => x.name === args.workload)!;
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  const ctx: RunContext = {
    fixture: loadFixture(w), policy: args.policy, quick: args.quick, log,
    done: (r: Row) => r, // the parent logs the rows it receives
  };
  const rows = args.system === 'tfjs-torch' ? await runTfjsTorch(ctx) : await runTfjsLayers(ctx);
  for (const r of rows) process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
}

main().then(() => process.exit(0), (e: unknown) => {
  process.stderr.write(`  child failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
