import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { generate, loadCharLM } from '../examples/charlm.js';
import { GPU_BACKENDS, describeEachBackend, expectNoLeak } from './helpers/backends.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const ref = JSON.parse(readFileSync(here('../fixtures/models/charlm.json'), 'utf8')) as {
  vocab: string; prompt: string; greedy: string; logits: { shape: number[]; data: number[] };
};

describeEachBackend('a real PyTorch model ported: the char-level LSTM language model saved with torch.save', () => {
  it('logits for the prompt within 1e-4 of PyTorch, greedy generation identical', async function () {
    this.timeout(120000);
    const model = await loadCharLM(here('../fixtures/models/charlm.pt'), ref.vocab);
    await expectNoLeak(async () => {
      const ids = tf.tensor2d([[...ref.prompt].map((c) => ref.vocab.indexOf(c))], undefined, 'int32');
      const [logits, state] = model.forward(ids);
      expect(logits.shape).to.deep.equal(ref.logits.shape);
      const got = await logits.data();
      const worst = ref.logits.data.reduce((m, v, i) => Math.max(m, Math.abs(got[i]! - v)), 0);
      expect(worst).to.be.at.most(1e-4);
      tf.dispose([ids, logits, ...state]);
      // On the GPU backends (SwiftShader), the first 40 characters: each one is a forward and a
      // GPU read, and all 200 took over 120 s on Node's webgpu; cpu and wasm generate all of them.
      const n = GPU_BACKENDS.has(tf.getBackend()) ? 40 : ref.greedy.length;
      expect(await generate(model, ref.vocab, ref.prompt, n)).to.equal(ref.greedy.slice(0, n));
    });
    model.dispose();
  });
});
