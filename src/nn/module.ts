import * as tf from '@tensorflow/tfjs-core';
import { RuntimeError, messages } from '../errors.js';
import { type Device, requireActive } from '../device.js';

/** A state_dict: parameter (and buffer) names to tensors, in torch's key order. */
export type StateDict = Record<string, tf.Tensor>;

/** What `load_state_dict` returns, like torch's `_IncompatibleKeys` named tuple. */
export interface IncompatibleKeys {
  missing_keys: string[];
  unexpected_keys: string[];
}

/**
 * A parameter holding the values `init` makes, as torch's `nn.Parameter(init)`: a tf.Variable that
 * takes over their data. Whatever `init` creates is disposed (a Variable made from a tensor shares
 * its data, and that tensor, or the parts tf.zeros makes of a complex64 one, left alive beside it
 * would outlive the module's dispose()).
 */
export function newParameter(init: () => tf.Tensor, requires_grad = true): tf.Variable {
  return tf.tidy(() => tf.variable(init(), requires_grad));
}

/**
 * The base of every module, like `torch.nn.Module`: named parameters (trainable `tf.Variable`s),
 * child modules with dotted names, `state_dict` / `load_state_dict`, train/eval mode, and torch's
 * repr. Parameters are also reachable as properties (`lstm.weight_ih_l0`).
 *
 * @example
 * ```ts
 * import { nn } from 'tfjs-torch';
 * const lstm = new nn.LSTM(6, 3);
 * lstm.named_parameters().map(([name]) => name);
 * // ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
 * lstm.eval().training;   // false
 * ```
 */
export abstract class Module {
  /** Whether the module is in training mode (modules start in training mode, like torch). */
  training = true;
  private readonly _parameters = new Map<string, tf.Variable | null>();
  private readonly _modules = new Map<string, Module | null>();

  /** The class name torch prints (`_get_name()`). */
  protected _get_name(): string { return this.constructor.name; }

  /** Extra text inside the module's repr, like torch's `extra_repr`. */
  extra_repr(): string { return ''; }

  /** Adds a parameter (or a `null` placeholder) under `name` and exposes it as a property. */
  register_parameter(name: string, param: tf.Variable | null): void {
    this._parameters.set(name, param);
    Object.defineProperty(this, name, {
      get: () => this._parameters.get(name), configurable: true, enumerable: true,
    });
  }

  /** Adds a child module under `name` (torch's `add_module`), exposed as a property. */
  add_module(name: string, module: Module | null): void {
    this._modules.set(name, module);
    Object.defineProperty(this, name, {
      get: () => this._modules.get(name), configurable: true, enumerable: true,
    });
  }

  /** `register_module` is torch's alias of `add_module`. */
  register_module(name: string, module: Module | null): void { this.add_module(name, module); }

  /** `(name, parameter)` pairs, depth first, with dotted names for children; torch's order. */
  named_parameters(prefix = '', recurse = true): [string, tf.Variable][] {
    const out: [string, tf.Variable][] = [];
    const seen = new Set<tf.Variable>();
    const walk = (m: Module, pre: string) => {
      for (const [name, p] of m._parameters) {
        if (p && !seen.has(p)) { seen.add(p); out.push([pre + name, p]); }
      }
      if (!recurse) return;
      for (const [name, child] of m._modules) if (child) walk(child, `${pre}${name}.`);
    };
    walk(this, prefix ? `${prefix}.` : '');
    return out;
  }

  /** The parameters, in `named_parameters` order. */
  parameters(recurse = true): tf.Variable[] {
    return this.named_parameters('', recurse).map(([, p]) => p);
  }

  /** `(name, child)` pairs of the direct children. */
  named_children(): [string, Module][] {
    return [...this._modules].filter((e): e is [string, Module] => e[1] !== null);
  }

  /** The direct children. */
  children(): Module[] { return this.named_children().map(([, m]) => m); }

  /** `(name, module)` for this module and every descendant, depth first (`''` is this one). */
  named_modules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.named_children()) {
      out.push(...child.named_modules(prefix ? `${prefix}.${name}` : name));
    }
    return out;
  }

  /** This module and every descendant. */
  modules(): Module[] { return this.named_modules().map(([, m]) => m); }

  /**
   * The parameters by dotted name, in torch's key order.
   * Torch parity: like torch's (detached) state_dict values, the tensors are the module's own
   * storage, not copies: read them, do not dispose them.
   */
  state_dict(): StateDict {
    const sd: StateDict = {};
    for (const [name, p] of this.named_parameters()) sd[name] = p;
    return sd;
  }

  /**
   * Copies tensors from a state_dict into the parameters, checking names and shapes like torch.
   * With `strict` (the default) missing and unexpected keys are errors; a shape mismatch always
   * is. On any error nothing in the module is changed (torch may have copied some tensors
   * before it raises; this port checks everything first).
   */
  load_state_dict(state_dict: StateDict | Map<string, tf.Tensor>, options: { strict?: boolean } = {}): IncompatibleKeys {
    const strict = options.strict ?? true;
    const entries = state_dict instanceof Map ? [...state_dict] : Object.entries(state_dict);
    const given = new Map(entries);
    const own = this.named_parameters();
    const ownNames = new Set(own.map(([n]) => n));
    const missing_keys = own.filter(([n]) => !given.has(n)).map(([n]) => n);
    const unexpected_keys = entries.map(([n]) => n).filter((n) => !ownNames.has(n));
    const errors: string[] = [];
    const copies: [tf.Variable, tf.Tensor][] = [];
    for (const [name, param] of own) {
      if (!given.has(name)) continue;
      const value = given.get(name);
      if (!(value instanceof tf.Tensor)) { errors.push(messages.notATensor(name, value)); continue; }
      if (!tf.util.arraysEqual(value.shape, param.shape)) {
        errors.push(messages.sizeMismatch(name, value.shape, param.shape));
        continue;
      }
      copies.push([param, value]);
    }
    if (strict) {
      if (unexpected_keys.length > 0) errors.unshift(messages.unexpectedKeys(unexpected_keys));
      if (missing_keys.length > 0) errors.unshift(messages.missingKeys(missing_keys));
    }
    if (errors.length > 0) {
      throw new RuntimeError(`${messages.loadHeading(this._get_name())}\n\t${errors.join('\n\t')}`);
    }
    for (const [param, value] of copies) {
      // Loading a module's own state_dict back is a no-op (assign would free the data first).
      if (value.dataId === param.dataId) continue;
      tf.tidy(() => param.assign(castForParam(value, param.dtype)));
    }
    return { missing_keys, unexpected_keys };
  }

  /** Sets training mode (torch's `train(mode=True)`), recursively; returns this module. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (`train(false)`); returns this module. */
  eval(): this { return this.train(false); }

  /**
   * Moves the module to a device, like torch's `to(device)`: the device's tfjs backend must be
   * initialised (`await torch.set_default_device(name)` once); it becomes the active one and the
   * parameters' data follows on first use. Returns this module.
   */
  to(device: string | Device): this {
    requireActive(device);
    return this;
  }

  /** Sets `trainable` on every parameter (torch's `requires_grad_`); returns this module. */
  requires_grad_(requires_grad = true): this {
    for (const p of this.parameters()) p.trainable = requires_grad;
    return this;
  }

  /** Frees every parameter's memory; the module cannot be used afterwards. */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
  }

  /** torch's repr: `Name(extra)` or a multi-line listing of children. */
  toString(): string {
    const extra = this.extra_repr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = this.named_children().map(
      ([name, m]) => `(${name}): ${String(m).split('\n').join('\n  ')}`);
    const lines = [...extraLines, ...childLines];
    let main = `${this._get_name()}(`;
    if (lines.length > 0) {
      main += extraLines.length === 1 && childLines.length === 0
        ? extraLines[0] : `\n  ${lines.join('\n  ')}\n`;
    }
    return `${main})`;
  }
}

/** Torch parity: `param.copy_(src)` converts the source to the parameter's dtype. */
function castForParam(value: tf.Tensor, dtype: tf.DataType): tf.Tensor {
  if (value.dtype === dtype) return value;
  if (value.dtype === 'complex64' && dtype !== 'complex64') return tf.cast(tf.real(value), dtype);
  return tf.cast(value, dtype);
}
