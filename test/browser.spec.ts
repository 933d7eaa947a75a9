import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { CHROMIUM, type BackendResult, runBrowserSuite } from './browser/run.js';

/**
 * The conformance specs in headless Chromium (test/browser/run.ts): the same spec files, less
 * the Node-only ones, on webgl and webgpu (SwiftShader). Opt-in until the GPU backends are green
 * (README, "Backends"): TFJS_TORCH_BROWSER_BACKENDS=webgl,webgpu npm run test:gpu.
 */
const backends = (process.env.TFJS_TORCH_BROWSER_BACKENDS ?? '').split(',').filter(Boolean);

describe('the conformance suite in headless Chromium', function () {
  this.timeout(30 * 60_000);
  const why = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM} (apt-get install -y chromium libvulkan1)`
    : backends.length === 0 ? 'opt-in: set TFJS_TORCH_BROWSER_BACKENDS=webgl,webgpu (GPU backends are not green yet, see README)' : null;
  if (why) {
    it(`SKIPPED: ${why}`);
    return;
  }
  let results: BackendResult[] = [];
  const lines: string[] = [];
  before(async () => { results = await runBrowserSuite({ backends, log: (s) => lines.push(s) }); });

  for (const backend of backends) {
    it(`${backend}: every browser-capable spec passes`, () => {
      const r = results.find((x) => x.backend === backend)!;
      expect(r, `no result for ${backend}`).to.exist;
      expect(r.error, `${backend} page error`).to.equal(null);
      expect(r.failed.map((f) => `${f.title}: ${f.error.split('\n')[0]}`), lines.join('\n')).to.deep.equal([]);
      expect(r.passes).to.be.greaterThan(0);
      expect(r.gpuPrograms, `${backend} dispatched no GPU program`).to.be.greaterThan(0);
    });
  }
});
