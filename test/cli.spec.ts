import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { npy } from 'tfjs-torch';
import { useBackend } from './helpers/backends.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = (...args: string[]) => run(process.execPath, ['--conditions=source', '--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root });

async function expectNpyClose(got: string, want: string, atol: number): Promise<void> {
  const a = npy.decode(readFileSync(got));
  const b = npy.decode(readFileSync(want));
  expect(a.shape).to.deep.equal(b.shape);
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
  tf.dispose([a, b]);
  expect(d, `${got} vs PyTorch`).to.be.at.most(atol);
}

describe('the tfjs-torch command line', function () {
  this.timeout(120000);
  let dir: string;
  before(async () => { await useBackend('cpu'); dir = mkdtempSync(join(tmpdir(), 'tfjs-torch-cli-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help describes both commands', async () => {
    const { stdout } = await cli('--help');
    expect(stdout).to.match(/tfjs-torch inspect MODEL/).and.match(/tfjs-torch run MODEL --input X\.npy/);
  });

  it('inspect lists every tensor and the LSTM it describes', async () => {
    const { stdout } = await cli('inspect', 'fixtures/io/lstm_proj_bidir.pt');
    expect(stdout).to.match(/10 tensors, 960 bytes/);
    expect(stdout).to.match(/weight_hr_l0_reverse\s+float32\s+\[2, 4\]\s+32/);
    expect(stdout).to.match(/\(no prefix\): LSTM\(3, 4, proj_size=2, bidirectional=True\)/);
  });

  it('inspect finds a prefixed LSTM inside a whole model (safetensors works too)', async () => {
    const { stdout } = await cli('inspect', 'fixtures/models/charlm.pt');
    expect(stdout).to.match(/lstm\.: LSTM\(32, 128, proj_size=64, num_layers=2\)/);
    expect(stdout).to.match(/embed\.weight\s+float32\s+\[81, 32\]/);
    const st = await cli('inspect', 'fixtures/io/lstm_basic.safetensors');
    expect(st.stdout).to.match(/LSTM\(4, 3\)/);
  });

  it('run: a batch-first bidirectional projected LSTM, outputs as PyTorch computes them', async () => {
    const out = join(dir, 'y.npy');
    await cli('run', 'fixtures/io/lstm_proj_bidir.pt', '--input', 'fixtures/cli/bidir_batch_first.npy', '--batch-first', '--out', out);
    await expectNpyClose(out, 'fixtures/cli/bidir_batch_first.torch.out.npy', 1e-5);
    await expectNpyClose(join(dir, 'y.h_n.npy'), 'fixtures/cli/bidir_batch_first.torch.h_n.npy', 1e-5);
    await expectNpyClose(join(dir, 'y.c_n.npy'), 'fixtures/cli/bidir_batch_first.torch.c_n.npy', 1e-5);
  });

  it('run: a long input runs in chunks with progress lines and the same result', async () => {
    const out = join(dir, 'long.npy');
    const { stderr } = await cli('run', 'fixtures/io/lstm_basic.pt', '--input', 'fixtures/cli/long.npy', '--out', out, '--backend', 'wasm');
    expect(stderr).to.match(/step 256\/600/).and.match(/step 600\/600/);
    await expectNpyClose(out, 'fixtures/cli/long.torch.out.npy', 1e-5);
    await expectNpyClose(join(dir, 'long.h_n.npy'), 'fixtures/cli/long.torch.h_n.npy', 1e-5);
  });

  it('errors name the problem and exit non-zero', async () => {
    let err: { code?: number; stderr?: string } = {};
    try { await cli('run', 'fixtures/models/charlm.pt'); } catch (e) { err = e as typeof err; }
    expect(err.code).to.equal(1);
    expect(err.stderr).to.match(/--input X\.npy is required/);
    try { await cli('inspect', 'fixtures/io/unsafe_global.pt'); } catch (e) { err = e as typeof err; }
    expect(err.stderr).to.match(/UnpicklingError: .*unsafe_global\.pt/);
  });
});
