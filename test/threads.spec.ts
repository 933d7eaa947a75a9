import { expect } from 'chai';
import { torch } from 'tfjs-torch';
import { fixture } from './helpers/fixtures.js';

interface ThreadsFixture {
  sets: { set: number; get: number }[];
  errors: { label: string; value: number | string; type: string; message: string }[];
}

const F = fixture<ThreadsFixture>('modules/threads.json');

describe('torch.set_num_threads / get_num_threads (PyTorch fixture)', () => {
  const before = torch.get_num_threads();
  after(() => torch.set_num_threads(before));

  it('get_num_threads returns what set_num_threads set', () => {
    for (const s of F.sets) {
      torch.set_num_threads(s.set);
      expect(torch.get_num_threads()).to.equal(s.get);
    }
  });

  for (const e of F.errors) {
    it(`set_num_threads(${JSON.stringify(e.value)}) raises ${e.type}: ${e.message}`, () => {
      expect(() => torch.set_num_threads(e.value as number)).to.throw(e.message).with.property('name', e.type);
    });
  }

  it('defaults to one thread per core, at least 1', () => {
    expect(before).to.be.a('number').and.to.be.at.least(1);
  });
});
