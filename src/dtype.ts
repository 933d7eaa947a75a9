import { ValueError, messages } from './errors.js';

/** The tfjs dtypes this library maps torch dtypes onto. */
export type TfDType = 'float32' | 'complex64' | 'int32' | 'bool';

/**
 * A torch dtype (`torch.float32`, `torch.complex64`, ...). Prints as torch does.
 *
 * @example
 * ```ts
 * import { torch } from 'tfjs-torch';
 * String(torch.float32);            // 'torch.float32'
 * torch.complex64.is_complex;       // true
 * ```
 */
export class dtype {
  /** @param name torch's name without the `torch.` prefix, e.g. `'float32'`. */
  constructor(
    readonly name: string,
    /** The tfjs dtype tensors of this torch dtype are stored as, or null when tfjs has none. */
    readonly tf: TfDType | null,
    /** Whether the dtype is a complex type (`torch.complex64`). */
    readonly is_complex: boolean,
    /** Whether the dtype is a floating point type. */
    readonly is_floating_point: boolean,
  ) {}

  /** torch's repr, e.g. `torch.float32`. */
  toString(): string { return `torch.${this.name}`; }
}

export const float32 = new dtype('float32', 'float32', false, true);
export const float64 = new dtype('float64', null, false, true);
export const float16 = new dtype('float16', null, false, true);
export const bfloat16 = new dtype('bfloat16', null, false, true);
export const complex64 = new dtype('complex64', 'complex64', true, false);
export const complex128 = new dtype('complex128', null, true, false);
export const int32 = new dtype('int32', 'int32', false, false);
export const int64 = new dtype('int64', null, false, false);
export const bool = new dtype('bool', 'bool', false, false);

/** Aliases torch accepts (`torch.float`, `torch.cfloat`, ...). */
export const float = float32;
export const double = float64;
export const cfloat = complex64;
export const half = float16;
export const long = int64;
export const int = int32;

/** The torch dtype of a tfjs dtype, as torch names it in its messages. */
export function fromTf(tfDtype: string): dtype {
  switch (tfDtype) {
    case 'float32': return float32;
    case 'complex64': return complex64;
    case 'int32': return int32;
    case 'bool': return bool;
    default: return new dtype(tfDtype, null, false, false);
  }
}

/**
 * Resolves a module's `dtype` argument (`null`/`undefined` means torch's default, float32).
 * Throws for dtypes TensorFlow.js cannot hold.
 */
export function resolveModuleDtype(d: dtype | string | null | undefined): dtype {
  if (d === null || d === undefined) return float32;
  const resolved = typeof d === 'string' ? byName(d) : d;
  if (resolved === float64) throw new ValueError(messages.float64Unsupported);
  if (resolved !== float32 && resolved !== complex64) {
    throw new ValueError(
      `dtype ${String(resolved)} is not supported for recurrent modules: use torch.float32 or torch.complex64`);
  }
  return resolved;
}

function byName(name: string): dtype {
  const n = name.startsWith('torch.') ? name.slice(6) : name;
  const table: Record<string, dtype> = {
    float32, float: float32, float64, double: float64, complex64, cfloat: complex64, complex128,
    float16, half: float16, bfloat16, int32, int: int32, int64, long: int64, bool,
  };
  const found = table[n];
  if (!found) throw new ValueError(`unknown dtype '${name}'`);
  return found;
}
