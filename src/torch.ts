import { Generator, default_generator } from './random/generator.js';
export { Generator, default_generator } from './random/generator.js';
export { format } from './format.js';
export { load } from './io/torch_load.js';
export { Device, device, set_default_device, get_default_device } from './device.js';
export { set_num_threads, get_num_threads } from './threads.js';
export {
  dtype, float32, float64, float16, bfloat16, complex64, complex128, int32, int64, bool,
  float, double, cfloat, half, long, int,
} from './dtype.js';

/**
 * Seeds the default generator like `torch.manual_seed(seed)`: any integer in [-2^63, 2^64)
 * (numbers are truncated like Python's `int()`); returns the generator.
 *
 * @example
 * ```ts
 * import { torch } from 'tfjs-torch';
 * torch.manual_seed(42);
 * torch.initial_seed();   // 42n
 * torch.manual_seed(-1);
 * torch.initial_seed();   // 18446744073709551615n
 * ```
 */
export function manual_seed(seed: number | bigint): Generator {
  return default_generator.manual_seed(seed);
}

/** The default generator's seed as torch reports it, an unsigned 64-bit bigint. */
export function initial_seed(): bigint {
  return default_generator.initial_seed();
}

/** Seeds the default generator from entropy (`torch.seed()`) and returns the seed. */
export function seed(): bigint {
  return default_generator.seed();
}
