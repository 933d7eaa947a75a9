export { lstm, lstmComplex } from './lstm.js';
export type { LSTMFunctionalOptions, LayerWeights } from './lstm.js';
export * as complex from './complex.js';
export type { Complex } from './complex.js';
export { sincos, sincosF32 } from './trig.js';
