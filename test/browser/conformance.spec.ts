import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { CHROMIUM, type BackendResult, runBrowserSuite } from './run.js';

/**
 * The conformance specs in headless Chromium (test/browser/run.ts): the same spec files, less
 * the Node-only ones, on webgl and webgpu (SwiftShader) and wasm (this library's kernel as a browser
 * page instantiates it: asynchronously, single-threaded). TFJS_TORCH_BROWSER_BACKENDS narrows the
 * list ('none' skips the browser). The run starts when mocha loads this file and goes on in
 * Chromium's processes while the Node suites run; .mocharc.json loads this file last, so its
 * tests only wait for what is left.
 */
const list = process.env.TFJS_TORCH_BROWSER_BACKENDS ?? 'webgl,webgpu,wasm';
const backends = list === 'none' ? [] : list.split(',').filter(Boolean);
const why = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM} (apt-get install -y chromium libvulkan1)`
  : backends.length === 0 ? 'TFJS_TORCH_BROWSER_BACKENDS=none' : null;
const lines: string[] = [];
const running: Promise<BackendResult[]> | null = why ? null : runBrowserSuite({ backends, log: (s) => lines.push(s) });
running?.catch(() => {}); // reported by the test below

describe('the conformance suite in headless Chromium', function () {
  this.timeout(30 * 60_000);
  if (why || !running) {
    it(`SKIPPED: ${why}`);
    return;
  }
  let results: BackendResult[] = [];
  before(async () => {
    results = await running;
    for (const l of lines) console.log(`      ${l}`); // each backend's pass/fail/pending counts and time
  });

  for (const backend of backends) {
    it(`${backend}: every browser-capable spec passes`, () => {
      const r = results.find((x) => x.backend === backend)!;
      expect(r, `no result for ${backend}`).to.exist;
      expect(r.error, `${backend} page error`).to.equal(null);
      expect(r.failed.map((f) => `${f.title}: ${f.error.split('\n')[0]}`), lines.join('\n')).to.deep.equal([]);
      expect(r.passes).to.be.greaterThan(0);
      if (backend === 'webgl' || backend === 'webgpu') expect(r.gpuPrograms, `${backend} dispatched no GPU program`).to.be.greaterThan(0);
    });
  }
});
