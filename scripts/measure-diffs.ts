/**
 * Max |ours - torch| over every float32 LSTM fixture, forward and gradients, per backend, in
 * Node (the browser backends: node --import tsx test/browser/run.ts --measure):
 *
 *     node --conditions=source --import tsx scripts/measure-diffs.ts [cpu,wasm,webgpu]
 */
import { BACKENDS, UNAVAILABLE, useBackend } from '../test/helpers/backends.js';
import { measureMaxDiffs } from '../test/helpers/measure.js';

const list = process.argv[2]?.split(',') ?? BACKENDS;
for (const b of list) {
  if (UNAVAILABLE[b]) { console.log(`${b}: unavailable: ${UNAVAILABLE[b]}`); continue; }
  await useBackend(b);
  console.log(JSON.stringify(await measureMaxDiffs(), null, 1));
}
process.exit(0);
