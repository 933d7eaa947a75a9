import * as tf from '@tensorflow/tfjs-core';
import { RuntimeError, TypeError } from '../errors.js';
import { dtype as DType } from '../dtype.js';
import { Device } from '../device.js';

/**
 * Whether `x` is a keyword-arguments object (a plain `{...}`), not a value such as a dtype,
 * device, tensor or module that may also be passed positionally.
 */
export function isKwargs(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  if (x instanceof DType || x instanceof Device || x instanceof tf.Tensor) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Python's argument binding for `Cls.__init__(self, *args, **kwargs)`: positional values in
 * `names` order, then an optional trailing keyword object; raises Python's TypeErrors
 * (unexpected keyword, too many positionals, multiple values, missing required ones).
 * Keywords whose value is `undefined` count as not given.
 *
 * @param owner the qualified name in the messages, e.g. `'Linear.__init__'`.
 * @param names every parameter after `self`, in order.
 * @param required how many leading parameters have no default.
 *
 * @example
 * ```ts
 * import { bindArgs } from './nn/args.js';   // internal module (src/)
 * bindArgs('Linear.__init__', ['in_features', 'out_features', 'bias'], 2, [6, 3, { bias: false }]);
 * // { in_features: 6, out_features: 3, bias: false }
 * ```
 */
export function bindArgs(owner: string, names: readonly string[], required: number,
  args: readonly unknown[]): Record<string, unknown> {
  const bound: Record<string, unknown> = {};
  let positional = args;
  const last = args[args.length - 1];
  if (args.length > 0 && isKwargs(last)) {
    positional = args.slice(0, -1);
    for (const [k, v] of Object.entries(last)) {
      if (!names.includes(k)) throw new TypeError(`${owner}() got an unexpected keyword argument '${k}'`);
      if (v !== undefined) bound[k] = v;
    }
  }
  if (positional.length > names.length) {
    const range = required === names.length ? `${required + 1}` : `from ${required + 1} to ${names.length + 1}`;
    throw new TypeError(`${owner}() takes ${range} positional arguments but ${positional.length + 1} were given`);
  }
  positional.forEach((v, i) => {
    const name = names[i]!;
    if (name in bound) throw new TypeError(`${owner}() got multiple values for argument '${name}'`);
    bound[name] = v;
  });
  const missing = names.slice(0, required).filter((n) => !(n in bound));
  if (missing.length > 0) {
    const quoted = missing.map((n) => `'${n}'`);
    // Python: 'a', 'a' and 'b', 'a', 'b', and 'c'.
    const list = quoted.length === 1 ? quoted[0] : quoted.length === 2 ? quoted.join(' and ')
      : `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
    throw new TypeError(`${owner}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${list}`);
  }
  return bound;
}

/**
 * torch's checks on a module's size arguments, as `torch.empty(shape)` raises them:
 * a non-integer is a TypeError, a negative size a RuntimeError.
 */
export function checkShape(shape: readonly unknown[]): number[] {
  shape.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isInteger(s)) {
      const type = typeof s === 'number' ? 'float' : typeof s === 'boolean' ? 'bool' : typeof s === 'string' ? 'str' : 'NoneType';
      throw new TypeError(`empty(): argument 'size' must be tuple of SymInts, but found element of type ${type} at pos ${i + 1}`);
    }
  });
  const neg = shape.find((s) => (s as number) < 0);
  if (neg !== undefined) throw new RuntimeError(`Trying to create tensor with negative dimension ${neg}: [${shape.join(', ')}]`);
  return shape as number[];
}

/** Python's `repr(bool)`. */
export function pyBool(b: boolean): string { return b ? 'True' : 'False'; }
