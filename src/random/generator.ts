import { OverflowError, RuntimeError, TypeError, ValueError, messages, pyTypeName } from '../errors.js';
import { MT19937 } from './mt19937.js';

const U64 = (1n << 64n) - 1n;

/**
 * torch's seed normalisation (`unpack_uint64` in torch/csrc/Generator.cpp): a seed is taken
 * as an unsigned 64-bit value, or, when it is negative, as the two's complement of a signed
 * 64-bit value; anything outside [-2^63, 2^64) is `RuntimeError: Overflow when unpacking long`.
 * A non-integral number is truncated like Python's `int(seed)`.
 */
export function normalizeSeed(seed: number | bigint): bigint {
  let s: bigint;
  if (typeof seed === 'bigint') s = seed;
  else if (typeof seed === 'number' && Number.isFinite(seed)) s = BigInt(Math.trunc(seed));
  else if (typeof seed === 'number') {
    // Torch parity: int(float('inf')) / int(float('nan')) raise before the generator sees them.
    throw Number.isNaN(seed)
      ? new ValueError('cannot convert float NaN to integer')
      : new OverflowError('cannot convert float infinity to integer');
  } else throw new TypeError(`int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(seed)}'`);
  if (s > U64 || s < -(1n << 63n)) throw new RuntimeError(messages.seedOverflow);
  return s < 0n ? s & U64 : s;
}

/** A non-deterministic seed like torch's `getNonDeterministicRandom()`: 53 random bits. */
function entropySeed(): bigint {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return ((BigInt(words[0]!) << 32n) | BigInt(words[1]!)) & 0x1fffffffffffffn;
}

/**
 * PyTorch's CPU `torch.Generator`: an mt19937 engine plus the seed it was started from.
 *
 * @example
 * ```ts
 * import { torch } from 'tfjs-torch';
 * const g = new torch.Generator().manual_seed(42);
 * g.initial_seed();   // 42n
 * ```
 */
export class Generator {
  private seedValue: bigint;
  private engine: MT19937;
  /** torch's cached second Box-Muller value of a double normal draw (cleared on re-seeding). */
  next_double_normal_sample: number | null = null;

  /** A generator seeded like torch's default one: from entropy, unless a seed is given. */
  constructor(seed?: number | bigint) {
    this.seedValue = seed === undefined ? entropySeed() : normalizeSeed(seed);
    this.engine = new MT19937(this.seedValue);
  }

  /** Re-seeds the generator (`Generator.manual_seed`); returns it. */
  manual_seed(seed: number | bigint): this {
    this.seedValue = normalizeSeed(seed);
    this.engine = new MT19937(this.seedValue);
    this.next_double_normal_sample = null;
    return this;
  }

  /** Seeds from entropy (`Generator.seed`) and returns the new seed. */
  seed(): bigint {
    this.seedValue = entropySeed();
    this.engine = new MT19937(this.seedValue);
    this.next_double_normal_sample = null;
    return this.seedValue;
  }

  /** The seed the generator was last seeded with, as torch reports it (an unsigned 64-bit value). */
  initial_seed(): bigint { return this.seedValue; }

  /** One 32-bit draw (`CPUGeneratorImpl::random`). */
  random(): number { return this.engine.next(); }

  /** One 64-bit draw (`CPUGeneratorImpl::random64`): the first 32-bit draw is the high word. */
  random64(): bigint {
    const hi = BigInt(this.engine.next());
    const lo = BigInt(this.engine.next());
    return (hi << 32n) | lo;
  }
}

/** The process-wide default CPU generator (`torch.default_generator`). */
export const default_generator = new Generator();
