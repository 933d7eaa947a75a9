/**
 * The browser build, end to end in headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core; WebGPU and WebGL run on SwiftShader where there is no GPU):
 * - examples/browser/ on the self-contained dist/browser/tfjs-torch.bundle.js: the shipped
 *   char-LM's logits within 1e-4 of PyTorch's and its greedy text identical, on webgpu or webgl
 *   (never a silent CPU fallback), screenshot in test/artifacts/demo-browser.png;
 * - the same page with a plain nn.LSTM .safetensors file chosen in the file input, against Node;
 * - dist/browser/tfjs-torch.js (tfjs external) inside an app bundled the way a user would.
 * Skipped, with the reason printed, when Chromium is not installed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { nn, safetensors } from '../src/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = `${ROOT}test/artifacts`;
// /work/shared/recipes/webgpu.md: WebGPU on SwiftShader, and no attempt to reach the network.
const ARGS = ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
  '--no-first-run', '--no-pings', '--disable-domain-reliability',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'];

interface DemoResult {
  status: string; error?: string; backend: string; device: string; gpuPrograms: number | null;
  kind: string; maxDiff?: number; logitsOk?: boolean; greedy?: string; greedyMatches?: boolean; msPerStep: number;
  outputShape?: number[]; first?: number[];
}
const ref = JSON.parse(readFileSync(`${ROOT}fixtures/models/charlm.json`, 'utf8')) as { greedy: string };

describe('browser build and demo in headless Chromium (examples/browser)', function () {
  this.timeout(300_000);
  let browser: Browser | undefined;
  let server: { url: string; origin: string; close: () => Promise<void> } | undefined;
  const pageErrors: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`      skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium libvulkan1, or set CHROMIUM_PATH)`);
      this.skip();
    }
    const build = spawnSync(process.execPath, ['scripts/build-browser.mjs', '--quiet'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(build.status, `scripts/build-browser.mjs failed:\n${build.stdout}${build.stderr}`).to.equal(0);
    // serve.mjs is plain JavaScript: imported by URL, typed here.
    const { serve } = await import(pathToFileURL(`${ROOT}examples/browser/serve.mjs`).href) as
      { serve: (o: { port: number }) => Promise<{ url: string; origin: string; close: () => Promise<void> }> };
    server = await serve({ port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openDemo(query: string): Promise<Page> {
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server!.url}${query}`);
    return page;
  }

  async function result(page: Page): Promise<DemoResult> {
    await page.waitForFunction(() => ['done', 'error'].includes((window as unknown as { demoResult?: { status: string } }).demoResult?.status ?? ''),
      null, { timeout: 240_000 });
    const r = await page.evaluate(() => (window as unknown as { demoResult: DemoResult }).demoResult);
    expect(r.status, `the demo failed: ${r.error}`).to.equal('done');
    return r;
  }

  it('runs the shipped char-LM on a GPU backend: logits within 1e-4 of PyTorch, greedy text identical', async () => {
    const page = await openDemo('');   // auto: webgpu, then webgl, then wasm
    const r = await result(page);
    console.log(`      backend ${r.backend} (${r.device}), ${r.gpuPrograms} GPU programs, max |diff| ${r.maxDiff?.toExponential(2)}, ` +
      `${r.msPerStep.toFixed(1)} ms/char`);
    expect(r.backend, 'the demo fell back to a CPU backend').to.be.oneOf(['webgpu', 'webgl']);
    expect(r.gpuPrograms, 'no GPU program ran').to.be.greaterThan(0);
    expect(r.kind).to.equal('charlm');
    expect(r.maxDiff).to.be.at.most(1e-4);
    expect(r.logitsOk).to.equal(true);
    expect(r.greedy).to.equal(ref.greedy);
    expect(r.greedyMatches).to.equal(true);
    // What the page shows is what ran.
    expect(await page.textContent('.badge')).to.equal(r.backend);
    expect(await page.textContent('#status')).to.equal(`done on ${r.backend}`);
    await page.screenshot({ path: `${ARTIFACTS}/demo-browser.png`, fullPage: true });
    expect(pageErrors).to.deep.equal([]);
    await page.close();
  });

  it('runs a plain nn.LSTM .safetensors chosen in the file input (webgl), as Node computes it', async () => {
    const file = `${ROOT}fixtures/io/lstm_proj_bidir.safetensors`;
    const page = await openDemo('?backend=webgl&autorun=0');
    await page.setInputFiles('#file', file);
    await page.click('#run');
    const r = await result(page);
    expect(r.backend).to.equal('webgl');
    expect(r.gpuPrograms).to.be.greaterThan(0);
    // The same model and input in Node (the page's input: sin(0.1 k), shape (16, 1, input_size)).
    const sd = await safetensors.load_file(new Uint8Array(readFileSync(file)));
    const lstm = nn.LSTM.from_state_dict(sd).eval();
    const H = lstm.input_size;
    const x = tf.tidy(() => tf.reshape(tf.sin(tf.mul(tf.range(0, 16 * H), 0.1)), [16, 1, H]));
    const [out, [h, c]] = lstm.forward(x);
    expect(r.outputShape).to.deep.equal(out.shape);
    const want = Array.from(out.dataSync().slice(0, 8));
    tf.dispose([x, out, h, c, ...Object.values(sd)]);
    lstm.dispose();
    r.first!.forEach((v, i) => expect(Math.abs(v - want[i]!), `output[${i}]`).to.be.at.most(1e-4));
    expect(pageErrors).to.deep.equal([]);
    await page.close();
  });

  it('dist/browser/tfjs-torch.js works in an app that brings its own tfjs (webgl)', async () => {
    // An app bundling the library file with tfjs-core and the webgl backend, as a user's bundler would.
    const { build } = await import('esbuild');
    const dir = `${ARTIFACTS}/consumer`;
    mkdirSync(dir, { recursive: true });
    await build({
      stdin: {
        contents: `
          import * as tf from '@tensorflow/tfjs-core';
          import '@tensorflow/tfjs-backend-webgl';
          import { torch, nn } from '../../../dist/browser/tfjs-torch.js';
          tf.env().set('WEBGL_CPU_FORWARD', false);
          await tf.setBackend('webgl');
          torch.manual_seed(42);
          const lstm = new nn.LSTM(6, 3);
          const [out, [h, c]] = lstm.forward(tf.tensor2d([[8, -3, 0, 1, 5, -2]]));
          window.consumer = { backend: tf.getBackend(), repr: String(lstm), out: Array.from(await out.data()) };`,
        resolveDir: dir, loader: 'js',
      },
      bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: `${dir}/app.js`, logLevel: 'error',
    });
    writeFileSync(`${dir}/index.html`, '<!doctype html><link rel="icon" href="data:,"><script type="module" src="app.js"></script>\n');
    const page = await browser!.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server!.origin}/test/artifacts/consumer/`);
    await page.waitForFunction(() => 'consumer' in window, null, { timeout: 60_000 });
    const got = await page.evaluate(() => (window as unknown as { consumer: { backend: string; repr: string; out: number[] } }).consumer);
    expect(got.backend).to.equal('webgl');
    expect(got.repr).to.equal('LSTM(6, 3)');
    // README's example: PyTorch prints [[-0.2443, 0.0840, 0.4837]] for this seed and input.
    [-0.2443, 0.084, 0.4837].forEach((v, i) => expect(Math.abs(got.out[i]! - v)).to.be.at.most(1e-4));
    expect(pageErrors).to.deep.equal([]);
    await page.close();
  });
});
