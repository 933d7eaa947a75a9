import type * as tf from '@tensorflow/tfjs-core';

/** What tfjs's webgl backend offers the kernels (its `runWebGLProgram`). */
export interface WebGLBackendLike {
  runWebGLProgram(program: object, inputs: tf.TensorInfo[], dtype: tf.DataType, customUniformValues?: number[][]): tf.TensorInfo;
}

/**
 * A tfjs webgl program: `userCode`'s `main` runs once per output value, with `uniforms` declared
 * (their values go to runWebGLProgram in this order): step programs take the int `row0`, the
 * step's first row in the input projection, so that one compiled program serves every step.
 */
export function glProgram(variableNames: string[], outputShape: number[], userCode: string,
  uniforms: { name: string; type: string }[] = []): object {
  return uniforms.length ? { variableNames, outputShape, userCode, customUniforms: uniforms } : { variableNames, outputShape, userCode };
}

/** The int uniform `row0` of step programs. */
export const ROW0 = { name: 'row0', type: 'int' };
