import { expect } from 'chai';
import { WeightCache } from '../src/kernels/weight_cache.js';

describe('WeightCache: packed weights kept by the identity of what they were packed from', () => {
  const w = (name: string) => ({ name }); // stand-ins for weight arrays / dataIds: compared by identity
  const [ih, hh1, hh2, hh3, b] = ['ih', 'hh1', 'hh2', 'hh3', 'b'].map(w);

  it('finds an entry only when every key is the identical object, and marks it as just used', () => {
    const dropped: string[] = [];
    const c = new WeightCache<string>(2, 100, (v) => dropped.push(v));
    c.add([ih, hh1, null], 'one', 1);
    c.add([ih, hh2, null], 'two', 1);
    expect(c.get([ih, hh1, null])).to.equal('one'); // 'one' is now the most recently used
    expect(c.get([w('ih'), hh2, null])).to.equal(undefined); // equal content, other object: stale
    expect(dropped).to.deep.equal(['two']); // a stale entry with the same w_hh is dropped at once
    expect(c.size).to.equal(1);
    c.add([ih, hh2, null], 'two again', 1);
    c.add([ih, hh3, null], 'three', 1); // over 2 entries: the least recently used ('one') leaves
    expect(dropped).to.deep.equal(['two', 'one']);
    expect(c.get([ih, hh1, null])).to.equal(undefined);
    expect(c.get([ih, hh3, null])).to.equal('three');
  });

  it('keeps the total size within its bound, never dropping the entry just added', () => {
    const dropped: string[] = [];
    const c = new WeightCache<string>(10, 5, (v) => dropped.push(v));
    c.add([ih, hh1], 'a', 2);
    c.add([ih, hh2], 'b', 2);
    c.add([ih, hh3], 'c', 2); // 6 > 5: 'a' leaves
    expect(dropped).to.deep.equal(['a']);
    c.add([b, hh1], 'big', 9); // alone over the bound: every other entry leaves, it stays
    expect(dropped).to.deep.equal(['a', 'b', 'c']);
    expect(c.get([b, hh1])).to.equal('big');
    c.add([b, hh1], 'replaced', 1); // the same w_hh: the old entry leaves
    expect(dropped).to.deep.equal(['a', 'b', 'c', 'big']);
    expect(c.size).to.equal(1);
  });

  it('obtain: the kept value, else the one made now (made once, and said to be fresh)', () => {
    const c = new WeightCache<string>(4, 100);
    let made = 0;
    const make = () => ({ value: `v${++made}`, size: 1 });
    expect(c.obtain([ih, hh1], make)).to.deep.equal({ value: 'v1', fresh: true });
    expect(c.obtain([ih, hh1], make)).to.deep.equal({ value: 'v1', fresh: false });
    expect(c.obtain([b, hh1], make)).to.deep.equal({ value: 'v2', fresh: true }); // another w_ih: packed again
    expect(made).to.equal(2);
    expect(c.size).to.equal(1);
  });

  it('sweep drops exactly the entries whose keys are no longer alive, telling onDrop of each', () => {
    const dropped: string[] = [];
    const c = new WeightCache<string>(10, 100, (v) => dropped.push(v));
    c.add([ih, hh1, null], 'one', 1);
    c.add([ih, hh2, b], 'two', 1);
    c.add([b, hh3, null], 'three', 1);
    const gone = new Set<unknown>([b]); // b's tensor disposed: every entry that names it goes
    c.sweep((keys) => keys.every((k) => !gone.has(k)));
    expect(dropped).to.deep.equal(['two', 'three']);
    expect(c.size).to.equal(1);
    expect(c.get([ih, hh1, null])).to.equal('one');
    c.sweep(() => true);
    expect(c.size).to.equal(1);
  });
});
