/**
 * An allow-list unpickler mirroring `torch.load(..., weights_only=True)`: it understands the
 * binary opcodes of pickle protocols 2–5 and builds plain data (Map for dicts, frozen arrays for
 * tuples, arrays for lists), {@link TensorRef}s for torch's tensor rebuild functions, and nothing
 * else. No code from a file ever runs: any global outside the allow-list is an error.
 *
 * @example
 * ```ts
 * import { unpickle } from './pickle.js';
 * // pickle.dumps({'a': 1}, protocol=2)
 * const bytes = new Uint8Array([0x80, 2, 0x7d, 0x71, 0, 0x58, 1, 0, 0, 0, 0x61, 0x71, 1, 0x4b, 1, 0x73, 0x2e]);
 * unpickle(bytes, { label: 'bytes' });   // Map { 'a' => 1 }
 * ```
 * @module
 */
import { UnpicklingError } from '../errors.js';
import { decodeLatin1, decodeUtf8 } from './bytes.js';

/**
 * A module-level name a pickle referred to (a storage class, a dtype, ...).
 *
 * @example
 * ```ts
 * import { PyGlobal } from './pickle.js';
 * String(new PyGlobal('torch', 'FloatStorage'));   // 'torch.FloatStorage'
 * ```
 */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  /** `module.name`, as torch prints it. */
  toString(): string { return `${this.module}.${this.name}`; }
}

/**
 * What torch's `_rebuild_tensor_v2` describes: a strided view of a storage.
 *
 * @example
 * ```ts
 * import { TensorRef } from './pickle.js';
 * new TensorRef({ key: '0' }, 0, [3, 2], [1, 3]);   // a transposed 2x3 view
 * ```
 */
export class TensorRef {
  constructor(
    /** Whatever the persistent-load callback returned for the storage. */
    readonly storage: unknown,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

/**
 * Options for {@link unpickle}.
 *
 * @example
 * ```ts
 * import { unpickle } from './pickle.js';
 * unpickle(bytes, { label: 'model.pt', persistentLoad: (pid) => ({ key: pid[2] }) });
 * ```
 */
export interface UnpickleOptions {
  /** The file's name for errors. */
  label: string;
  /** Resolves a `('storage', ...)` persistent id (given as its tuple items). */
  persistentLoad?: (pid: readonly unknown[]) => unknown;
}

// Torch parity: torch/_weights_only_unpickler.py's allow-list (storage and dtype names are values).
const STORAGES = ['Float', 'Double', 'Half', 'BFloat16', 'ComplexFloat', 'ComplexDouble', 'Long', 'Int',
  'Short', 'Char', 'Byte', 'Bool'].map((s) => `torch.${s}Storage`);
const DTYPES = ['float32', 'float64', 'float16', 'bfloat16', 'complex32', 'complex64', 'complex128',
  'int8', 'int16', 'int32', 'int64', 'uint8', 'bool'].map((s) => `torch.${s}`);
const VALUES = new Set([...STORAGES, ...DTYPES, 'torch.storage.UntypedStorage', 'torch.UntypedStorage']);

type Call = (args: readonly unknown[], fail: (m: string) => never) => unknown;
const int = (v: unknown): number => (typeof v === 'number' ? v : NaN);
const ints = (v: unknown): number[] => (Array.isArray(v) ? v.map(int) : [NaN]);
const rebuildTensor: Call = (a) => new TensorRef(a[0], int(a[1]), ints(a[2]), ints(a[3]));
const CALLS: Record<string, Call> = {
  'collections.OrderedDict': (a) => new Map(a.length ? (a[0] as Iterable<[unknown, unknown]>) : []),
  'torch._utils._rebuild_tensor_v2': rebuildTensor,
  'torch._utils._rebuild_tensor': rebuildTensor,
  'torch._utils._rebuild_parameter': (a) => a[0],
  'torch._utils._rebuild_parameter_with_state': (a) => a[0],
  'torch.nn.parameter.Parameter': (a) => a[0],
  'torch.Size': (a) => Object.freeze([...(a[0] as unknown[] ?? [])]),
  'torch.serialization._get_layout': (a) => a[0],
  'torch.device': (a) => a.join(':'),
  'builtins.set': (a) => new Set((a[0] as Iterable<unknown>) ?? []),
  'builtins.frozenset': (a) => new Set((a[0] as Iterable<unknown>) ?? []),
  'builtins.bytearray': (a) => (a[0] instanceof Uint8Array ? a[0].slice() : new Uint8Array(0)),
  'torch._utils._rebuild_sparse_tensor': (_, fail) => fail('sparse tensors are not supported'),
  'torch._utils._rebuild_sparse_csr_tensor': (_, fail) => fail('sparse tensors are not supported'),
  'torch._utils._rebuild_meta_tensor_no_storage': (_, fail) => fail('meta tensors hold no data'),
};

/**
 * Whether an unpickled value is a Python tuple (tuples unpickle as frozen arrays, lists as arrays).
 *
 * @example
 * ```ts
 * import { isTuple } from './pickle.js';
 * isTuple(Object.freeze([1, 2]));   // true
 * isTuple([1, 2]);                  // false
 * ```
 */
export const isTuple = (x: unknown): x is readonly unknown[] => Array.isArray(x) && Object.isFrozen(x);
const tuple = (xs: unknown[]): readonly unknown[] => Object.freeze(xs);

/** Python's `type(x)` as the weights_only unpickler prints it. */
function pyType(x: unknown): string {
  if (x === null) return "<class 'NoneType'>";
  if (x instanceof Map) return "<class 'dict'>";
  if (isTuple(x)) return "<class 'tuple'>";
  if (Array.isArray(x)) return "<class 'list'>";
  if (x instanceof PyGlobal) return `<class '${x.toString()}'>`;
  if (x instanceof TensorRef) return "<class 'torch.Tensor'>";
  return `<class '${typeof x === 'string' ? 'str' : typeof x === 'number' ? 'int' : typeof x}'>`;
}

/**
 * Unpickles `bytes` under the weights_only allow-list; returns the top-level object.
 * Throws `UnpicklingError` naming the file for anything outside it or for corrupt data.
 *
 * @example
 * ```ts
 * import { unpickle } from './pickle.js';
 * unpickle(new TextEncoder().encode('cos\nsystem\n.'), { label: 'evil.pt' });
 * // UnpicklingError: evil.pt: Weights only load failed. WeightsUnpickler error: Unsupported global: ...
 * ```
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): unknown {
  return new Unpickler(bytes, options).load();
}

/**
 * An unpickler positioned at `start`; `load()` reads one pickle, `end` is where it stopped.
 *
 * @example
 * ```ts
 * import { Unpickler } from './pickle.js';
 * const u = new Unpickler(bytes, { label: 'bytes' });
 * const first = u.load();
 * const second = new Unpickler(bytes, { label: 'bytes' }, u.end).load();
 * ```
 */
export class Unpickler {
  end = 0;
  private pos: number;
  private readonly dv: DataView;

  constructor(private readonly bytes: Uint8Array, private readonly options: UnpickleOptions, start = 0) {
    this.pos = start;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private fail(what: string): never {
    // Torch parity: torch.serialization's UNSAFE_MESSAGE + "WeightsUnpickler error: " + detail.
    throw new UnpicklingError(`${this.options.label}: Weights only load failed. WeightsUnpickler error: ${what}`);
  }

  private take(n: number): Uint8Array {
    if (!(n >= 0) || this.pos + n > this.bytes.length) this.fail('pickle data was truncated');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private u8(): number { return this.take(1)[0]; }
  private u32(): number { const p = this.pos; this.take(4); return this.dv.getUint32(p, true); }
  private u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    if (hi >= 0x200000) this.fail('pickle data was truncated');
    return hi * 0x100000000 + lo;
  }

  private line(): string {
    const nl = this.bytes.indexOf(0x0a, this.pos);
    if (nl < 0) this.fail('pickle data was truncated');
    return decodeUtf8(this.take(nl - this.pos + 1).subarray(0, -1), 'pickle global name');
  }

  private global(module: string, name: string): unknown {
    const full = `${module}.${name}`;
    if (VALUES.has(full) || full in CALLS) return new PyGlobal(module, name);
    // Torch parity: torch 2.x's wording for a rejected GLOBAL / STACK_GLOBAL.
    return this.fail(`Unsupported global: GLOBAL ${full} was not an allowed global by default.`);
  }

  private call(func: unknown, args: unknown): unknown {
    if (!(func instanceof PyGlobal) || !(func.toString() in CALLS)) {
      this.fail(`Trying to call reduce for unrecognized function ${String(func)}`);
    }
    if (!isTuple(args)) this.fail(`REDUCE arguments must be a tuple, but got ${pyType(args)}`);
    return CALLS[func.toString()](args, (m) => this.fail(m));
  }

  /** Reads one pickle, up to and including its STOP opcode. */
  load(): unknown {
    let stack: unknown[] = [];
    const marks: unknown[][] = [];
    const memo = new Map<number, unknown>();
    const pop = (): unknown => {
      if (stack.length === 0) this.fail('unpickling stack underflow');
      return stack.pop();
    };
    const top = (): unknown => {
      if (stack.length === 0) this.fail('unpickling stack underflow');
      return stack[stack.length - 1];
    };
    const popMark = (): unknown[] => {
      const items = stack;
      const prev = marks.pop();
      if (!prev) this.fail('could not find MARK');
      stack = prev;
      return items;
    };
    const setItem = (d: unknown, k: unknown, v: unknown): void => {
      if (!(d instanceof Map)) this.fail(`Can only set items of dicts, but got ${pyType(d)}`);
      d.set(k, v);
    };
    const list = (): unknown[] => {
      const l = top();
      if (!Array.isArray(l) || isTuple(l)) this.fail(`Can only append to lists, but got ${pyType(l)}`);
      return l;
    };
    for (;;) {
      const op = this.u8();
      switch (op) {
        case 0x80: { const v = this.u8(); if (v > 5) this.fail(`unsupported pickle protocol: ${v}`); break; }
        case 0x95: this.u64(); break; // FRAME: a length hint only
        case 0x2e: this.end = this.pos; return pop(); // STOP
        case 0x28: marks.push(stack); stack = []; break; // MARK
        case 0x30: pop(); break; // POP
        case 0x31: popMark(); break; // POP_MARK
        case 0x32: stack.push(top()); break; // DUP
        case 0x4e: stack.push(null); break;
        case 0x88: stack.push(true); break;
        case 0x89: stack.push(false); break;
        case 0x4a: { const p = this.pos; this.take(4); stack.push(this.dv.getInt32(p, true)); break; }
        case 0x4b: stack.push(this.u8()); break;
        case 0x4d: { const p = this.pos; this.take(2); stack.push(this.dv.getUint16(p, true)); break; }
        case 0x8a: stack.push(decodeLong(this.take(this.u8()))); break; // LONG1
        case 0x8b: { // LONG4
          const n = this.u32();
          if (n > 1024) this.fail(`LONG4 of ${n} bytes is too long for a state_dict`);
          stack.push(decodeLong(this.take(n)));
          break;
        }
        case 0x47: { const p = this.pos; this.take(8); stack.push(this.dv.getFloat64(p, false)); break; }
        case 0x58: stack.push(decodeUtf8(this.take(this.u32()), 'pickle string')); break;
        case 0x8c: stack.push(decodeUtf8(this.take(this.u8()), 'pickle string')); break;
        case 0x8d: stack.push(decodeUtf8(this.take(this.u64()), 'pickle string')); break;
        // Torch parity: py2 byte strings load with encoding 'latin1' (torch.load's default).
        case 0x55: stack.push(decodeLatin1(this.take(this.u8()))); break;
        case 0x54: stack.push(decodeLatin1(this.take(this.u32()))); break;
        case 0x43: stack.push(this.take(this.u8()).slice()); break;
        case 0x42: stack.push(this.take(this.u32()).slice()); break;
        case 0x8e: case 0x96: stack.push(this.take(this.u64()).slice()); break;
        case 0x29: stack.push(tuple([])); break;
        case 0x5d: stack.push([]); break;
        case 0x7d: stack.push(new Map()); break;
        case 0x8f: stack.push(new Set()); break;
        case 0x74: { const t = tuple(popMark()); stack.push(t); break; } // TUPLE
        case 0x85: stack.push(tuple([pop()])); break;
        case 0x86: { const b = pop(); const a = pop(); stack.push(tuple([a, b])); break; }
        case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(tuple([a, b, c])); break; }
        case 0x6c: { const l = popMark(); stack.push(l); break; } // LIST
        case 0x64: { // DICT
          const items = popMark();
          const d = new Map();
          for (let i = 0; i + 1 < items.length; i += 2) d.set(items[i], items[i + 1]);
          stack.push(d);
          break;
        }
        case 0x91: { const s = new Set(popMark()); stack.push(s); break; } // FROZENSET
        case 0x90: { // ADDITEMS
          const items = popMark();
          const s = top();
          if (!(s instanceof Set)) this.fail(`Can only add items to sets, but got ${pyType(s)}`);
          for (const x of items) s.add(x);
          break;
        }
        case 0x61: { const v = pop(); list().push(v); break; } // APPEND
        case 0x65: { const items = popMark(); list().push(...items); break; } // APPENDS
        case 0x73: { const v = pop(); const k = pop(); setItem(top(), k, v); break; } // SETITEM
        case 0x75: { // SETITEMS
          const items = popMark();
          const d = top();
          for (let i = 0; i + 1 < items.length; i += 2) setItem(d, items[i], items[i + 1]);
          break;
        }
        case 0x68: this.get(memo, this.u8(), stack); break;
        case 0x6a: this.get(memo, this.u32(), stack); break;
        case 0x71: memo.set(this.u8(), top()); break;
        case 0x72: memo.set(this.u32(), top()); break;
        case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
        case 0x63: { const m = this.line(); stack.push(this.global(m, this.line())); break; } // GLOBAL
        case 0x93: { // STACK_GLOBAL
          const name = pop();
          const module = pop();
          if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL requires str');
          stack.push(this.global(module, name));
          break;
        }
        case 0x52: { const args = pop(); const f = pop(); stack.push(this.call(f, args)); break; } // REDUCE
        case 0x81: { // NEWOBJ
          const args = pop();
          const cls = pop();
          if (!(cls instanceof PyGlobal) || cls.toString() !== 'torch.nn.parameter.Parameter') {
            this.fail(`Trying to instantiate unsupported class ${String(cls)}`);
          }
          stack.push(this.call(cls, args));
          break;
        }
        case 0x62: { // BUILD: state on tensors / parameters / OrderedDicts carries nothing we use
          pop();
          const inst = top();
          if (!(inst instanceof Map) && !(inst instanceof TensorRef)) {
            this.fail(`Can only build Tensor, Parameter, OrderedDict or types allowlisted via ` +
              `add_safe_globals, but got ${pyType(inst)}`);
          }
          break;
        }
        case 0x51: { // BINPERSID
          const pid = pop();
          if (!isTuple(pid) || pid.length === 0) this.fail(`persistent_load id must be tuple, but got ${pyType(pid)}`);
          const kind = pid[0] instanceof Uint8Array ? decodeLatin1(pid[0]) : pid[0];
          if (kind !== 'storage') this.fail(`Only persistent_load of storage is allowed, but got ${String(kind)}`);
          if (!this.options.persistentLoad) this.fail('unsupported persistent id encountered');
          stack.push(this.options.persistentLoad(pid));
          break;
        }
        default:
          // Torch parity: "Unsupported operand {key[0]}" (the opcode's byte value).
          this.fail(`Unsupported operand ${op} (${JSON.stringify(String.fromCharCode(op))})`);
      }
    }
  }

  private get(memo: Map<number, unknown>, i: number, stack: unknown[]): void {
    if (!memo.has(i)) this.fail(`Memo value not found at index ${i}`);
    stack.push(memo.get(i));
  }
}

/**
 * Python's `pickle.decode_long`: little-endian two's complement; a number when safe.
 *
 * @example
 * ```ts
 * import { decodeLong } from './pickle.js';
 * decodeLong(new Uint8Array([0xff]));   // -1
 * ```
 */
export function decodeLong(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

