/**
 * Runs the conformance specs (the same test/*.spec.ts files as `mocha`, less the Node-only ones)
 * in headless Chromium on the webgl and webgpu backends, with CPU forwarding off:
 *
 *     node --import tsx test/browser/run.ts [--backends webgl,webgpu] [--grep REGEXP]
 *     node --import tsx test/browser/run.ts --measure [--backends webgl,webgpu]   (max |diff| only)
 *
 * Needs Debian's `chromium` (/usr/bin/chromium; override with CHROMIUM=path), driven by
 * playwright-core; never `npx playwright install`. WebGPU and WebGL run on SwiftShader (CPU).
 * Prints per-backend pass/fail/pending counts and wall times, writes test/browser/artifacts/
 * (results.json, <backend>.png, summary.png) and exits 1 when a test failed or a page broke.
 * Also importable: runBrowserSuite().
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ARTIFACTS, buildBrowserTests } from './build.js';
import { serve } from './server.js';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Flags from /work/shared/recipes/webgpu.md (no Vulkan flags: `--use-vulkan=native` hangs). */
const FLAGS = [
  '--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader',
  // SwiftShader runs shaders on the CPU: a long dispatch must not get the GPU process killed.
  '--disable-gpu-watchdog',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
  '--no-first-run', '--no-pings', '--disable-domain-reliability',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

export interface BackendResult {
  backend: string; passes: number; failures: number; pending: number; wallSeconds: number;
  failed: { title: string; error: string }[]; pendingTitles: string[]; error: string | null;
  /** GPU programs the backend dispatched (counted by test/helpers/backends.ts); null on cpu/wasm. */
  gpuPrograms: number | null;
}

/** Max |diff| vs torch over the float32 LSTM fixtures on each backend (test/helpers/measure.ts). */
export async function measureInBrowser(backends = ['webgl', 'webgpu']): Promise<unknown[]> {
  await buildBrowserTests();
  const server = await serve(0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const out: unknown[] = [];
  try {
    for (const backend of backends) {
      const page = await browser.newPage();
      page.on('pageerror', (e) => { if (!String(e.message).includes('measured')) console.log(`  [${backend}] page error: ${e.message}`); });
      await page.goto(`${server.url}/test/browser/index.html?backend=${backend}&measure=1`);
      await page.waitForFunction(() => (window as unknown as { __results?: unknown }).__results, undefined, { timeout: 30 * 60_000, polling: 1000 });
      const r = await page.evaluate(() => (window as unknown as { __results: unknown }).__results);
      console.log(JSON.stringify(r, null, 1));
      out.push(r);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  writeFileSync(join(ARTIFACTS, 'measure.json'), JSON.stringify(out, null, 2));
  return out;
}

export async function runBrowserSuite(opts: { backends?: string[]; grep?: string; log?: (s: string) => void } = {}): Promise<BackendResult[]> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const backends = opts.backends ?? ['webgl', 'webgpu'];
  const t0 = Date.now();
  const built = await buildBrowserTests();
  log(`bundled ${built.specs.length} spec files in ${((Date.now() - t0) / 1000).toFixed(1)} s; Node-only, left out: ` +
    (built.excluded.map((e) => `${e.spec} (${e.why})`).join(', ') || 'none'));
  const server = await serve(0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const out: BackendResult[] = [];
  try {
    for (const backend of backends) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('pageerror', (e) => log(`  [${backend}] page error: ${e.message}`));
      const consoleLines: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleLines.push(`${m.type()}: ${m.text()}`); });
      const start = Date.now();
      const url = `${server.url}/test/browser/index.html?backend=${backend}` + (opts.grep ? `&grep=${encodeURIComponent(opts.grep)}` : '');
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as { __results?: unknown }).__results, undefined, { timeout: 30 * 60_000, polling: 1000 });
      const r = await page.evaluate(() => (window as unknown as { __results: Omit<BackendResult, 'wallSeconds'> }).__results);
      const res: BackendResult = { ...r, wallSeconds: (Date.now() - start) / 1000 };
      out.push(res);
      await page.screenshot({ path: join(ARTIFACTS, `${backend}.png`) });
      writeFileSync(join(ARTIFACTS, `${backend}-console.log`), consoleLines.join('\n'));
      log(`${backend}: ${res.passes} passing, ${res.failures} failing, ${res.pending} pending, ${res.wallSeconds.toFixed(1)} s` +
        (res.gpuPrograms != null ? `, ${res.gpuPrograms} GPU programs` : '') +
        (res.error ? ` — PAGE ERROR: ${res.error}` : ''));
      for (const f of res.failed) log(`  FAIL ${f.title}\n       ${f.error.split('\n')[0]}`);
      await page.close();
    }
    // One picture of all backends' counts.
    const page = await browser.newPage({ viewport: { width: 1000, height: 120 + 40 * out.length } });
    const rows = out.map((r) => `<tr><td>${r.backend}</td><td style="color:#080">${r.passes}</td><td style="color:#c00">${r.failures}</td><td>${r.pending}</td><td>${r.wallSeconds.toFixed(1)} s</td><td>${r.gpuPrograms ?? ''}</td><td>${r.error ? 'page error' : ''}</td></tr>`).join('');
    await page.setContent(`<body style="font:18px system-ui;padding:16px"><h3>tfjs-torch conformance suite in ${await browser.version()} (headless, SwiftShader)</h3>
      <table border=1 cellpadding=6 style="border-collapse:collapse"><tr><th>backend</th><th>passing</th><th>failing</th><th>pending</th><th>wall</th><th>GPU programs</th><th></th></tr>${rows}</table></body>`);
    await page.screenshot({ path: join(ARTIFACTS, 'summary.png') });
  } finally {
    await browser.close();
    await server.close();
  }
  writeFileSync(join(ARTIFACTS, 'results.json'), JSON.stringify({ excluded: built.excluded, results: out }, null, 2));
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => { const i = process.argv.indexOf(name); return i < 0 ? undefined : process.argv[i + 1]; };
  if (!existsSync(CHROMIUM)) {
    console.error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium libvulkan1 (or set CHROMIUM)`);
    process.exit(2);
  }
  if (process.argv.includes('--measure')) {
    await measureInBrowser(arg('--backends')?.split(','));
    process.exit(0);
  }
  const results = await runBrowserSuite({ backends: arg('--backends')?.split(','), grep: arg('--grep') });
  const bad = results.filter((r) => r.failures > 0 || r.error);
  process.exit(bad.length ? 1 : 0);
}
