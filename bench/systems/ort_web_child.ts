/**
 * Child process for onnxruntime-web: the wasm thread count is fixed when ORT's wasm starts, so
 * each numThreads setting runs in its own Node process. Usage (from bench/systems/ort_web.ts):
 *
 *     node --conditions=source --import tsx bench/systems/ort_web_child.ts '{"workload":"W1","threads":2,"policy":{...}}'
 *
 * Prints one line `RESULT {json}` (an {@link OrtMeasurement} or `{error}`) on stdout.
 * @module
 */
import * as ort from 'onnxruntime-web';
import { loadFixture, WORKLOADS } from '../workloads.js';
import { measureSession } from './ort_common.js';
import type { RunPolicy } from '../stats.js';

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]!) as { workload: string; threads: number; policy: RunPolicy };
  const w = WORKLOADS.find((x) => x.name === args.workload)!;
  const f = loadFixture(w);
  ort.env.wasm.numThreads = args.threads;
  ort.env.wasm.simd = true;
  ort.env.logLevel = 'error';
  const session = await ort.InferenceSession.create(f.onnxPath!, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const m = await measureSession(ort, session, f, args.policy);
  await session.release();
  process.stdout.write(`RESULT ${JSON.stringify(m)}\n`);
}

main().then(() => process.exit(0), (e: unknown) => {
  process.stdout.write(`RESULT ${JSON.stringify({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) })}\n`);
  process.exit(1);
});
