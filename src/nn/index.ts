export { Module } from './module.js';
export type { StateDict, IncompatibleKeys } from './module.js';
export { LSTM } from './lstm.js';
export type { LSTMOptions } from './lstm.js';
export * as init from './init.js';
