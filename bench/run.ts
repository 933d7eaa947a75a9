/**
 * `npm run bench`: nn.LSTM forward (float32, eval) of this library on every tfjs backend Node
 * has, side by side with tf.layers.lstm, onnxruntime-node, onnxruntime-web and PyTorch, on the
 * same PyTorch-exported weights. Writes bench/RESULTS.md, bench/chart.svg and bench/results.json.
 *
 *     node --conditions=source --import tsx bench/run.ts [--quick] [--workloads W1,W3]
 *          [--systems tfjs-torch,tf.layers,ort-node,ort-web,pytorch] [--keep-coretype]
 *          [--reference-blas] [--out DIR]
 *
 * `--keep-coretype` leaves OPENBLAS_CORETYPE set for PyTorch; `--reference-blas` runs PyTorch on
 * the system's default libblas.so.3 instead of putting Debian's OpenBLAS first on its
 * LD_LIBRARY_PATH.
 *
 * `--quick` (under 2 minutes): W1, W2 and W5, fewer runs, no cpu backend for W1.
 * The full run (under 10 minutes): W1-W5; the cpu backend gets 3 timed runs where one run
 * takes over 1.5 s.
 * @module
 */
import { cpus, loadavg } from 'node:os';
import { readFileSync, writeFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { ensureFixtures, loadFixture, ROOT, WORKLOADS, type Workload } from './workloads.js';
import { FULL_POLICY, QUICK_POLICY } from './stats.js';
import { tfjsBackends } from './systems/tfjs_backends.js';
import { runTfjsInChild } from './systems/tfjs_process.js';
import { runOrtNode } from './systems/ort_node.js';
import { runOrtWeb } from './systems/ort_web.js';
import { runPyTorch, torchInfo } from './systems/pytorch.js';
import { describe, skipped, type Row, type RunContext } from './systems/types.js';
import { markdown, readmeSummary, svgChart, type RunInfo } from './report.js';
import { goals } from './goals.js';
import { measureCeilings, ratesText, type Ceilings } from './ceiling.js';
import { torch } from 'tfjs-torch';

/** The command-line options. */
export interface Options {
  quick: boolean;
  workloads: string[];
  systems: string[];
  keepCoretype: boolean;
  referenceBlas: boolean;
  outDir: string;
}

const ALL_SYSTEMS = ['tfjs-torch', 'tf.layers', 'ort-node', 'ort-web', 'pytorch'];

/** Parses `process.argv`-style flags. */
export function parseArgs(argv: string[]): Options {
  const o: Options = { quick: false, workloads: [], systems: ALL_SYSTEMS, keepCoretype: false, referenceBlas: false, outDir: join(ROOT, 'bench') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => { const v = argv[++i]; if (v === undefined) throw new Error(`${a} needs a value`); return v; };
    if (a === '--quick') o.quick = true;
    else if (a === '--workloads') o.workloads = value().split(',').map((s) => s.trim().toUpperCase());
    else if (a === '--systems') o.systems = value().split(',').map((s) => s.trim());
    else if (a === '--keep-coretype') o.keepCoretype = true;
    else if (a === '--reference-blas') o.referenceBlas = true;
    else if (a === '--out') o.outDir = resolve(value());
    else if (a === '--help' || a === '-h') {
      console.log('usage: bench/run.ts [--quick] [--workloads W1,W2] [--systems tfjs-torch,tf.layers,ort-node,ort-web,pytorch] [--keep-coretype] [--reference-blas] [--out DIR]');
      process.exit(0);
    } else throw new Error(`unknown flag ${a}`);
  }
  if (o.workloads.length === 0) o.workloads = o.quick ? ['W1', 'W2', 'W5'] : WORKLOADS.map((w) => w.name);
  const bad = o.systems.filter((s) => !ALL_SYSTEMS.includes(s));
  if (bad.length) throw new Error(`unknown system(s) ${bad.join(', ')}; known: ${ALL_SYSTEMS.join(', ')}`);
  return o;
}

function version(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch { return 'not installed'; }
}

function log(line: string): void {
  const t = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`${t}s  ${line}\n`);
}

const started = performance.now();

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const policy = opts.quick ? QUICK_POLICY : FULL_POLICY;
  const loadBefore = loadavg();
  const srcAtStart = newestSrc();
  const dirtyAtStart = gitDirty();
  const workloads: Workload[] = opts.workloads.map((n) => {
    const w = WORKLOADS.find((x) => x.name === n);
    if (!w) throw new Error(`unknown workload ${n}`);
    return w;
  });
  log(`nn.LSTM benchmark${opts.quick ? ' (--quick)' : ''}: ${workloads.map((w) => w.name).join(' ')}; systems: ${opts.systems.join(', ')}`);
  const missing = ensureFixtures(workloads.map((w) => w.name), log);
  // Relaxed SIMD (the kernel's fused multiply-add build) needs this V8 flag in Node 20 (on by
  // default from Node 22); set here, it applies to this process's ceiling workers.
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  let ceilings: Ceilings | undefined;
  try {
    ceilings = await measureCeilings(torch.get_num_threads());
    log(`ceilings: wasm SIMD ${ratesText(ceilings.wasmSimd)}; wasm relaxed SIMD (FMA) ${ceilings.wasmFma ? ratesText(ceilings.wasmFma) : 'not available'}; ` +
      `scalar JS ${ratesText(ceilings.jsScalar)}`);
  } catch (e) {
    log(`ceilings not measured: ${(e as Error).message.split('\n')[0]}`);
  }
  const backends = await tfjsBackends();
  log(`tfjs backends: ${backends.map((b) => `${b.name} (${b.note})`).join('; ')}`);
  const rows: Row[] = [];
  const refMaxAbs: Record<string, number> = {};
  for (const w of workloads) {
    if (missing.includes(w.name)) {
      rows.push(skipped(w.name, 'all systems', '—', 'no fixture: PyTorch is needed once to export weights and reference (compat/export_onnx.py)'));
      log(`[${w.name}] skipped: no fixture and no PyTorch to export one`);
      continue;
    }
    const logged = new WeakSet<Row>();
    const done = (r: Row): Row => { logged.add(r); log(describe(r)); return r; };
    const fixture = loadFixture(w);
    refMaxAbs[w.name] = fixture.output.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const ctx: RunContext = { fixture, policy, quick: opts.quick, log, done };
    const steps: [string, () => Promise<Row[]>][] = [
      // Each tfjs system and workload in a fresh process (tfjs_child.ts), like onnxruntime-web.
      // onnxruntime-node right after this library: the tightest goal compares the two, and on a
      // shared machine their ratio is steadier the closer in time they are measured.
      ['tfjs-torch', () => runTfjsInChild('tfjs-torch', ctx)],
      ['ort-node', () => runOrtNode(ctx)],
      ['tf.layers', () => runTfjsInChild('tf.layers', ctx)],
      ['ort-web', () => runOrtWeb(ctx)],
      ['pytorch', () => runPyTorch(ctx, opts.keepCoretype, opts.referenceBlas)],
    ];
    const measured = new Map<string, Row[]>();
    for (const [name, step] of steps) {
      if (!opts.systems.includes(name)) continue;
      const got = await step();
      for (const r of got) if (!logged.has(r)) done(r);
      measured.set(name, got);
    }
    // The tables list the systems in ALL_SYSTEMS' order, whatever order they were measured in.
    for (const name of ALL_SYSTEMS) rows.push(...(measured.get(name) ?? []));
  }
  const loadAfter = loadavg();
  const durationS = (performance.now() - started) / 1000;
  const setup: string[] = [
    `tfjs backends: ${backends.map((b) => `${b.name}: ${b.note}`).join('; ')}. tfjs's own ops run single-threaded in Node (the cpu backend is JavaScript; tfjs-backend-wasm's threads are off in Node); tfjs-torch's wasm and cpu LSTM kernels run on worker threads.`,
    `Each tfjs system (tfjs-torch, tf.layers.lstm) runs each workload in a fresh Node process, as onnxruntime-web does, so no run inherits another workload's heap.`,
    `tfjs-torch: \`new nn.LSTM({...}).eval()\` + \`load_state_dict\` per backend; timed = \`forward(x)\` + \`await output.data()\` + dispose.`,
    `tf.layers.lstm: tf.sequential of \`tf.layers.lstm\` (recurrentActivation 'sigmoid', returnSequences) / \`tf.layers.bidirectional\` (mergeMode 'concat'), built once, weights set from the state_dict; timed = \`model.predict(x, {batchSize: N})\` + \`await data()\` on a (N, L, H_in) copy of the input.`,
    `onnxruntime-node: CPU EP, intraOpNumThreads 2, graphOptimizationLevel 'all'. onnxruntime-web: wasm EP (SIMD), numThreads 1 and 2, each in its own Node process.`,
    `ONNX files: torch.onnx.export opset 14 from PyTorch ${ctxTorchVersion(workloads)}; it fails for proj_size > 0 and for complex dtypes, so W4 and W5 have no ONNX peer.`,
    `Timing policy (${opts.quick ? 'quick' : 'full'}): ${policy.warmup} warm-up run(s), then max(${policy.minRuns}, min(${policy.maxRuns}, ${policy.budgetMs} ms ÷ last warm-up)) timed runs; a system slower than ${policy.slowMs} ms per run gets one warm-up and ${policy.slowRuns} timed runs. Systems run one after the other per workload: tfjs-torch, onnxruntime-node (right after it, so that their ratio sees the same machine), tf.layers.lstm, onnxruntime-web, PyTorch.`,
  ];
  if (torchInfo) {
    const ti = torchInfo;
    const ob = ti.openblas ? `OpenBLAS (\`${ti.openblas.config}\`, kernels: ${ti.openblas.corename})` : 'no OpenBLAS mapped';
    setup.push(`PyTorch ${ti.torch} (Debian python3-torch, /usr/bin/python3), torch.set_num_threads(${ti.torch_threads}), eval + torch.no_grad. Build BLAS_INFO=${ti.build_blas_info}; BLAS at run time: ${ob}; mapped: ${ti.mapped_libs.map((l) => `\`${l}\``).join(', ')}.`);
    setup.push(ti.blasDir ? `BLAS for torch: \`LD_LIBRARY_PATH=${ti.blasDir}\` for the torch command only (Debian libopenblas0-openmp; the system-wide libblas.so.3 alternative is left alone).` : 'BLAS for torch: the system default libblas.so.3 (no Debian OpenBLAS found, or --reference-blas); install libopenblas0-openmp for a fast torch.');
    setup.push(`OPENBLAS_CORETYPE: ${ti.coretypeUnset ? `unset for the torch command (was \`${ti.coretypeInherited ?? '(unset)'}\` in the environment), so OpenBLAS picks the CPU's own kernels` : `kept as \`${ti.OPENBLAS_CORETYPE ?? '(unset)'}\` (--keep-coretype)`}.`);
  }
  setup.unshift(`tfjs-torch source: git HEAD ${gitHead()}${dirtyAtStart ? ' plus uncommitted edits' : ', no uncommitted edits to tracked files'}; newest file in src/ modified ${srcAtStart} when the run started (the library is under active development: results describe this snapshot).`);
  const notes: string[] = [];
  if (opts.quick) notes.push('--quick: fewer runs, W1/W2/W5 only, and tf.layers.lstm on the cpu backend is skipped for W1 (one run takes > 10 s). Run without --quick for all workloads.');
  else notes.push('tf.layers.lstm on the cpu backend is skipped for W3 (~30 s per run) and gets 2–3 timed runs on W1/W4 (> 10 s per run): see the `*` marks.');
  notes.push('A first forward is slower than the next ones (memory growth; on wasm tfjs-torch also packs the weights once per tensor data), so every system gets at least one untimed warm-up after its correctness check.');
  notes.push('This machine is shared; identical runs can vary 1.5–2×, so compare medians and ratios, and see the load averages above.');
  notes.push(`Threads: tfjs-torch's wasm and cpu LSTM kernels run on torch.get_num_threads() = ${torch.get_num_threads()} threads (worker threads); tfjs's own ops (the rest of the cpu backend, tf.layers.lstm on every backend) run on one; onnxruntime-node and PyTorch use 2 threads and onnxruntime-web is shown with 1 and 2.`);
  const info: RunInfo = {
    date: new Date().toISOString(), command: `node --conditions=source --import tsx bench/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
    nproc: cpus().length, cpuModel: cpuModel(), node: process.version, loadBefore, loadAfter, durationS,
    versions: Object.fromEntries(['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-wasm', 'onnxruntime-node', 'onnxruntime-web'].map((p) => [p, version(p)])),
    setup, notes, refMaxAbs, ceilings, threads: torch.get_num_threads(),
  };
  mkdirSync(opts.outDir, { recursive: true });
  writeFileSync(join(opts.outDir, 'RESULTS.md'), markdown(rows, workloads, info));
  writeFileSync(join(opts.outDir, 'chart.svg'), svgChart(rows, workloads));
  writeFileSync(join(opts.outDir, 'results.json'), JSON.stringify({ info, torch: torchInfo, rows }, null, 1) + '\n');
  for (const g of goals(rows, ceilings, torch.get_num_threads())) {
    const reach = g.outOfReach ? `; needs ${g.needGflops!.toFixed(1)} GFLOP/s, above the ${g.ceiling!.what} ${g.ceiling!.gflops.toFixed(1)}: out of reach here` : '';
    log(`goal ${g.met ? 'met    ' : 'NOT met'} ${g.workload}: ${g.goal} (measured ${g.ratio.toFixed(2)}${reach})`);
  }
  log(`wrote ${join(opts.outDir, 'RESULTS.md')}, chart.svg, results.json (${durationS.toFixed(0)} s)`);
  // The README shows the default report only (a run with --out elsewhere leaves it alone).
  if (opts.outDir === join(ROOT, 'bench')) updateReadme(readmeSummary(rows, workloads, info));
}

/** Replaces the README's text between the bench markers with this run's summary. */
function updateReadme(summary: string): void {
  const path = join(ROOT, 'README.md');
  const text = readFileSync(path, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return;
  writeFileSync(path, `${text.slice(0, a + start.length)}\n${summary}\n${text.slice(b)}`);
}

function ctxTorchVersion(ws: Workload[]): string {
  for (const w of ws) {
    try { return (JSON.parse(readFileSync(join(ROOT, 'fixtures', 'onnx', `${w.name}.json`), 'utf8')) as { torch_version: string }).torch_version; } catch { /* next */ }
  }
  return '(unknown)';
}

function gitHead(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '(unknown)';
}

/** True when tracked files differ from HEAD (untracked files, such as generated binaries, do not count). */
function gitDirty(): boolean {
  const r = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' });
  return r.status !== 0 || r.stdout.trim() !== '';
}

function newestSrc(): string {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(join(ROOT, 'src'));
  return new Date(newest).toISOString();
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch { /* not Linux */ }
  return cpus()[0]?.model ?? 'unknown';
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
