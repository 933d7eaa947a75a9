import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { load, npy, safetensors } from '../src/io/index.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const dir = `${root}fixtures/io/`;
const tmp = mkdtempSync(join(tmpdir(), 'tfjs-torch-io-write-'));
const PY = '/usr/bin/python3';
const hasTorch = existsSync(PY) && (() => {
  try { execFileSync(PY, ['-c', 'import torch'], { stdio: 'ignore' }); return true; } catch { return false; }
})();

function sameBits(a: tf.Tensor, b: tf.Tensor): void {
  expect(a.dtype).to.equal(b.dtype);
  expect(a.shape).to.deep.equal(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  const bitsOf = (v: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(v).buffer));
  expect(bitsOf(x)).to.deep.equal(bitsOf(y));
}

describe('io: writers', () => {
  it('safetensors.save / load round-trip every tfjs dtype bit for bit, with metadata', async () => {
    const before = tf.memory().numTensors;
    const src = await load(`${dir}tensors.pt`);
    src.c = tf.complex([1, -0], [Number.NaN, 2.5]);
    const bytes = safetensors.save(src, { format: 'pt' });
    const back = safetensors.load(bytes);
    expect(Object.keys(back).sort()).to.deep.equal(Object.keys(src).sort());
    for (const k of Object.keys(src)) sameBits(back[k], src[k]);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).to.equal(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
    expect(Object.keys(header)[0]).to.equal('__metadata__');
    expect(header.__metadata__).to.deep.equal({ format: 'pt' });
    // Rust crate layout: dtype rank descending (C64 > F32 > I32 > BOOL), then name.
    const order = Object.keys(header).slice(1);
    const rank = (k: string) => ['BOOL', 'I32', 'F32', 'C64'].indexOf((header[k] as { dtype: string }).dtype);
    expect(order).to.deep.equal([...order].sort((a, b) => rank(b) - rank(a) || (a < b ? -1 : 1)));
    tf.dispose([...Object.values(src), ...Object.values(back)]);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('safetensors.save_file writes the file and returns the bytes', async () => {
    const path = join(tmp, 'w.safetensors');
    const t = { w: tf.tensor2d([[1, 2], [3, 4]]) };
    const bytes = await safetensors.save_file(t, path);
    expect(new Uint8Array(readFileSync(path))).to.deep.equal(bytes);
    const back = await safetensors.load_file(path);
    sameBits(back.w, t.w);
    tf.dispose([t.w, back.w]);
  });

  it('safetensors.save rejects dtypes it cannot write', () => {
    const s = tf.tensor(['a']);
    expect(() => safetensors.save({ s })).to.throw(/cannot save tensor 's' of dtype string/);
    s.dispose();
  });

  (hasTorch ? it : it.skip)('a safetensors file written here reads back in Python bit for bit', async () => {
    for (const file of ['tensors.pt', 'lstm_proj_bidir.pt', 'lstm_complex64_legacy.pt']) {
      const sd = await load(`${dir}${file}`);
      const path = join(tmp, `${file}.safetensors`);
      await safetensors.save_file(sd, path);
      tf.dispose(Object.values(sd));
      const out = execFileSync(PY, [`${root}compat/check_safetensors_roundtrip.py`, path, `${dir}${file}`],
        { encoding: 'utf8' });
      expect(out).to.match(/^OK: /);
    }
  });

  it('npy.encode writes the same bytes numpy.save does', async () => {
    for (const f of ['f4.npy', 'i4.npy', 'b1.npy', 'c8.npy', 'scalar.npy']) {
      const bytes = new Uint8Array(readFileSync(`${dir}${f}`));
      const t = await npy.load(bytes);
      expect(Buffer.from(npy.encode(t)).equals(Buffer.from(bytes)), f).to.equal(true);
      t.dispose();
    }
  });

  it('npy.save writes the file; npy round-trips every tfjs dtype', async () => {
    const path = join(tmp, 'x.npy');
    const xs = [tf.randomNormal([3, 4, 2]), tf.tensor([1, -5, 2 ** 31 - 1], [3], 'int32'),
      tf.tensor([true, false], [2, 1], 'bool'), tf.complex([1, 2], [3, 4]), tf.zeros([0, 5])];
    for (const x of xs) {
      await npy.save(x, path);
      const back = await npy.load(path);
      sameBits(back, x);
      tf.dispose([x, back]);
    }
  });
});
