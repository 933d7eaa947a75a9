/**
 * The part of onnxruntime-node and onnxruntime-web that is the same: feeding the exported graph
 * (input `input` (L, N, H_in); outputs `output`, `h_n`, `c_n`), checking and timing it.
 * @module
 */
import type * as ortTypes from 'onnxruntime-common';
import { maxAbsDiff, type Fixture } from '../workloads.js';
import { timeRuns, type RunPolicy, type Timing } from '../stats.js';

/** What one ORT session measured. */
export interface OrtMeasurement {
  maxAbsDiff: number;
  timing: Timing;
}

/** The subset of `ort` both packages export. */
export interface OrtModule {
  InferenceSession: typeof ortTypes.InferenceSession;
  Tensor: typeof ortTypes.Tensor;
}

/** Checks a session's output, h_n and c_n against PyTorch's, then times `session.run`. */
export async function measureSession(ort: OrtModule, session: ortTypes.InferenceSession, f: Fixture, policy: RunPolicy): Promise<OrtMeasurement> {
  const feeds = { input: new ort.Tensor('float32', f.input.data, f.input.shape) };
  const r = await session.run(feeds);
  const get = (k: string) => r[k]!.data as Float32Array;
  const diff = Math.max(maxAbsDiff(get('output'), f.output.data), maxAbsDiff(get('h_n'), f.h_n.data), maxAbsDiff(get('c_n'), f.c_n.data));
  const timing = await timeRuns(async () => {
    const out = await session.run(feeds);
    void (out['output']!.data as Float32Array)[0];
  }, policy);
  return { maxAbsDiff: diff, timing };
}
