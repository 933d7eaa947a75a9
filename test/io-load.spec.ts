import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { unzipSync } from 'fflate';
import { load, loadBytes, npy, safetensors } from '../src/io/index.js';
import { crc32 } from '../src/io/zip.js';
import * as nn from '../src/nn/index.js';

interface Expected { shape: number[]; dtype: string; data: (number | string)[] }
const dir = fileURLToPath(new URL('../fixtures/io/', import.meta.url));
const expectedAll = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as
  Record<string, Record<string, Expected>>;

const num = (v: number | string): number =>
  v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : (v as number);

/** Bit-for-bit comparison (any NaN matches any NaN). */
export function expectBits(actual: tf.Tensor, exp: Expected, what: string): void {
  expect(actual.dtype, `${what} dtype`).to.equal(exp.dtype);
  expect(actual.shape, `${what} shape`).to.deep.equal(exp.shape);
  const got = actual.dataSync();
  if (exp.dtype === 'float32' || exp.dtype === 'complex64') {
    const want = new Float32Array(exp.data.map(num));
    const g = new Uint32Array(Float32Array.from(got as Float32Array).buffer);
    const w = new Uint32Array(want.buffer);
    expect(g.length, `${what} length`).to.equal(w.length);
    for (let i = 0; i < w.length; i++) {
      if (Number.isNaN(want[i]) && Number.isNaN(got[i])) continue;
      if (g[i] !== w[i]) expect.fail(`${what}[${i}]: got ${got[i]} (0x${g[i].toString(16)}), want ${want[i]} (0x${w[i].toString(16)})`);
    }
  } else {
    expect(Array.from(got as Int32Array | Uint8Array), what).to.deep.equal(exp.data);
  }
}

/** The expected key order: the state_dict's, or for safetensors the header's (laid out by dtype, name). */
function fileOrder(file: string, tensors: Record<string, Expected>): string[] {
  if (!file.endsWith('.safetensors')) return Object.keys(tensors);
  const bytes = readFileSync(`${dir}${file}`);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
  const keys = Object.keys(header).filter((k) => k !== '__metadata__');
  expect([...keys].sort()).to.deep.equal(Object.keys(tensors).sort());
  return keys;
}

/** Re-packs zip entries as a stored zip64 archive (every size and offset in zip64 extra fields). */
function zip64(files: Record<string, Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let at = 0;
  const rec = (n: number, fill: (dv: DataView, b: Uint8Array) => void): Uint8Array => {
    const b = new Uint8Array(n);
    fill(new DataView(b.buffer), b);
    return b;
  };
  for (const [name, data] of Object.entries(files)) {
    const nm = new TextEncoder().encode(name);
    const local = rec(30 + nm.length + 20, (dv, b) => {
      dv.setUint32(0, 0x04034b50, true); dv.setUint16(4, 45, true); dv.setUint32(14, crc32(data), true);
      dv.setUint32(18, 0xffffffff, true); dv.setUint32(22, 0xffffffff, true);
      dv.setUint16(26, nm.length, true); dv.setUint16(28, 20, true); b.set(nm, 30);
      const e = 30 + nm.length;
      dv.setUint16(e, 1, true); dv.setUint16(e + 2, 16, true);
      dv.setBigUint64(e + 4, BigInt(data.length), true); dv.setBigUint64(e + 12, BigInt(data.length), true);
    });
    central.push(rec(46 + nm.length + 28, (dv, b) => {
      dv.setUint32(0, 0x02014b50, true); dv.setUint16(4, 45, true); dv.setUint16(6, 45, true);
      dv.setUint32(16, crc32(data), true);
      dv.setUint32(20, 0xffffffff, true); dv.setUint32(24, 0xffffffff, true);
      dv.setUint16(28, nm.length, true); dv.setUint16(30, 28, true); dv.setUint32(42, 0xffffffff, true);
      b.set(nm, 46);
      const e = 46 + nm.length;
      dv.setUint16(e, 1, true); dv.setUint16(e + 2, 24, true);
      dv.setBigUint64(e + 4, BigInt(data.length), true); dv.setBigUint64(e + 12, BigInt(data.length), true);
      dv.setBigUint64(e + 20, BigInt(at), true);
    }));
    parts.push(local, data);
    at += local.length + data.length;
  }
  const cdSize = central.reduce((a, c) => a + c.length, 0);
  const count = central.length;
  const end = rec(56 + 20 + 22, (dv) => {
    dv.setUint32(0, 0x06064b50, true); dv.setBigUint64(4, 44n, true);
    dv.setBigUint64(24, BigInt(count), true); dv.setBigUint64(32, BigInt(count), true);
    dv.setBigUint64(40, BigInt(cdSize), true); dv.setBigUint64(48, BigInt(at), true);
    dv.setUint32(56, 0x07064b50, true); dv.setBigUint64(64, BigInt(at + cdSize), true); dv.setUint32(72, 1, true);
    dv.setUint32(76, 0x06054b50, true); dv.setUint16(84, 0xffff, true); dv.setUint16(86, 0xffff, true);
    dv.setUint32(88, 0xffffffff, true); dv.setUint32(92, 0xffffffff, true);
  });
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((a, c) => a + c.length, 0));
  let p = 0;
  for (const c of all) { out.set(c, p); p += c.length; }
  return out;
}

describe('io: fixtures written by torch 1.13 / numpy load bit for bit', () => {
  for (const [file, tensors] of Object.entries(expectedAll)) {
    it(file, async () => {
      const path = `${dir}${file}`;
      if (file.endsWith('.npy')) {
        const t = await npy.load(path);
        expectBits(t, tensors.array, file);
        t.dispose();
        return;
      }
      const sd = file.endsWith('.safetensors') ? await safetensors.load_file(path) : await load(path);
      expect(Object.keys(sd), 'keys in file order').to.deep.equal(fileOrder(file, tensors));
      for (const [k, exp] of Object.entries(tensors)) expectBits(sd[k], exp, `${file}:${k}`);
      tf.dispose(Object.values(sd));
    });
  }

  it('load() also reads safetensors and in-memory bytes / ArrayBuffers', async () => {
    const bytes = readFileSync(`${dir}lstm_basic.safetensors`);
    const a = await load(new Uint8Array(bytes));
    const pt = readFileSync(`${dir}lstm_basic.pt`);
    const b = await load(pt.buffer.slice(pt.byteOffset, pt.byteOffset + pt.byteLength));
    for (const k of Object.keys(expectedAll['lstm_basic.pt'])) {
      expectBits(a[k], expectedAll['lstm_basic.pt'][k], `st:${k}`);
      expectBits(b[k], expectedAll['lstm_basic.pt'][k], `ab:${k}`);
    }
    tf.dispose([...Object.values(a), ...Object.values(b)]);
  });

  it('zip64 archives (sizes and offsets in zip64 extra fields) load', async () => {
    const sd = await load(zip64(unzipSync(new Uint8Array(readFileSync(`${dir}tensors.pt`)))));
    for (const [k, exp] of Object.entries(expectedAll['tensors.pt'])) expectBits(sd[k], exp, `zip64:${k}`);
    tf.dispose(Object.values(sd));
  });

  it('a loaded state_dict loads into nn.LSTM', async () => {
    const sd = await load(`${dir}lstm_proj_bidir.pt`);
    const lstm = new nn.LSTM(3, 4, { proj_size: 2, bidirectional: true, batch_first: true });
    lstm.load_state_dict(sd);
    for (const [k, p] of lstm.named_parameters()) expect(Array.from(p.dataSync()), k).to.deep.equal(Array.from(sd[k]!.dataSync()));
    tf.dispose(Object.values(sd));
    lstm.dispose();
  });

  it('disposing the loaded tensors leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    for (const file of ['tensors.pt', 'tensors_legacy.pt', 'tensors_deflated.pt', 'tensors.safetensors',
      'lstm_complex64.pt', 'lstm_complex64_legacy.pt']) {
      tf.dispose(Object.values(await load(`${dir}${file}`)));
    }
    tf.dispose(await npy.load(`${dir}c8.npy`));
    tf.dispose(Object.values(loadBytes(readFileSync(`${dir}lstm_basic.pt`))));
    expect(tf.memory().numTensors).to.equal(before);
  });
});
