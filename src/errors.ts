/**
 * PyTorch's exception classes and message texts, in one place.
 *
 * Every error this library raises on bad input is an `Error` whose `name` is the Python exception
 * class PyTorch raises for the same input (`ValueError`, `RuntimeError`, `TypeError`) and whose
 * `message` is PyTorch 2.x's text, verbatim, so that `catch` blocks and logs read like the Python
 * they were ported from.
 *
 * @example
 * ```ts
 * import { nn } from 'tfjs-torch';
 * try { new nn.LSTM(6, 0); } catch (e) { console.log(`${e.name}: ${e.message}`); }
 * // ValueError: hidden_size must be greater than zero
 * ```
 * @module
 */

/** Base class of every error that mirrors a Python exception raised by PyTorch. */
export class TorchError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Python's `ValueError`. */
export class ValueError extends TorchError {
  constructor(message: string) { super('ValueError', message); }
}

/** Python's `TypeError`. */
export class TypeError extends TorchError {
  constructor(message: string) { super('TypeError', message); }
}

/** PyTorch's `RuntimeError` (raised by its C++ core and by `load_state_dict`). */
export class RuntimeError extends TorchError {
  constructor(message: string) { super('RuntimeError', message); }
}

/** Python's `NotImplementedError`. */
export class NotImplementedError extends TorchError {
  constructor(message: string) { super('NotImplementedError', message); }
}

/** Python's `OverflowError`. */
export class OverflowError extends TorchError {
  constructor(message: string) { super('OverflowError', message); }
}

/** Python's `AssertionError` (torch asserts, e.g., that `padding_idx` is in range). */
export class AssertionError extends TorchError {
  constructor(message: string) { super('AssertionError', message); }
}

/** Python's `IndexError`. */
export class IndexError extends TorchError {
  constructor(message: string) { super('IndexError', message); }
}

/** Python's `KeyError`. */
export class KeyError extends TorchError {
  constructor(message: string) { super('KeyError', message); }
}

/** Python's `type(x).__name__` for a JavaScript value, as torch's messages print it. */
export function pyTypeName(x: unknown): string {
  if (x === null || x === undefined) return 'NoneType';
  if (typeof x === 'number') return Number.isInteger(x) ? 'int' : 'float';
  if (typeof x === 'bigint') return 'int';
  if (typeof x === 'boolean') return 'bool';
  if (typeof x === 'string') return 'str';
  if (Array.isArray(x)) return 'list';
  return (x as object).constructor?.name ?? 'object';
}

/**
 * Python's `repr(float(x))`: the shortest round-trip digits, positional for exponents in
 * [-4, 16), scientific with a two-digit exponent otherwise; integral values keep a `.0`.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const s = String(x);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/** How Python formats a number argument in an f-string: ints plainly, floats with `repr`. */
export function pyNumberRepr(x: number): string {
  return Number.isInteger(x) ? String(x) : pyFloatRepr(x);
}

/** Python's `repr(tuple)` of ints: `(2, 3, 20)`, `(1,)`, `()`. */
export function pyTuple(xs: readonly number[]): string {
  return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`;
}

/** Python's `repr(list)` of ints: `[2, 3, 20]`. */
export function pyList(xs: readonly number[]): string {
  return `[${xs.join(', ')}]`;
}

/** `repr(torch.Size(shape))`: `torch.Size([12, 5])`. */
export function torchSize(xs: readonly number[]): string {
  return `torch.Size(${pyList(xs)})`;
}

/** The message texts, keyed by where PyTorch raises them. */
export const messages = {
  dropoutRange:
    'dropout should be a number in range [0, 1] representing the probability of an element being zeroed',
  dropoutWarning: (dropout: number, numLayers: number) =>
    'dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects ' +
    `num_layers greater than 1, but got dropout=${pyNumberRepr(dropout)} and num_layers=${numLayers}`,
  floatConversion: (s: string) => `could not convert string to float: '${s}'`,
  shouldBeInt: (name: string, value: unknown) =>
    `${name} should be of type int, got: ${pyTypeName(value)}`,
  hiddenSizePositive: 'hidden_size must be greater than zero',
  numLayersPositive: 'num_layers must be greater than zero',
  inputSizeNonNegative: 'input_size must be greater than or equal to zero',
  projSizeNonNegative: 'proj_size should be a positive integer or zero to disable projections',
  projSizeSmaller: 'proj_size has to be smaller than hidden_size',
  inputDim: (mode: string, dim: number) =>
    `${mode}: Expected input to be 2D or 3D, got ${dim}D instead`,
  inputType: (expected: string, got: string) =>
    `input must have the type ${expected}, got type ${got}`,
  inputRank: (expected: number, got: number) =>
    `input must have ${expected} dimensions, got ${got}`,
  inputSize: (expected: number, got: number) =>
    `input.size(-1) must be equal to input_size. Expected ${expected}, got ${got}`,
  hiddenSize: (index: number, expected: readonly number[], got: readonly number[]) =>
    `Expected hidden[${index}] size ${pyTuple(expected)}, got ${pyList(got)}`,
  hxRankBatched: (h: number, c: number) =>
    `For batched 3-D input, hx and cx should also be 3-D but got (${h}-D, ${c}-D) tensors`,
  hxRankUnbatched: (h: number, c: number) =>
    `For unbatched 2-D input, hx and cx should also be 2-D but got (${h}-D, ${c}-D) tensors`,
  seqLenZero: 'Expected sequence length to be larger than 0 in RNN',
  hxCount: 'tuple index out of range',
  hiddenDtype: 'mat1 and mat2 must have the same dtype',
  seedOverflow: 'Overflow when unpacking long',
  numThreadsPositive: 'set_num_threads expects a positive integer',
  numThreadsType: (got: string) => `set_num_threads expects an int, but got ${got}`,
  loadHeading: (cls: string) => `Error(s) in loading state_dict for ${cls}:`,
  missingKeys: (keys: readonly string[]) =>
    `Missing key(s) in state_dict: ${keys.map((k) => `"${k}"`).join(', ')}. `,
  unexpectedKeys: (keys: readonly string[]) =>
    `Unexpected key(s) in state_dict: ${keys.map((k) => `"${k}"`).join(', ')}. `,
  sizeMismatch: (key: string, ckpt: readonly number[], model: readonly number[]) =>
    `size mismatch for ${key}: copying a param with shape ${torchSize(ckpt)} from checkpoint, ` +
    `the shape in current model is ${torchSize(model)}.`,
  notATensor: (key: string, value: unknown) =>
    `While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object ` +
    `from checkpoint but received <class '${pyTypeName(value)}'>`,
  float64Unsupported:
    'torch.float64 is not supported: TensorFlow.js has no 64-bit floating point tensors; use torch.float32',
  // nn.Linear, nn.Embedding, nn.Dropout, nn.Sequential, nn.init, LSTM.from_state_dict
  fanFewDims: 'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions',
  matShapes: (a: number, b: number, c: number, d: number) =>
    `mat1 and mat2 shapes cannot be multiplied (${a}x${b} and ${c}x${d})`,
  matmulRank: (a: number, b: number) =>
    `both arguments to matmul need to be at least 1D, but they are ${a}D and ${b}D`,
  indexOutOfRange: 'index out of range in self',
  embeddingIndexType: (got: string) =>
    "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; " +
    `but got ${got} instead (while checking arguments for embedding)`,
  paddingIdxRange: 'Padding_idx must be within num_embeddings',
  dropoutProbability: (p: unknown) =>
    `dropout probability has to be between 0 and 1, but got ${typeof p === 'number' ? pyNumberRepr(p) : String(p)}`,
  sequentialIndex: (i: number) => `index ${i} is out of range`,
  notAModule: (x: unknown) => `${pyTypeName(x)} is not a Module subclass`,
  missingForward: (name: string) => `Module [${name}] is missing the required "forward" function`,
  lstmStateDictMissing: (key: string, prefix: string) =>
    `state_dict does not describe an LSTM under prefix '${prefix}': missing key "${key}"`,
  lstmStateDictShape: (key: string, got: readonly number[], expected: string) =>
    `state_dict does not describe an LSTM: "${key}" has shape ${torchSize(got)}, expected ${expected}`,
  lstmStateDictUnexpected: (keys: readonly string[]) =>
    `state_dict does not describe an LSTM: unexpected key(s) ${keys.map((k) => `"${k}"`).join(', ')}`,
} as const;

/** Python's `pickle.UnpicklingError` (raised by `torch.load` for a rejected or corrupt pickle). */
export class UnpicklingError extends TorchError {
  constructor(message: string) { super('UnpicklingError', message); }
}
