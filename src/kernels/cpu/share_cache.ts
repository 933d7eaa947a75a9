import { packThreadShare, type Share } from './lstm_steps.js';
import { WeightCache } from '../weight_cache.js';

/** The weight arrays a share was packed from: w_ih, w_hh, b_ih, b_hh, w_hr (null where absent). */
export type WeightArrays = readonly (Float32Array | null)[];

/** A cached share and the id the worker threads know its packed copies by. */
export interface CachedShare {
  id: number;
  share: Share;
}

/**
 * Packed shares kept between forwards (a WeightCache keyed by the weight arrays and the thread
 * count; the cpu backend hands out the same array for the same tensor data). Each entry gets an
 * id the worker threads know its packed copies by; `onDrop` hears of every id that leaves, so
 * that the threads can drop their copies.
 */
export class ShareCache {
  private readonly cache: WeightCache<CachedShare>;
  private nextId = 1;

  constructor(maxEntries: number, maxDoubles: number, onDrop: (id: number) => void = () => {}) {
    this.cache = new WeightCache(maxEntries, maxDoubles, (e) => onDrop(e.id));
  }

  /**
   * The entry for these arrays and thread count, marked as just used; else the caller's share
   * (share 0 of `threads`) packed now and kept, dropping the least recently used beyond the
   * bounds (`fresh`: the workers must pack theirs too).
   */
  obtain(arrays: WeightArrays, threads: number, I: number, H: number, P: number): { entry: CachedShare; fresh: boolean } {
    const { value, fresh } = this.cache.obtain([...arrays, threads], () => {
      const [wIh, wHh, bIh, bHh, wHr] = arrays;
      const share = packThreadShare(wIh ?? null, wHh!, bIh ?? null, bHh ?? null, wHr ?? null, I, H, P, 0, threads);
      return { value: { id: this.nextId++, share }, size: shareDoubles(share) * threads };
    });
    return { entry: value, fresh };
  }

  /** Drops the entries whose keys (the weight arrays, then the thread count) `alive` rejects (WeightCache.sweep). */
  sweep(alive: (keys: readonly unknown[]) => boolean): void {
    this.cache.sweep(alive);
  }

  /** Entries kept now (for tests). */
  get size(): number {
    return this.cache.size;
  }
}

/** Doubles a share holds. */
function shareDoubles(s: Share): number {
  return s.wih.length + s.whh.length + (s.whr?.length ?? 0) + s.bih.length + s.bhh.length;
}
