/**
 * A small zip reader (central directory, stored and deflated entries, zip64), enough for the
 * archives `torch.save` writes. Entries are extracted lazily and every offset is bounds-checked.
 *
 * @example
 * ```ts
 * import { ZipReader } from './zip.js';
 * const zip = new ZipReader(bytes, 'model.pt');
 * zip.names();                    // ['archive/data.pkl', 'archive/data/0', ...]
 * zip.read('archive/data.pkl');   // Uint8Array
 * ```
 * @module
 */
import { inflateSync } from 'fflate';
import { RuntimeError } from '../errors.js';
import { decodeLatin1, u64, view } from './bytes.js';

interface Entry {
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Deflate cannot expand more than about 1032:1; larger claims are lies. */
const MAX_DEFLATE_RATIO = 1100;

let table: Uint32Array | undefined;

/**
 * The CRC-32 (IEEE) of bytes, as zip stores it.
 *
 * @example
 * ```ts
 * import { crc32 } from './zip.js';
 * crc32(new TextEncoder().encode('123456789')).toString(16);   // 'cbf43926'
 * ```
 */
export function crc32(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Whether the bytes look like a zip archive (a local header or an empty archive's end record).
 *
 * @example
 * ```ts
 * import { isZip } from './zip.js';
 * isZip(new Uint8Array([0x50, 0x4b, 3, 4]));   // true
 * ```
 */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b &&
    ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

/**
 * Reads a zip archive's central directory; `label` names the file in errors.
 *
 * @example
 * ```ts
 * import { ZipReader } from './zip.js';
 * new ZipReader(new Uint8Array(3), 'bytes');
 * // RuntimeError: bytes: PytorchStreamReader failed reading zip archive: failed finding central directory
 * ```
 */
export class ZipReader {
  private readonly entries = new Map<string, Entry>();
  private readonly dv: DataView;

  constructor(private readonly bytes: Uint8Array, private readonly label: string) {
    this.dv = view(bytes);
    this.readDirectory();
  }

  /** Entry names in central-directory order. */
  names(): string[] { return [...this.entries.keys()]; }

  /** Whether the archive holds an entry. */
  has(name: string): boolean { return this.entries.has(name); }

  /** An entry's uncompressed bytes (a view for stored entries). */
  read(name: string): Uint8Array {
    const e = this.entries.get(name);
    if (!e) this.fail(`file not found: ${name}`);
    const dv = this.dv;
    if (e.localOffset + 30 > this.bytes.length || dv.getUint32(e.localOffset, true) !== LOCAL) {
      this.fail(`invalid local header for ${name}`);
    }
    const start = e.localOffset + 30 + dv.getUint16(e.localOffset + 26, true) +
      dv.getUint16(e.localOffset + 28, true);
    if (start + e.compressedSize > this.bytes.length) this.fail(`entry ${name} runs past the end of the file`);
    const data = this.bytes.subarray(start, start + e.compressedSize);
    if (e.method === 0) {
      if (e.size !== e.compressedSize) this.fail(`stored entry ${name} has inconsistent sizes`);
      return this.checked(name, e, data);
    }
    if (e.method !== 8) this.fail(`entry ${name} uses unsupported compression method ${e.method}`);
    if (e.size > e.compressedSize * MAX_DEFLATE_RATIO + 1024) {
      this.fail(`entry ${name} claims ${e.size} bytes from ${e.compressedSize} compressed`);
    }
    let out: Uint8Array;
    try {
      out = inflateSync(data, { out: new Uint8Array(e.size) });
    } catch (err) {
      this.fail(`entry ${name} is corrupt: ${(err as Error).message}`);
    }
    if (out.length !== e.size) this.fail(`entry ${name} inflates to ${out.length} bytes, not ${e.size}`);
    return this.checked(name, e, out);
  }

  private checked(name: string, e: Entry, data: Uint8Array): Uint8Array {
    // Torch parity: miniz verifies each entry's CRC-32 when PyTorchStreamReader extracts it.
    if (crc32(data) !== e.crc) this.fail(`CRC-32 mismatch in ${name} (corrupt archive)`);
    return data;
  }

  private fail(what: string): never {
    // Torch parity: PyTorchStreamReader's message prefix.
    throw new RuntimeError(`${this.label}: PytorchStreamReader failed reading zip archive: ${what}`);
  }

  private readDirectory(): void {
    const { bytes, dv } = this;
    let eocd = -1;
    for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
      if (dv.getUint32(i, true) === EOCD) { eocd = i; break; }
    }
    if (eocd < 0) this.fail('failed finding central directory');
    let count = dv.getUint16(eocd + 10, true);
    let cdSize = dv.getUint32(eocd + 12, true);
    let cdOffset = dv.getUint32(eocd + 16, true);
    if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && eocd >= 20 &&
        dv.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
      const rec = u64(dv, eocd - 12);
      if (rec + 56 > bytes.length || dv.getUint32(rec, true) !== ZIP64_EOCD) this.fail('invalid zip64 end record');
      count = u64(dv, rec + 32);
      cdSize = u64(dv, rec + 40);
      cdOffset = u64(dv, rec + 48);
    }
    if (cdOffset + cdSize > bytes.length) this.fail('central directory runs past the end of the file');
    let p = cdOffset;
    for (let i = 0; i < count; i++) {
      if (p + 46 > bytes.length || dv.getUint32(p, true) !== CENTRAL) this.fail('corrupt central directory');
      const method = dv.getUint16(p + 10, true);
      const crc = dv.getUint32(p + 16, true);
      let compressedSize = dv.getUint32(p + 20, true);
      let size = dv.getUint32(p + 24, true);
      const nameLen = dv.getUint16(p + 28, true);
      const extraLen = dv.getUint16(p + 30, true);
      const commentLen = dv.getUint16(p + 32, true);
      let localOffset = dv.getUint32(p + 42, true);
      if (p + 46 + nameLen + extraLen > bytes.length) this.fail('corrupt central directory');
      const name = decodeLatin1(bytes.subarray(p + 46, p + 46 + nameLen));
      // zip64 extended information: only the fields saturated in the fixed record are present.
      let q = p + 46 + nameLen;
      const extraEnd = q + extraLen;
      while (q + 4 <= extraEnd) {
        const id = dv.getUint16(q, true);
        const len = dv.getUint16(q + 2, true);
        if (id === 1) {
          let f = q + 4;
          const next = (): number => { const v = f + 8 <= q + 4 + len ? u64(dv, f) : NaN; f += 8; return v; };
          if (size === 0xffffffff) size = next();
          if (compressedSize === 0xffffffff) compressedSize = next();
          if (localOffset === 0xffffffff) localOffset = next();
        }
        q += 4 + len;
      }
      if (![size, compressedSize, localOffset].every(Number.isFinite)) this.fail(`invalid zip64 sizes for ${name}`);
      this.entries.set(name, { method, crc, compressedSize, size, localOffset });
      p = extraEnd + commentLen;
    }
  }
}
