import * as tf from '@tensorflow/tfjs-core';
import { IndexError, RuntimeError, TypeError, ValueError, messages, pyFloatRepr, pyTypeName } from '../errors.js';
import { dtype as DType, fromTf, resolveModuleDtype } from '../dtype.js';
import { type LSTMFunctionalOptions, lstm as lstmFunctional, lstmComplex } from '../functional/lstm.js';
import { type Complex, complex, guardComplexGradients, join, split } from '../functional/complex.js';
import { uniform_ } from './init.js';
import { Module, newParameter } from './module.js';
import { bindArgs } from './args.js';
import { type LSTMFromStateDictOptions, lstmFromStateDict } from './lstm_from_state_dict.js';
import { type Device, requireActive } from '../device.js';
import { warn } from '../warn.js';
import { prepareWasmKernel } from '../kernels/wasm/simd_runtime.js';

/** torch's keyword arguments of `nn.LSTM`. */
export interface LSTMOptions {
  /** H_in, the number of features of each input step (0 is allowed, as in torch). */
  input_size?: number;
  /** H_cell, the number of features of the cell state (and of h when proj_size = 0). */
  hidden_size?: number;
  /** Stacked recurrent layers (default 1). */
  num_layers?: number;
  /** Whether to use `bias_ih_l[k]` and `bias_hh_l[k]` (default true). */
  bias?: boolean;
  /** Input and output are (N, L, H) instead of (L, N, H); h and c are never batch first. */
  batch_first?: boolean;
  /** Dropout probability on every layer's output except the last, in training mode only. */
  dropout?: number;
  /** Run a reverse direction too and concatenate both outputs (D = 2). */
  bidirectional?: boolean;
  /** H_out when > 0: h is projected by `weight_hr_l[k]` (P, H_cell). Default 0. */
  proj_size?: number;
  /** Where to create the parameters: a device whose tfjs backend is active (`null`: the active one). */
  device?: string | Device | null;
  /** `torch.float32` (default) or `torch.complex64`. */
  dtype?: DType | string | null;
}

const POSITIONAL = ['input_size', 'hidden_size', 'num_layers', 'bias', 'batch_first', 'dropout',
  'bidirectional', 'proj_size', 'device', 'dtype'] as const;

type Hidden = [tf.Tensor, tf.Tensor];

/**
 * PyTorch's `nn.LSTM`: a multi-layer long short-term memory RNN with torch's parameters, init,
 * shapes, errors and numbers.
 *
 * For each element of the input sequence each layer computes
 * ```
 *   i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)
 *   f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
 *   g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
 *   o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
 *   c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
 *   h_t = o_t ⊙ tanh(c_t)            (then h_t = W_hr h_t when proj_size > 0)
 * ```
 * where layer k > 0 takes the previous layer's h_t (after dropout in training mode) as x_t.
 *
 * Shapes, with N = batch size, L = sequence length, D = 2 if bidirectional else 1,
 * H_in = input_size, H_cell = hidden_size, H_out = proj_size if proj_size > 0 else hidden_size:
 * - input: (L, N, H_in), (N, L, H_in) when batch_first, or unbatched (L, H_in)
 * - h_0 / h_n: (D·num_layers, N, H_out); c_0 / c_n: (D·num_layers, N, H_cell) (2-D when unbatched)
 * - output: (L, N, D·H_out) (batch first if asked); h_n holds each direction's final state
 *
 * Parameters per layer k and direction suffix ('' or '_reverse'), in registration order:
 * `weight_ih_l{k}` (4·H_cell, in_k), `weight_hh_l{k}` (4·H_cell, H_out), `bias_ih_l{k}`,
 * `bias_hh_l{k}` (4·H_cell) when bias, `weight_hr_l{k}` (H_out, H_cell) when proj_size > 0;
 * gate rows in the order i, f, g, o; in_0 = H_in, in_k = D·H_out. All are initialised from
 * U(-1/√H_cell, 1/√H_cell) with torch's generator, bit for bit.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { torch, nn } from 'tfjs-torch';
 * torch.manual_seed(42);
 * const lstm = new nn.LSTM(6, 3);
 * const [output, [h_n, c_n]] = lstm.forward(tf.tensor2d([[8, -3, 0, 1, 5, -2]]));
 * output.print();   // [[-0.2443, 0.084, 0.4837]], as PyTorch prints
 * String(lstm);     // 'LSTM(6, 3)'
 * ```
 */
export class LSTM extends Module {
  readonly input_size: number;
  readonly hidden_size: number;
  readonly num_layers: number;
  readonly bias: boolean;
  readonly batch_first: boolean;
  /** Stored as a float like torch (`float(dropout)`). */
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly proj_size: number;
  /** The module's dtype: `torch.float32` or `torch.complex64`. */
  readonly dtype: DType;
  readonly mode = 'LSTM';
  /** Parameter names in torch's `_flat_weights_names` order. */
  readonly _flat_weights_names: string[] = [];
  /** Parameter names grouped per layer and direction (torch's `_all_weights`). */
  readonly _all_weights: string[][] = [];
  [param: `weight_${string}` | `bias_${string}`]: tf.Variable;

  constructor(options: LSTMOptions & { input_size: number; hidden_size: number });
  constructor(input_size: number, hidden_size: number, options?: LSTMOptions);
  constructor(input_size: number, hidden_size: number, num_layers?: number, bias?: boolean,
    batch_first?: boolean, dropout?: number, bidirectional?: boolean, proj_size?: number,
    device?: string | Device | null, dtype?: DType | string | null, options?: LSTMOptions);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs(args);
    const dropoutArg = a.dropout ?? 0;
    const dropoutValue = toPyFloat(dropoutArg);
    if (typeof dropoutArg !== 'number' || !(dropoutArg >= 0 && dropoutArg <= 1)) {
      throw new ValueError(messages.dropoutRange);
    }
    const numLayers = a.num_layers ?? 1;
    if (dropoutArg > 0 && numLayers === 1) warn(messages.dropoutWarning(dropoutArg, numLayers));
    const inputSize = a.input_size;
    const hiddenSize = a.hidden_size;
    const projSize = a.proj_size ?? 0;
    if (!isInt(hiddenSize)) throw new TypeError(messages.shouldBeInt('hidden_size', hiddenSize));
    if (hiddenSize <= 0) throw new ValueError(messages.hiddenSizePositive);
    if (!isInt(numLayers)) throw new TypeError(messages.shouldBeInt('num_layers', numLayers));
    if (numLayers <= 0) throw new ValueError(messages.numLayersPositive);
    if (!isInt(projSize)) throw new TypeError(messages.shouldBeInt('proj_size', projSize));
    if (projSize < 0) throw new ValueError(messages.projSizeNonNegative);
    if (projSize >= hiddenSize) throw new ValueError(messages.projSizeSmaller);
    // Torch parity: torch leaves input_size unchecked until torch.empty() fails; say it plainly.
    if (!isInt(inputSize)) throw new TypeError(messages.shouldBeInt('input_size', inputSize));
    if (inputSize < 0) throw new ValueError(messages.inputSizeNonNegative);
    this.input_size = inputSize;
    this.hidden_size = hiddenSize;
    this.num_layers = numLayers;
    this.bias = a.bias ?? true;
    this.batch_first = a.batch_first ?? false;
    this.dropout = dropoutValue;
    this.bidirectional = a.bidirectional ?? false;
    this.proj_size = projSize;
    this.dtype = resolveModuleDtype(a.dtype as DType | string | null | undefined);
    if (a.device !== null && a.device !== undefined) requireActive(a.device);
    if (this.dtype.is_complex) { assertComplexBackend(); guardComplexGradients(); }
    this.createParameters();
    this.reset_parameters();
    prepareWasmKernel(); // a browser page compiles the wasm kernel asynchronously: start now
  }

  private createParameters(): void {
    const D = this.bidirectional ? 2 : 1;
    const gate = 4 * this.hidden_size;
    const hOut = this.proj_size > 0 ? this.proj_size : this.hidden_size;
    for (let layer = 0; layer < this.num_layers; layer++) {
      for (let dir = 0; dir < D; dir++) {
        const inK = layer === 0 ? this.input_size : hOut * D;
        const sfx = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
        const shapes: [string, number[]][] = [[`weight_ih${sfx}`, [gate, inK]], [`weight_hh${sfx}`, [gate, hOut]]];
        if (this.bias) shapes.push([`bias_ih${sfx}`, [gate]], [`bias_hh${sfx}`, [gate]]);
        if (this.proj_size > 0) shapes.push([`weight_hr${sfx}`, [this.proj_size, this.hidden_size]]);
        for (const [name, shape] of shapes) {
          this.register_parameter(name, newParameter(() => tf.zeros(shape, this.dtype.tf!)));
          this._flat_weights_names.push(name);
        }
        this._all_weights.push(shapes.map(([n]) => n));
      }
    }
  }

  /**
   * Re-draws every parameter from U(-1/√hidden_size, 1/√hidden_size) with the default
   * generator, in registration order, exactly as torch's `reset_parameters`.
   */
  reset_parameters(): void {
    const stdv = 1.0 / Math.sqrt(this.hidden_size);
    for (const p of this.parameters()) uniform_(p, -stdv, stdv);
  }

  /** The parameters in torch's `_flat_weights` order (what the recurrence consumes). */
  get _flat_weights(): tf.Variable[] {
    return this._flat_weights_names.map((n) => this[n as `weight_${string}`]);
  }

  /**
   * Builds an LSTM from a state_dict (e.g. `torch.load`'s result), inferring input_size,
   * hidden_size, num_layers, bias, bidirectional and proj_size from the keys under `prefix`.
   *
   * @example
   * ```ts
   * import { torch, nn } from 'tfjs-torch';
   * const sd = await torch.load('model.pt');
   * const lstm = nn.LSTM.from_state_dict(sd, { prefix: 'lstm.', batch_first: true });
   * ```
   */
  static from_state_dict(sd: Record<string, tf.Tensor> | Map<string, tf.Tensor>, options?: LSTMFromStateDictOptions): LSTM {
    return lstmFromStateDict(sd, options);
  }

  /** torch's no-op on the CPU: kept so ported code that calls it runs. */
  flatten_parameters(): void {}

  /**
   * Runs the LSTM over `input`.
   * @param input (L, N, H_in), (N, L, H_in) with batch_first, or unbatched (L, H_in).
   * @param hx `[h_0, c_0]`; zeros when omitted.
   * @returns `[output, [h_n, c_n]]`, new tensors the caller disposes.
   */
  forward(input: tf.Tensor, hx?: Hidden | null): [tf.Tensor, [tf.Tensor, tf.Tensor]] {
    if (!(input instanceof tf.Tensor)) {
      throw new TypeError(`forward(): argument 'input' must be Tensor, not ${pyTypeName(input)}`);
    }
    if (input.rank !== 2 && input.rank !== 3) throw new ValueError(messages.inputDim(this.mode, input.rank));
    const batched = input.rank === 3;
    const batchDim = this.batch_first ? 0 : 1;
    const D = this.bidirectional ? 2 : 1;
    const hOut = this.proj_size > 0 ? this.proj_size : this.hidden_size;
    const shape3 = batched ? input.shape : insert(input.shape, batchDim, 1);
    const N = shape3[batchDim]!;
    if (hx !== undefined && hx !== null) {
      // Torch parity: a 1-tuple fails on hx[1] with Python's IndexError before any LSTM check.
      if (!Array.isArray(hx) || hx.length < 2) throw new IndexError(messages.hxCount);
      const [h, c] = hx;
      if (batched && (h.rank !== 3 || c.rank !== 3)) throw new RuntimeError(messages.hxRankBatched(h.rank, c.rank));
      if (!batched && (h.rank !== 2 || c.rank !== 2)) throw new RuntimeError(messages.hxRankUnbatched(h.rank, c.rank));
    }
    this.checkInput(input, shape3);
    const expectedH: [number, number, number] = [D * this.num_layers, N, hOut];
    const expectedC: [number, number, number] = [D * this.num_layers, N, this.hidden_size];
    if (hx) {
      const hShape = batched ? hx[0].shape : insert(hx[0].shape, 1, 1);
      const cShape = batched ? hx[1].shape : insert(hx[1].shape, 1, 1);
      if (!tf.util.arraysEqual(hShape, expectedH)) throw new RuntimeError(messages.hiddenSize(0, expectedH, hShape));
      if (!tf.util.arraysEqual(cShape, expectedC)) throw new RuntimeError(messages.hiddenSize(1, expectedC, cShape));
      // Torch parity: torch's addmm rejects a hidden state of another dtype with this text.
      if (hx[0].dtype !== this.dtype.tf || hx[1].dtype !== this.dtype.tf) throw new RuntimeError(messages.hiddenDtype);
    }
    if (shape3[this.batch_first ? 1 : 0] === 0) throw new RuntimeError(messages.seqLenZero);
    const options: LSTMFunctionalOptions = {
      has_biases: this.bias, num_layers: this.num_layers, dropout: this.dropout,
      train: this.training, bidirectional: this.bidirectional, batch_first: this.batch_first,
    };
    if (this.dtype.is_complex) return this.forwardComplex(input, hx, batched, batchDim, expectedH, expectedC, options);
    return tf.tidy(() => {
      const x = (batched ? input : tf.expandDims(input, batchDim)) as tf.Tensor3D;
      const h0 = (hx ? (batched ? hx[0] : tf.expandDims(hx[0], 1)) : tf.zeros(expectedH)) as tf.Tensor3D;
      const c0 = (hx ? (batched ? hx[1] : tf.expandDims(hx[1], 1)) : tf.zeros(expectedC)) as tf.Tensor3D;
      const [out, hN, cN] = lstmFunctional(x, [h0, c0], this._flat_weights, options);
      if (batched) return [out, [hN, cN]] as [tf.Tensor, [tf.Tensor, tf.Tensor]];
      return [tf.squeeze(out, [batchDim]), [tf.squeeze(hN, [1]), tf.squeeze(cN, [1])]] as [tf.Tensor, [tf.Tensor, tf.Tensor]];
    });
  }

  /**
   * complex64: the real and imaginary parts are split off before any reshape and stay separate
   * float32 tensors through the recurrence (tfjs's webgl and webgpu backends keep a reshaped
   * complex64 tensor's parts at their old shape, so expanding a complex tensor breaks there).
   */
  private forwardComplex(input: tf.Tensor, hx: Hidden | null | undefined, batched: boolean, batchDim: number,
    expectedH: number[], expectedC: number[], options: LSTMFunctionalOptions): [tf.Tensor, [tf.Tensor, tf.Tensor]] {
    return tf.tidy(() => {
      const expand = (z: Complex, axis: number): Complex => (batched ? z
        : { re: tf.expandDims(z.re, axis), im: tf.expandDims(z.im, axis) });
      const squeeze = (z: Complex, axis: number): Complex => (batched ? z
        : { re: tf.squeeze(z.re, [axis]), im: tf.squeeze(z.im, [axis]) });
      const x = expand(split(input), batchDim);
      const h0 = hx ? expand(split(hx[0]), 1) : complex.zeros(expectedH);
      const c0 = hx ? expand(split(hx[1]), 1) : complex.zeros(expectedC);
      const [out, hN, cN] = lstmComplex(x, [h0, c0], this._flat_weights.map(split), options);
      return [join(squeeze(out, batchDim)), [join(squeeze(hN, 1)), join(squeeze(cN, 1))]] as [tf.Tensor, [tf.Tensor, tf.Tensor]];
    });
  }

  private checkInput(input: tf.Tensor, shape3: number[]): void {
    if (input.dtype !== this.dtype.tf) {
      throw new ValueError(messages.inputType(String(this.dtype), String(fromTf(input.dtype))));
    }
    const last = shape3[2]!;
    if (last !== this.input_size) throw new RuntimeError(messages.inputSize(this.input_size, last));
  }

  override extra_repr(): string {
    let s = `${this.input_size}, ${this.hidden_size}`;
    if (this.proj_size !== 0) s += `, proj_size=${this.proj_size}`;
    if (this.num_layers !== 1) s += `, num_layers=${this.num_layers}`;
    if (this.bias !== true) s += `, bias=${pyBool(this.bias)}`;
    if (this.batch_first !== false) s += `, batch_first=${pyBool(this.batch_first)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloatRepr(this.dropout)}`;
    if (this.bidirectional !== false) s += `, bidirectional=${pyBool(this.bidirectional)}`;
    return s;
  }
}

/** complex64 tensors need the backend's Complex kernel; say so instead of tfjs's kernel error. */
function assertComplexBackend(): void {
  tf.backend(); // initialises the active backend if nothing has yet
  const backend = tf.getBackend();
  if (!tf.getKernel('Complex', backend)) {
    throw new RuntimeError(`complex64 tensors are not available on the '${backend}' tfjs backend (it has no ` +
      "'Complex' kernel): run complex64 modules on the 'cpu', 'webgl', 'webgpu' or 'tensorflow' backend");
  }
}

function pyBool(b: boolean): string { return b ? 'True' : 'False'; }

function isInt(x: unknown): x is number { return typeof x === 'number' && Number.isInteger(x); }

function insert(shape: readonly number[], at: number, value: number): number[] {
  const s = [...shape];
  s.splice(at, 0, value);
  return s;
}

/** Python's `float(x)` for the dropout argument: numbers pass, numeric strings parse. */
function toPyFloat(x: unknown): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x === 'string') {
    const v = Number(x.trim());
    if (x.trim() === '' || Number.isNaN(v)) throw new ValueError(messages.floatConversion(x));
    return v;
  }
  throw new TypeError(`float() argument must be a string or a real number, not '${pyTypeName(x)}'`);
}

interface ParsedArgs extends LSTMOptions { input_size: number; hidden_size: number }

/** Python's argument binding for `LSTM(*args, **kwargs)` (RNNBase.__init__), with its TypeErrors. */
function parseArgs(args: unknown[]): ParsedArgs {
  return bindArgs('RNNBase.__init__', POSITIONAL, 2, args) as unknown as ParsedArgs;
}
