export { lstm } from './lstm.js';
export type { LSTMFunctionalOptions, LayerWeights } from './lstm.js';
