import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { nn, torch } from 'tfjs-torch';
import { useBackend } from './helpers/backends.js';

describe('devices: torch.device, set_default_device, the device argument and to()', () => {
  after(async () => { await useBackend('cpu'); });

  it('torch.device parses and prints like torch', () => {
    expect(String(torch.device('cuda:0'))).to.equal('cuda:0');
    expect(torch.device('cuda').backend).to.equal('tensorflow');
    expect(torch.device('wasm').backend).to.equal('wasm');
    expect(() => torch.device('tpu')).to.throw(/device type at start of device string: tpu/).with.property('name', 'RuntimeError');
  });

  it('set_default_device loads and activates a backend; get_default_device reports it', async () => {
    await torch.set_default_device('wasm');
    expect(tf.getBackend()).to.equal('wasm');
    expect(String(torch.get_default_device())).to.equal('wasm');
    await torch.set_default_device('cpu');
    expect(String(torch.get_default_device())).to.equal('cpu');
  });

  it('a device that is not installed is a clear error naming the package, never a fallback', async () => {
    let err: Error | undefined;
    try { await torch.set_default_device('cuda'); } catch (e) { err = e as Error; }
    expect(err?.name).to.equal('RuntimeError');
    expect(err?.message).to.match(/device 'cuda' needs the npm package @tensorflow\/tfjs-node-gpu/);
    expect(err?.message).to.match(/npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/);
    expect(tf.getBackend()).to.equal('cpu');
  });

  it('the device argument and to() switch to an initialised backend, and refuse an uninitialised one', async () => {
    await useBackend('cpu');
    const m = new nn.LSTM(2, 3, { device: 'cpu' });
    await torch.set_default_device('wasm');
    await torch.set_default_device('cpu');
    expect(m.to('wasm')).to.equal(m);
    expect(tf.getBackend()).to.equal('wasm');
    const x = tf.ones([4, 1, 2]);
    const before = tf.memory().numTensors;
    const [out, hc] = m.forward(x);
    expect(out.shape).to.deep.equal([4, 1, 3]);
    tf.dispose([out, ...hc]);
    expect(tf.memory().numTensors).to.equal(before);
    x.dispose();
    m.to(torch.device('cpu'));
    expect(tf.getBackend()).to.equal('cpu');
    // Refused: a backend not initialised yet (webgpu, or tensorflow where webgpu has been).
    const registry = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
    const uninit = ['webgpu', 'tensorflow', 'webgl'].find((n) => !(n in registry))!;
    expect(() => new nn.LSTM(2, 3, { device: uninit })).to.throw(`call \`await torch.set_default_device('${uninit}')\` first`);
    expect(uninit in registry, 'the refusal must not start initialising it').to.equal(false);
    m.dispose();
  });
});
