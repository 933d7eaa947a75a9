import type { Share } from './lstm_steps.js';

/** The weight arrays a share was packed from: w_ih, w_hh, b_ih, b_hh, w_hr (null where absent). */
export type WeightArrays = readonly (Float32Array | null)[];

/** A cached share and the id the worker threads know its packed copies by. */
export interface CachedShare {
  arrays: WeightArrays;
  threads: number;
  id: number;
  share: Share;
  doubles: number;
}

/**
 * Packed shares kept between forwards (least recently used first out), found by the identity of
 * the weight arrays: tfjs tensors are immutable and the cpu backend hands out the same array for
 * the same tensor data, while new weights (load_state_dict, a changed Variable) are new data.
 * `onDrop` hears of every entry that leaves, so that worker threads can drop their copies.
 */
export class ShareCache {
  private readonly entries = new Map<Float32Array, CachedShare>();
  private total = 0;
  private nextId = 1;

  constructor(private readonly maxEntries: number, private readonly maxDoubles: number,
    private readonly onDrop: (id: number) => void = () => {}) {}

  /** The entry packed from exactly these arrays for this many threads, marked as just used. */
  get(arrays: WeightArrays, threads: number): CachedShare | undefined {
    const key = arrays[1]!;
    const hit = this.entries.get(key);
    if (!hit || hit.threads !== threads || !hit.arrays.every((a, i) => a === arrays[i])) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  /** Keeps a share (`doubles`: its size over all threads), dropping the least recently used beyond the bounds. */
  add(arrays: WeightArrays, threads: number, share: Share, doubles: number): CachedShare {
    const key = arrays[1]!;
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    const e: CachedShare = { arrays, threads, id: this.nextId++, share, doubles };
    this.entries.set(key, e);
    this.total += doubles;
    for (const [k, v] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.total <= this.maxDoubles) break;
      if (v !== e) this.drop(k, v);
    }
    return e;
  }

  /** Entries kept now (for tests). */
  get size(): number {
    return this.entries.size;
  }

  private drop(key: Float32Array, e: CachedShare): void {
    this.entries.delete(key);
    this.total -= e.doubles;
    this.onDrop(e.id);
  }
}

/** Doubles a share holds. */
export function shareDoubles(s: Share): number {
  return s.wih.length + s.whh.length + (s.whr?.length ?? 0) + s.bih.length + s.bhh.length;
}
