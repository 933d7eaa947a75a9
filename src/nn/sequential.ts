import * as tf from '@tensorflow/tfjs-core';
import { IndexError, NotImplementedError, TypeError, messages } from '../errors.js';
import { Module } from './module.js';

/** A module with a one-argument `forward`, which is what Sequential chains. */
interface Forwardable { forward(input: unknown): unknown }

/**
 * PyTorch's `nn.Sequential`: children named `'0'`, `'1'`, ... (or the keys of a `Map` / object
 * given instead), run one after another by `forward`. Parameters and state_dict keys are dotted
 * (`'0.weight'`), and the repr lists the children like torch.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { nn } from 'tfjs-torch';
 * const net = new nn.Sequential(new nn.Linear(4, 8), new nn.Dropout(0.1), new nn.Linear(8, 2));
 * net.eval().forward(tf.ones([3, 4]));   // shape [3, 2]
 * Object.keys(net.state_dict());         // ['0.weight', '0.bias', '2.weight', '2.bias']
 * net.get(-1);                           // the last Linear
 * ```
 */
export class Sequential extends Module {
  constructor(modules: Map<string, Module> | Record<string, Module>);
  constructor(...modules: Module[]);
  constructor(...args: unknown[]) {
    super();
    const first = args[0];
    if (args.length === 1 && !(first instanceof Module) && typeof first === 'object' && first !== null) {
      const entries = first instanceof Map ? [...first] : Object.entries(first);
      for (const [name, m] of entries) this.add_module(String(name), checkModule(m));
    } else {
      args.forEach((m, i) => this.add_module(String(i), checkModule(m)));
    }
  }

  /** The number of children (`len(seq)`). */
  get length(): number { return this.named_children().length; }

  /** The child at `index` (negative counts from the end), like `seq[index]`. */
  get(index: number): Module {
    const children = this.children();
    const n = children.length;
    if (!(index >= -n && index < n)) throw new IndexError(messages.sequentialIndex(index));
    return children[index < 0 ? index + n : index]!;
  }

  /** Appends a child named by the next index (`seq.append`); returns this Sequential. */
  append(module: Module): this {
    this.add_module(String(this.length), checkModule(module));
    return this;
  }

  /** A Sequential of the children in [start, end), sharing them (torch's `seq[start:end]`). */
  slice(start?: number, end?: number): Sequential {
    const picked = this.named_children().slice(start, end);
    const out = new Sequential(new Map(picked));
    out.training = this.training;
    return out;
  }

  [Symbol.iterator](): Iterator<Module> { return this.children()[Symbol.iterator](); }

  /**
   * Feeds `input` through every child in order; intermediate tensors are freed, the result is
   * new and the caller disposes it.
   */
  forward(input: tf.Tensor): tf.Tensor;
  forward<T>(input: unknown): T;
  forward(input: unknown): unknown {
    return tf.tidy(() => {
      let x = input;
      for (const [, m] of this.named_children()) {
        const f = (m as unknown as Partial<Forwardable>).forward;
        if (typeof f !== 'function') throw new NotImplementedError(messages.missingForward(m.constructor.name));
        x = f.call(m, x);
      }
      return x as tf.TensorContainer;
    });
  }
}

function checkModule(m: unknown): Module {
  if (!(m instanceof Module)) throw new TypeError(messages.notAModule(m));
  return m;
}
