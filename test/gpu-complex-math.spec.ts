import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { CellwiseProgram } from '../src/kernels/webgpu/program.js';
import { complexMathLib } from '../src/kernels/complex_math.js';
import { EXP_OVERFLOW, EXP_UNDERFLOW, GLSL_FF_UNIFORM } from '../src/kernels/float_float.js';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

/** The float32 functions under the complex GPU kernels, evaluated by a program of their own: x → [exp, sinh, cosh, sin, cos]. */
const FUNCS = 5;

class WGSLFunctions extends CellwiseProgram {
  constructor(n: number) { super(n, 1, ['X'], [n, FUNCS], 'torch_test_complex_math', ''); }
  getUserCode(): string {
    return `${complexMathLib('wgsl')}
      fn main(index : i32) {
        if (index < uniforms.size / ${FUNCS}) {
          let x = X[index];
          let sh = sinhcosh(x);
          let sc = sincosF(x);
          setOutputAtIndex(index * ${FUNCS}, expF(x));
          setOutputAtIndex(index * ${FUNCS} + 1, sh.x);
          setOutputAtIndex(index * ${FUNCS} + 2, sh.y);
          setOutputAtIndex(index * ${FUNCS} + 3, sc.x);
          setOutputAtIndex(index * ${FUNCS} + 4, sc.y);
        }
      }`;
  }
}

class GLSLFunctions {
  readonly variableNames = ['X'];
  readonly customUniforms = [GLSL_FF_UNIFORM];
  readonly outputShape: number[];
  readonly userCode = `${complexMathLib('glsl')}
    void main() {
      ivec2 coords = getOutputCoords();
      float x = getX(coords.x);
      vec2 sh = sinhcosh(x);
      vec2 sc = sincosF(x);
      int f = coords.y;
      setOutput(f == 0 ? expF(x) : f == 1 ? sh.x : f == 2 ? sh.y : f == 3 ? sc.x : sc.y);
    }`;
  constructor(n: number) { this.outputShape = [n, FUNCS]; }
}

/** |got - want| in units of the float32 spacing at `want` (as test/trig.spec.ts). */
function ulps(got: number, want: number): number {
  if (got === want) return 0;
  const ulp = Math.max(2 ** -149, 2 ** (Math.floor(Math.log2(Math.abs(want) || 2 ** -149)) - 23));
  return Math.abs(got - want) / ulp;
}

describeEachBackend('the complex GPU kernels\' float32 exp, sinh, cosh, sin and cos are correctly rounded', (backend) => {
  if (backend !== 'webgpu' && backend !== 'webgl') return;

  it('against Math.* in double, on the ranges the complex cell uses (exp: overflow to ∞ and 0 as fdlibm)', async () => {
    const xs: number[] = [0, -0, 1e-30, -1e-8, 0.5, -0.999, 1, -1.0001, Math.PI / 4, 44, -44, 88.7, 88.7228, -87.3, 89, -104, 1000.5, -5000.25];
    for (let i = 0; i < 4000; i++) xs.push(Math.fround((i - 2000) * 0.02217));
    const x = tf.tensor1d(xs);
    await expectNoLeak(async () => {
      const b = tf.backend() as unknown as {
        runWebGPUProgram?(p: object, i: tf.TensorInfo[], d: tf.DataType): tf.TensorInfo;
        runWebGLProgram?(p: object, i: tf.TensorInfo[], d: tf.DataType, u?: number[][]): tf.TensorInfo;
      };
      const info = backend === 'webgpu' ? b.runWebGPUProgram!(new WGSLFunctions(xs.length), [x], 'float32')
        : b.runWebGLProgram!(new GLSLFunctions(xs.length), [x], 'float32', [[1]]);
      const out = tf.engine().makeTensorFromTensorInfo(info);
      const v = await out.data();
      out.dispose();
      const worst = { exp: 0, sinh: 0, cosh: 0, sin: 0, cos: 0 };
      for (let i = 0; i < xs.length; i++) {
        const a = Math.fround(xs[i]!);
        const r = (k: number) => v[i * FUNCS + k]!;
        if (a > EXP_OVERFLOW) expect(r(0), `exp(${a})`).to.equal(Infinity);
        else if (a < EXP_UNDERFLOW) expect(r(0), `exp(${a})`).to.equal(0);
        else if (a > -87.3) worst.exp = Math.max(worst.exp, ulps(r(0), Math.exp(a))); // below, results are subnormal
        if (Math.abs(a) <= 44.02) {
          worst.sinh = Math.max(worst.sinh, ulps(r(1), Math.sinh(a)));
          worst.cosh = Math.max(worst.cosh, ulps(r(2), Math.cosh(a)));
        }
        if (Math.abs(a) < 2 ** 13 * Math.PI / 2) {
          worst.sin = Math.max(worst.sin, ulps(r(3), Math.sin(a)));
          worst.cos = Math.max(worst.cos, ulps(r(4), Math.cos(a)));
        }
      }
      console.log(`      worst errors in ulps on ${backend}: ${JSON.stringify(worst)}`);
      // Correctly rounded: the float32 nearest the exact value, as the CPU kernel's are.
      for (const [name, e] of Object.entries(worst)) expect(e, name).to.be.at.most(0.5);
    });
    x.dispose();
  });
});
