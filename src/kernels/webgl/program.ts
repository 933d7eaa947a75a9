import type * as tf from '@tensorflow/tfjs-core';

/** What tfjs's webgl backend offers the kernels (its `runWebGLProgram`). */
export interface WebGLBackendLike {
  runWebGLProgram(program: object, inputs: tf.TensorInfo[], dtype: tf.DataType, customUniformValues?: number[][]): tf.TensorInfo;
}

/**
 * A tfjs webgl program: `userCode`'s `main` runs once per output value. A step program
 * (`stepped`) also gets the int uniform `row0`, the step's first row in the input projection, so
 * that one compiled program serves every step.
 */
export function glProgram(variableNames: string[], outputShape: number[], userCode: string, stepped = false): object {
  return stepped ? { variableNames, outputShape, userCode, customUniforms: [{ name: 'row0', type: 'int' }] }
    : { variableNames, outputShape, userCode };
}
