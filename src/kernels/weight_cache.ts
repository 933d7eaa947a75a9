/**
 * Packed weights kept between forwards, least recently used first out, found by the identity of
 * what they were packed from: tfjs tensors are immutable, so the same tensor data (the cpu
 * backend's array, the wasm backend's dataId) is the same weights, while new weights
 * (load_state_dict, a changed Variable) are new data. An entry is keyed by `keys[1]` (w_hh, always
 * present) and matches only when every key is identical (`===`). `onDrop` hears of every entry
 * that leaves, so that its memory can be freed.
 */
export class WeightCache<V> {
  private readonly entries = new Map<unknown, { keys: readonly unknown[]; value: V; size: number }>();
  private total = 0;

  /** At most `maxEntries` entries and `maxSize` in all (in the unit of `add`'s size). */
  constructor(private readonly maxEntries: number, private readonly maxSize: number,
    private readonly onDrop: (value: V) => void = () => {}) {}

  /**
   * The value kept for exactly these keys, marked as just used; an entry with the same `keys[1]`
   * but other keys is stale (the caller packs and adds afresh) and is dropped now.
   */
  get(keys: readonly unknown[]): V | undefined {
    const key = keys[1];
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.keys.length !== keys.length || !hit.keys.every((k, i) => k === keys[i])) {
      this.drop(key, hit);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value;
  }

  /** Keeps `value`, dropping the least recently used entries beyond the bounds (never this one). */
  add(keys: readonly unknown[], value: V, size: number): V {
    const key = keys[1];
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    const e = { keys, value, size };
    this.entries.set(key, e);
    this.total += size;
    for (const [k, v] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.total <= this.maxSize) break;
      if (v !== e) this.drop(k, v);
    }
    return value;
  }

  /** The value kept for these keys (get), else `make`'s, kept (add); `fresh` when just made. */
  obtain(keys: readonly unknown[], make: () => { value: V; size: number }): { value: V; fresh: boolean } {
    const hit = this.get(keys);
    if (hit !== undefined) return { value: hit, fresh: false };
    const { value, size } = make();
    return { value: this.add(keys, value, size), fresh: true };
  }

  /**
   * Drops every entry whose keys `alive` rejects (its weights were disposed): their memory is
   * free for the next packing at once, instead of when the bounds push them out.
   */
  sweep(alive: (keys: readonly unknown[]) => boolean): void {
    for (const [k, e] of this.entries) if (!alive(e.keys)) this.drop(k, e);
  }

  /** Entries kept now (for tests). */
  get size(): number {
    return this.entries.size;
  }

  private drop(key: unknown, e: { value: V; size: number }): void {
    this.entries.delete(key);
    this.total -= e.size;
    this.onDrop(e.value);
  }
}
