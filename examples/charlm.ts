/**
 * A PyTorch character-level language model, ported: the same module tree as
 * compat/train_charlm.py's `CharLM`, its torch.save'd state_dict loaded as is, greedy generation.
 */
import * as tf from '@tensorflow/tfjs';
import { nn, torch } from 'tfjs-torch';

export class CharLM extends nn.Module {
  readonly embed: InstanceType<typeof nn.Embedding>;
  readonly lstm: InstanceType<typeof nn.LSTM>;
  readonly fc: InstanceType<typeof nn.Linear>;

  constructor(vocab: number) {
    super();
    this.embed = new nn.Embedding(vocab, 32);
    this.lstm = new nn.LSTM(32, 128, { num_layers: 2, proj_size: 64, batch_first: true });
    this.fc = new nn.Linear(64, vocab);
    for (const [name, m] of Object.entries({ embed: this.embed, lstm: this.lstm, fc: this.fc })) this.add_module(name, m);
  }

  /** ids (N, L) int32 -> logits (N, L, vocab) and the LSTM state. */
  forward(ids: tf.Tensor, hx?: [tf.Tensor, tf.Tensor]): [tf.Tensor, [tf.Tensor, tf.Tensor]] {
    const x = this.embed.forward(ids);
    const [y, state] = this.lstm.forward(x, hx);
    const logits = this.fc.forward(y);
    tf.dispose([x, y]);
    return [logits, state];
  }
}

/** Loads `model.pt` (written by `torch.save(model.state_dict(), ...)`) into a CharLM. */
export async function loadCharLM(path: string, vocab: string): Promise<CharLM> {
  const sd = await torch.load(path);
  const model = new CharLM(vocab.length).eval();
  model.load_state_dict(sd);
  tf.dispose(Object.values(sd));
  return model;
}

/**
 * Greedy generation: feeds the prompt, then one argmax character at a time. Async: each step
 * reads the chosen id with `await data()`, which works on every backend (webgpu in Node has no
 * synchronous GPU reads).
 */
export async function generate(model: CharLM, vocab: string, prompt: string, n: number): Promise<string> {
  let ids = tf.tensor2d([[...prompt].map((c) => vocab.indexOf(c))], undefined, 'int32');
  let state: [tf.Tensor, tf.Tensor] | undefined;
  let out = '';
  for (let i = 0; i < n; i++) {
    const [logits, next] = model.forward(ids, state);
    const best = tf.tidy(() => tf.argMax(tf.squeeze(tf.slice(logits, [0, ids.shape[1]! - 1, 0], [1, 1, -1])), 0));
    const id = (await best.data())[0]!;
    best.dispose();
    tf.dispose([logits, ids, ...(state ?? [])]);
    state = next;
    out += vocab[id];
    ids = tf.tensor2d([[id]], [1, 1], 'int32');
  }
  tf.dispose([ids, ...(state ?? [])]);
  return out;
}
