import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { unzipSync, zipSync } from 'fflate';
import { load, npy, safetensors } from '../src/io/index.js';

const dir = fileURLToPath(new URL('../fixtures/io/', import.meta.url));
const fixture = (f: string): Uint8Array => new Uint8Array(readFileSync(`${dir}${f}`));
const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const tmp = mkdtempSync(join(tmpdir(), 'tfjs-torch-io-'));

/** Expects `fn` to reject with an error of class `name` whose message contains every part. */
async function rejects(fn: () => Promise<unknown>, name: string, ...parts: string[]): Promise<Error> {
  const before = tf.memory().numTensors;
  let err: Error | undefined;
  try {
    await fn();
  } catch (e) {
    err = e as Error;
  }
  if (!err) return expect.fail('expected an error');
  expect(err.name, err.stack).to.equal(name);
  for (const p of parts) expect(err.message).to.include(p);
  expect(tf.memory().numTensors, 'no tensors leak on error').to.equal(before);
  return err;
}

/** A torch-style zip whose data.pkl is the given pickle, plus extra entries. */
function zipWith(pickle: Uint8Array, extra: Record<string, Uint8Array> = {}): Uint8Array {
  return zipSync({ 'archive/data.pkl': pickle, ...extra }, { level: 0 });
}

/** Rewrites one entry of a fixture archive. */
function patchZip(file: string, edit: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(fixture(file));
  edit(files);
  return zipSync(files, { level: 0 });
}

/** The offset of the first central-directory record of a zip. */
function centralRecord(bytes: Uint8Array): number {
  for (let i = bytes.length - 22; i >= 0; i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 5 && bytes[i + 3] === 6) {
      return new DataView(bytes.buffer, bytes.byteOffset).getUint32(i + 16, true);
    }
  }
  throw new Error('no EOCD');
}

/** safetensors bytes from a header object and a data length. */
function st(header: unknown, dataLen: number, claimedLen?: bigint): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + dataLen);
  new DataView(out.buffer).setBigUint64(0, claimedLen ?? BigInt(h.length), true);
  out.set(h, 8);
  return out;
}

function npyBytes(header: string, dataLen: number, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const out = new Uint8Array(pre + header.length + dataLen);
  out.set(latin1('\x93NUMPY'), 0);
  out[6] = version;
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, header.length, true); else dv.setUint32(8, header.length, true);
  out.set(latin1(header), pre);
  return out;
}

describe('io: bad input gives a named error, never a crash, hang or huge allocation', () => {
  describe('torch.load formats', () => {
    it('a truncated zip names the file (path) and the missing central directory', async () => {
      const path = join(tmp, 'truncated.pt');
      const bytes = fixture('lstm_basic.pt');
      writeFileSync(path, bytes.subarray(0, bytes.length >> 1));
      await rejects(() => load(path), 'RuntimeError', path, 'failed finding central directory');
    });
    it('in-memory input is named "bytes" (or options.name)', async () => {
      const half = fixture('lstm_basic.pt').subarray(0, 1000);
      await rejects(() => load(half), 'RuntimeError', 'bytes: PytorchStreamReader failed reading zip archive');
      await rejects(() => load(half, { name: 'upload.pt' }), 'RuntimeError', 'upload.pt: ');
    });
    it('wrong magic / empty / npy / missing file', async () => {
      await rejects(() => load(latin1('hello world, not a checkpoint')), 'RuntimeError', 'bytes: not a torch.save file');
      await rejects(() => load(new Uint8Array(0)), 'RuntimeError', 'bytes: the file is empty');
      await rejects(() => load(fixture('f4.npy')), 'RuntimeError', 'use npy.load');
      await rejects(() => load(join(tmp, 'nope.pt')), 'RuntimeError', 'nope.pt: cannot read file');
    });
    it('a zip without data.pkl', async () => {
      await rejects(() => load(zipSync({ 'archive/version': latin1('3\n') })), 'RuntimeError',
        'bytes: PytorchStreamReader failed locating file data.pkl: file not found');
    });
    it('a zip whose data.pkl names a storage that is not in the archive', async () => {
      const bytes = patchZip('lstm_basic.pt', (f) => { delete f['lstm_basic/data/0']; });
      await rejects(() => load(bytes), 'RuntimeError', 'failed locating file data/0');
    });
    it('a zip whose directory points past the end, or whose deflated entry lies about its size', async () => {
      const bytes = fixture('tensors.pt').slice();
      const dv = new DataView(bytes.buffer);
      const cd = centralRecord(bytes);
      dv.setUint32(cd + 42, 0x7fffffff, true); // local header offset
      await rejects(() => load(bytes), 'RuntimeError', 'invalid local header');
      const deflated = fixture('tensors_deflated.pt').slice();
      const cd2 = centralRecord(deflated);
      new DataView(deflated.buffer).setUint32(cd2 + 24, 0xfffffff0, true); // uncompressed size: 4 GiB
      await rejects(() => load(deflated), 'RuntimeError', 'claims 4294967280 bytes');
    });
    it('a flipped byte in a stored entry fails its CRC-32', async () => {
      const bytes = fixture('lstm_basic.pt').slice();
      const data0 = unzipSync(fixture('lstm_basic.pt'))['lstm_basic/data/0'];
      const at = Buffer.from(bytes).indexOf(Buffer.from(data0));
      bytes[at + 5] ^= 0xff;
      await rejects(() => load(bytes), 'RuntimeError', 'CRC-32 mismatch in lstm_basic/data/');
    });
    it('a storage shorter than its tensor needs (zip)', async () => {
      const bytes = patchZip('lstm_basic.pt', (f) => { f['lstm_basic/data/0'] = f['lstm_basic/data/0'].subarray(0, 8); });
      await rejects(() => load(bytes), 'RuntimeError', "tensor 'weight_ih_l0'", 'out of bounds for storage of size 8');
    });
    it('a truncated legacy file', async () => {
      const bytes = fixture('tensors_legacy.pt');
      await rejects(() => load(bytes.subarray(0, bytes.length - 10)), 'RuntimeError', 'bytes: storage', '(file truncated)');
      await rejects(() => load(bytes.subarray(0, 40)), 'UnpicklingError', 'pickle data was truncated');
    });
    it('a legacy file with the wrong magic number or protocol version', async () => {
      await rejects(() => load(latin1('\x80\x02K\x05.')), 'RuntimeError', 'Invalid magic number; corrupt file?');
      const magic = fixture('lstm_basic_legacy.pt').subarray(0, 15);
      const proto = latin1('\x80\x02M\xe8\x03.'); // 1000
      await rejects(() => load(new Uint8Array([...magic, ...proto])), 'RuntimeError', 'Invalid protocol version: 1000');
    });
    it('a stride-0 view of a billion elements is refused, not allocated', async () => {
      await rejects(() => load(`${dir}expanded_huge.pt`), 'RuntimeError', "tensor 'huge'",
        '1000000000 elements from a storage of 1');
    });
    it('int64 values outside int32 name the tensor', async () => {
      await rejects(() => load(`${dir}int64_overflow.pt`), 'ValueError', 'int64_overflow.pt', "tensor 'big'",
        'int64 value 1099511627776 does not fit in int32');
    });
  });

  describe('the weights_only unpickler', () => {
    const wo = 'Weights only load failed. WeightsUnpickler error: ';
    it('rejects a global outside the allow-list (torch.save of a Counter)', async () => {
      await rejects(() => load(`${dir}unsafe_global.pt`), 'UnpicklingError', `unsafe_global.pt: ${wo}`,
        'Unsupported global: GLOBAL collections.Counter was not an allowed global by default.');
    });
    it('rejects os.system before anything runs, in zip and legacy files', async () => {
      const evil = latin1('\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03.');
      await rejects(() => load(evil), 'UnpicklingError', 'GLOBAL os.system was not an allowed global');
      await rejects(() => load(zipWith(evil)), 'UnpicklingError', 'GLOBAL os.system');
      const stack = latin1('\x80\x04\x8c\x08builtins\x8c\x04eval\x93.');
      await rejects(() => load(zipWith(stack)), 'UnpicklingError', 'GLOBAL builtins.eval');
    });
    it('rejects REDUCE of a non-function, NEWOBJ of other classes, BUILD of other objects', async () => {
      await rejects(() => load(zipWith(latin1('\x80\x02ctorch\nFloatStorage\n)R.'))), 'UnpicklingError',
        'Trying to call reduce for unrecognized function torch.FloatStorage');
      await rejects(() => load(zipWith(latin1('\x80\x02ccollections\nOrderedDict\n)\x81.'))), 'UnpicklingError',
        'Trying to instantiate unsupported class collections.OrderedDict');
      await rejects(() => load(zipWith(latin1('\x80\x02]}b.'))), 'UnpicklingError',
        "Can only build Tensor, Parameter, OrderedDict or types allowlisted via add_safe_globals, but got <class 'list'>");
    });
    it('rejects opcodes outside the allow-list and non-storage persistent ids', async () => {
      await rejects(() => load(zipWith(latin1('\x80\x02(i__builtin__\nobject\n.'))), 'UnpicklingError', 'Unsupported operand 105');
      await rejects(() => load(zipWith(latin1("\x80\x02X\x03\x00\x00\x00abc\x85Q."))), 'UnpicklingError',
        'Only persistent_load of storage is allowed, but got abc');
    });
    it('corrupt pickles: underflow, missing memo, lying lengths, bad protocol', async () => {
      await rejects(() => load(zipWith(latin1('\x80\x02R.'))), 'UnpicklingError', 'unpickling stack underflow');
      await rejects(() => load(zipWith(latin1('\x80\x02h\x07.'))), 'UnpicklingError', 'Memo value not found at index 7');
      await rejects(() => load(zipWith(latin1('\x80\x02X\xff\xff\xff\xff.'))), 'UnpicklingError', 'pickle data was truncated');
      await rejects(() => load(zipWith(latin1('\x80\x02\x8b\xff\xff\xff\x7f.'))), 'UnpicklingError', 'too long');
      await rejects(() => load(zipWith(latin1('\x80\x09.'))), 'UnpicklingError', 'unsupported pickle protocol: 9');
      await rejects(() => load(zipWith(latin1('\x80\x02K\x01'))), 'UnpicklingError', 'pickle data was truncated');
    });
    it('a pickle that is not a dict of tensors', async () => {
      await rejects(() => load(zipWith(latin1('\x80\x02K\x01.'))), 'RuntimeError', 'expected a state_dict');
      await rejects(() => load(zipWith(latin1('\x80\x02}X\x01\x00\x00\x00aK\x01s.'))), 'RuntimeError',
        "state_dict entry 'a' is not a tensor");
    });
  });

  describe('safetensors', () => {
    const f32 = (begin: number, end: number, shape = [2]) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });
    it('a header longer than the file', async () => {
      await rejects(() => safetensors.load_file(st({ a: f32(0, 8) }, 8, 10_000n)), 'RuntimeError',
        'bytes: safetensors: InvalidHeaderLength');
    });
    it('a header claiming terabytes is refused before any allocation', async () => {
      await rejects(() => safetensors.load_file(st({}, 0, 1n << 42n)), 'RuntimeError', 'HeaderTooLarge');
      await rejects(() => load(st({}, 0, 1n << 42n)), 'RuntimeError', 'HeaderTooLarge');
    });
    it('overlapping offsets, gaps, size mismatches and trailing data', async () => {
      await rejects(() => safetensors.load_file(st({ a: f32(0, 8), b: f32(4, 12) }, 12)), 'RuntimeError',
        "InvalidOffset: tensor 'b' starts at 4, expected 8");
      await rejects(() => safetensors.load_file(st({ a: f32(8, 16) }, 16)), 'RuntimeError', "InvalidOffset: tensor 'a'");
      await rejects(() => safetensors.load_file(st({ a: f32(0, 12) }, 12)), 'RuntimeError', "TensorInvalidInfo: tensor 'a'");
      await rejects(() => safetensors.load_file(st({ a: f32(0, 8) }, 16)), 'RuntimeError', 'MetadataIncompleteBuffer');
    });
    it('bad JSON, dtypes and shapes; a too-short file', async () => {
      const bad = st({}, 0);
      bad[9] = 0x7b; // '{{'
      await rejects(() => safetensors.load_file(bad), 'RuntimeError', 'InvalidHeader');
      await rejects(() => safetensors.load_file(st({ a: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, 1)),
        'RuntimeError', "tensor 'a' has unsupported dtype");
      await rejects(() => safetensors.load_file(st({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4)),
        'RuntimeError', "tensor 'a' needs a shape");
      await rejects(() => safetensors.load_file(new Uint8Array(5)), 'RuntimeError', 'HeaderTooSmall');
    });
  });

  describe('npy', () => {
    const h = (s: string) => `{'descr': '<f4', 'fortran_order': False, 'shape': ${s}, }\n`;
    it('a shape that needs more data than the file has', async () => {
      await rejects(() => npy.load(npyBytes(h('(1000, 1000)'), 16)), 'ValueError',
        'bytes: EOF: reading array data, expected 4000000 bytes got 16');
      await rejects(() => npy.load(npyBytes(h('(1000000000, 1000000000, 1000000000)'), 16)), 'ValueError', 'EOF');
    });
    it('bad magic, version, header length, keys, shape, dtype', async () => {
      await rejects(() => npy.load(latin1('NUMPY!!!!!!!!')), 'ValueError', 'the magic string is not correct');
      await rejects(() => npy.load(npyBytes(h('(2,)'), 8, 4)), 'ValueError', 'not (4, 0)');
      const lying = npyBytes(h('(2,)'), 8);
      new DataView(lying.buffer).setUint16(8, 60000, true);
      await rejects(() => npy.load(lying), 'ValueError', 'EOF: reading array header');
      await rejects(() => npy.load(npyBytes("{'descr': '<f4', 'shape': (2,), }", 8)), 'ValueError',
        'Header does not contain the correct keys');
      await rejects(() => npy.load(npyBytes(h('(2, -1)'), 8)), 'ValueError', 'shape is not valid');
      await rejects(() => npy.load(npyBytes(h('(2,)').replace('<f4', '<U4'), 8)), 'ValueError',
        'descr is not a valid dtype descriptor');
      await rejects(() => npy.load(npyBytes(h('(2,)').replace('<f4', '<i8'), 16).fill(0xff, -8).fill(0x7f, -1)),
        'ValueError', 'does not fit in int32');
    });
  });
});
