/**
 * The 32-bit Mersenne Twister exactly as PyTorch's CPU generator runs it
 * (`aten/src/ATen/core/MT19937RNGEngine.h`): seeded with the low 32 bits of a 64-bit seed,
 * tempered outputs, state twisted lazily on the first draw.
 *
 * @example
 * ```ts
 * const mt = new MT19937(42n);
 * mt.next();   // 1608637542, the first value of std::mt19937(42)
 * ```
 */
export class MT19937 {
  private static readonly N = 624;
  private static readonly M = 397;
  private readonly state = new Uint32Array(MT19937.N);
  private left = 1;
  private nextIndex = 0;

  /** @param seed a 64-bit seed; torch keeps only `seed & 0xffffffff` in the state. */
  constructor(seed: bigint) {
    const s = this.state;
    s[0] = Number(seed & 0xffffffffn);
    for (let j = 1; j < MT19937.N; j++) {
      const prev = s[j - 1]!;
      s[j] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + j) >>> 0;
    }
  }

  /** The next tempered 32-bit output, as an unsigned integer. */
  next(): number {
    if (--this.left === 0) this.twist();
    let y = this.state[this.nextIndex++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const { N, M } = MT19937;
    const s = this.state;
    this.left = N;
    this.nextIndex = 0;
    const mix = (u: number, v: number) => {
      const y = (u & 0x80000000) | (v & 0x7fffffff);
      return (y >>> 1) ^ ((v & 1) !== 0 ? 0x9908b0df : 0);
    };
    let k = 0;
    for (; k < N - M; k++) s[k] = s[k + M]! ^ mix(s[k]!, s[k + 1]!);
    for (; k < N - 1; k++) s[k] = s[k + M - N]! ^ mix(s[k]!, s[k + 1]!);
    s[N - 1] = s[M - 1]! ^ mix(s[N - 1]!, s[0]!);
  }
}
