/**
 * `npm start`: the main job. Loads the character-level language model that real PyTorch trained
 * and saved with torch.save (fixtures/models/charlm.pt, made by compat/train_charlm.py), checks
 * its logits for a fixed prompt against PyTorch's, then generates text and times it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { CharLM, generate, loadCharLM } from './charlm.js';

tf.enableProdMode(); // quiet tfjs's Node banner; numerics are unchanged
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const ref = JSON.parse(readFileSync(here('../fixtures/models/charlm.json'), 'utf8')) as {
  vocab: string; prompt: string; greedy: string; logits: { shape: number[]; data: number[] };
};

let t0 = performance.now();
const model: CharLM = await loadCharLM(here('../fixtures/models/charlm.pt'), ref.vocab);
console.log(`loaded fixtures/models/charlm.pt (torch.save, ${model.parameters().reduce((s, p) => s + p.size, 0)} parameters) ` +
  `in ${(performance.now() - t0).toFixed(0)} ms on the '${tf.getBackend()}' backend`);
console.log(String(model));

const ids = tf.tensor2d([[...ref.prompt].map((c) => ref.vocab.indexOf(c))], undefined, 'int32');
const [logits, state] = model.forward(ids);
const got = logits.dataSync();
const maxDiff = ref.logits.data.reduce((m, v, i) => Math.max(m, Math.abs(got[i]! - v)), 0);
tf.dispose([ids, logits, ...state]);
const ok = maxDiff <= 1e-4;
console.log(`logits for ${JSON.stringify(ref.prompt)}: max |diff| vs PyTorch = ${maxDiff.toExponential(2)} (${ok ? 'agrees' : 'DISAGREES'}, bound 1e-4)`);

t0 = performance.now();
const text = await generate(model, ref.vocab, ref.prompt, ref.greedy.length);
const ms = performance.now() - t0;
console.log(`\ngreedy continuation of ${JSON.stringify(ref.prompt)} (${text.length} characters in ${ms.toFixed(0)} ms, ` +
  `${(ms / text.length).toFixed(1)} ms/char):\n${ref.prompt}${text}\n`);
const same = text === ref.greedy;
console.log(same ? 'identical to PyTorch\'s greedy generation' : `DIFFERS from PyTorch's greedy generation:\n${ref.greedy}`);
model.dispose();
process.exitCode = ok && same ? 0 : 1;
