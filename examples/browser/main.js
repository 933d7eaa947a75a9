// The browser demo of tfjs-torch (served by examples/browser/serve.mjs after
// `node scripts/build-browser.mjs`). Plain ES module: it loads the self-contained bundle
// (library + tfjs-core + cpu/webgl/wasm/webgpu backends), so there is nothing to compile here.
//
// Query parameters: ?backend=webgpu|webgl|wasm|cpu forces a backend; ?autorun=0 waits for Run.
// The last result is also left in `window.demoResult` (read by test/demo-browser.spec.ts).
import { torch, nn, tf, setWasmPaths } from '../../dist/browser/tfjs-torch.bundle.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const AUTO_ORDER = ['webgpu', 'webgl', 'wasm'];

// The wasm backend fetches its .wasm binaries; the build copies them next to the bundle.
setWasmPaths(new URL('../../dist/browser/wasm/', import.meta.url).href);
// With CPU forwarding on, webgpu/webgl run small tensors (< 1000 / < 128 elements) through the
// CPU kernels without a word, and an LSTM this size would never touch the GPU. Turn it off.
for (const flag of ['WEBGPU_CPU_FORWARD', 'WEBGL_CPU_FORWARD']) {
  try { tf.env().set(flag, false); } catch { /* the backend that registers it is absent */ }
}

/** Activates the first backend that initialises; returns its name and why the others did not. */
async function chooseBackend(wanted) {
  const notes = [];
  for (const name of wanted === 'auto' ? AUTO_ORDER : [wanted]) {
    try {
      if (await tf.setBackend(name)) { await tf.ready(); return { name, notes }; }
      notes.push(`${name}: failed to initialise`);
    } catch (e) {
      notes.push(`${name}: ${String(e.message ?? e).split('\n')[0]}`);
    }
  }
  throw new Error(`no tfjs backend could start (${notes.join('; ')})`);
}

/** What the active backend runs on (adapter / GL renderer), for the record. */
async function deviceInfo(name) {
  try {
    if (name === 'webgpu') {
      const adapter = await navigator.gpu.requestAdapter();
      const info = adapter?.info ?? (await adapter?.requestAdapterInfo?.());
      return [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' / ') || 'WebGPU adapter';
    }
    if (name === 'webgl') {
      const gl = tf.backend().gpgpu.gl;
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      return `WebGL ${tf.env().getNumber('WEBGL_VERSION')}: ${gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)}`;
    }
    if (name === 'wasm') {
      return `XNNPACK, SIMD ${await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'off'}, ` +
        `threads ${await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') ? 'on' : 'off'}`;
    }
  } catch { /* informational only */ }
  return name === 'cpu' ? 'plain JavaScript kernels' : '';
}

/** GPU programs the backend has compiled so far: proof that the GPU, not a CPU kernel, ran. */
function gpuPrograms(name) {
  const b = tf.backend();
  if (name === 'webgpu') return Object.keys(b.pipelineCache ?? {}).length;
  if (name === 'webgl') return Object.keys(b.binaryCache ?? {}).length;
  return null;
}

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${r.statusText}`);
  return new Uint8Array(await r.arrayBuffer());
}

/** compat/train_charlm.py's CharLM, its sizes read from the state_dict (as examples/charlm.ts). */
class CharLM extends nn.Module {
  constructor(sd) {
    super();
    const [vocab, dim] = sd['embed.weight'].shape;
    const [out, inp] = sd['fc.weight'].shape;
    this.embed = new nn.Embedding(vocab, dim);
    this.lstm = nn.LSTM.from_state_dict(sd, { prefix: 'lstm.', batch_first: true });
    this.fc = new nn.Linear(inp, out, { bias: 'fc.bias' in sd });
    for (const [name, m] of Object.entries({ embed: this.embed, lstm: this.lstm, fc: this.fc })) this.add_module(name, m);
    this.load_state_dict(sd);
  }

  /** ids (N, L) int32 -> logits (N, L, vocab) and the LSTM state. */
  forward(ids, hx) {
    const x = this.embed.forward(ids);
    const [y, state] = this.lstm.forward(x, hx);
    const logits = this.fc.forward(y);
    tf.dispose([x, y]);
    return [logits, state];
  }
}

const isCharLM = (sd) => ['embed.weight', 'fc.weight', 'lstm.weight_ih_l0'].every((k) => k in sd);

async function runCharLM(sd, refUrl, promptIn, stepsIn, row) {
  const ref = await (await fetch(refUrl)).json().catch((e) => { throw new Error(`${refUrl}: ${e.message}`); });
  if (typeof ref.vocab !== 'string') throw new Error(`${refUrl} has no "vocab" string`);
  const model = new CharLM(sd).eval();
  if (ref.vocab.length !== model.embed.num_embeddings) {
    throw new Error(`the vocab in ${refUrl} has ${ref.vocab.length} characters, the model's embedding ${model.embed.num_embeddings} rows`);
  }
  row('model', `<code>${String(model).replace(/</g, '&lt;').replace(/\n/g, '<br>').replace(/ {2}/g, '&nbsp;&nbsp;')}</code>`);
  const prompt = promptIn || ref.prompt || ref.vocab[0];
  const encode = (s) => [...s].map((c) => { const i = ref.vocab.indexOf(c); if (i < 0) throw new Error(`character ${JSON.stringify(c)} is not in the vocab`); return i; });
  const result = { kind: 'charlm', prompt };

  // 1. Logits for the prompt, against PyTorch's where the reference has them.
  const ids = tf.tensor2d([encode(prompt)], undefined, 'int32');
  let t0 = performance.now();
  const [logits, state0] = model.forward(ids);
  const got = await logits.data();
  result.forwardMs = performance.now() - t0;
  tf.dispose([ids, logits, ...state0]);
  if (ref.logits && prompt === ref.prompt) {
    result.maxDiff = ref.logits.data.reduce((m, v, i) => Math.max(m, Math.abs(got[i] - v)), 0);
    result.logitsOk = got.length === ref.logits.data.length && result.maxDiff <= 1e-4;
    row(`logits for the prompt (${ref.logits.shape.join('×')})`, result.logitsOk
      ? `<span class="ok">✓ match PyTorch</span>: max |diff| = ${result.maxDiff.toExponential(2)} (bound 1e-4)`
      : `<span class="bad">✗ differ from PyTorch</span>: max |diff| = ${result.maxDiff.toExponential(2)} (bound 1e-4)`);
  } else {
    row('logits for the prompt', 'no PyTorch reference for this prompt in the JSON');
  }

  // 2. Greedy generation, one character per step (the LSTM state carried over).
  const n = stepsIn || (prompt === ref.prompt && ref.greedy ? [...ref.greedy].length : 100);
  let input = tf.tensor2d([encode(prompt)], undefined, 'int32');
  let state;
  let text = '';
  const stepMs = [];
  t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s0 = performance.now();
    const [lg, next] = model.forward(input, state);
    const idT = tf.tidy(() => tf.argMax(tf.reshape(tf.slice(lg, [0, input.shape[1] - 1, 0], [1, 1, -1]), [-1])));
    const id = (await idT.data())[0];
    tf.dispose([lg, idT, input, ...(state ?? [])]);
    state = next;
    text += ref.vocab[id];
    input = tf.tensor2d([[id]], [1, 1], 'int32');
    stepMs.push(performance.now() - s0);
  }
  const total = performance.now() - t0;
  tf.dispose([input, ...(state ?? [])]);
  model.dispose();
  Object.assign(result, {
    greedy: text, steps: n, totalMs: total, msPerStep: total / n,
    msPerStepWarm: n > 1 ? stepMs.slice(1).reduce((a, b) => a + b, 0) / (n - 1) : total,
  });
  if (prompt === ref.prompt && typeof ref.greedy === 'string' && n === [...ref.greedy].length) {
    result.greedyMatches = text === ref.greedy;
    row('greedy continuation', result.greedyMatches
      ? '<span class="ok">✓ identical to PyTorch\'s</span>'
      : `<span class="bad">✗ differs from PyTorch's</span>`);
  }
  row('time per step', `${result.msPerStep.toFixed(2)} ms/char over ${n} characters ` +
    `(${result.msPerStepWarm.toFixed(2)} ms/char after the first, which compiles the GPU programs); ` +
    `prompt forward ${result.forwardMs.toFixed(1)} ms`);
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  $('text').innerHTML = `<pre><span class="prompt">${esc(prompt)}</span><span class="gen">${esc(text)}</span></pre>` +
    (result.greedyMatches === false ? `<p>PyTorch's:</p><pre>${esc(ref.greedy)}</pre>` : '');
  return result;
}

async function runLSTM(sd, stepsIn, row) {
  const key = Object.keys(sd).find((k) => k.endsWith('weight_ih_l0'));
  if (!key) throw new Error(`no LSTM in this state_dict (no *weight_ih_l0 key; keys: ${Object.keys(sd).slice(0, 8).join(', ')}…)`);
  const prefix = key.slice(0, -'weight_ih_l0'.length);
  const lstm = nn.LSTM.from_state_dict(sd, { prefix }).eval();
  row('model', `<code>${prefix ? `${prefix.slice(0, -1)}: ` : ''}${String(lstm)}</code>`);
  const L = stepsIn || 16;
  const H = lstm.input_size;
  // A deterministic input (L, 1, input_size): sin of the element index.
  const x = tf.tidy(() => tf.reshape(tf.sin(tf.mul(tf.range(0, L * H), 0.1)), [L, 1, H]));
  let t0 = performance.now();
  const [out, [h, c]] = lstm.forward(x);
  const vals = await out.data();
  const seqMs = performance.now() - t0;
  const result = { kind: 'lstm', outputShape: out.shape, hShape: h.shape, first: Array.from(vals.slice(0, 8)), sequenceMs: seqMs };
  tf.dispose([out, h, c]);
  // Step by step, carrying (h, c): the per-step latency of a streaming use.
  let state;
  t0 = performance.now();
  for (let t = 0; t < L; t++) {
    const xt = tf.slice(x, [t, 0, 0], [1, 1, H]);
    const [o, next] = lstm.forward(xt, state);
    await o.data();
    tf.dispose([xt, o, ...(state ?? [])]);
    state = next;
  }
  result.msPerStep = (performance.now() - t0) / L;
  tf.dispose([x, ...(state ?? [])]);
  lstm.dispose();
  row('input', `(${L}, 1, ${H}): sin(0.1·k), k the element index`);
  row('output shape', `[${result.outputShape.join(', ')}] (h_n, c_n: [${result.hShape.join(', ')}])`);
  row('first values', result.first.map((v) => v.toFixed(6)).join(', '));
  row('time', `${seqMs.toFixed(1)} ms for the whole sequence; ${result.msPerStep.toFixed(2)} ms per step when fed one step at a time`);
  return result;
}

async function run() {
  $('run').disabled = true;
  $('error').textContent = '';
  $('text').innerHTML = '';
  $('facts').innerHTML = '';
  $('out').hidden = false;
  window.demoResult = { status: 'running' };
  const row = (k, v) => { $('facts').insertAdjacentHTML('beforeend', `<tr><td>${k}</td><td>${v}</td></tr>`); };
  try {
    $('status').textContent = 'starting a backend…';
    const { name, notes } = await chooseBackend($('backend').value);
    const device = await deviceInfo(name);
    row('backend', `<span class="badge ${name}">${name}</span> ${device ? `&nbsp;${device}` : ''}` +
      (/swiftshader/i.test(device) ? '<br><span class="hint">SwiftShader is a CPU emulation of a GPU: right numbers, not GPU speed</span>' : '') +
      (notes.length ? `<br><span class="hint">not used: ${notes.join('; ')}</span>` : ''));
    const programs0 = gpuPrograms(name) ?? 0;

    $('status').textContent = 'loading the state_dict…';
    const file = $('file').files[0];
    const label = file ? file.name : $('url').value;
    const bytes = file ? new Uint8Array(await file.arrayBuffer()) : await fetchBytes($('url').value);
    let t0 = performance.now();
    const sd = await torch.load(bytes, { name: label });   // .pt (zip or legacy) or .safetensors
    const nParams = Object.values(sd).reduce((s, t) => s + t.size, 0);
    row('state_dict', `${label}: ${Object.keys(sd).length} tensors, ${nParams.toLocaleString('en')} values, ` +
      `${(bytes.length / 1024).toFixed(0)} KiB, read in ${(performance.now() - t0).toFixed(0)} ms`);

    $('status').textContent = 'running…';
    const steps = Number($('steps').value) || 0;
    const result = isCharLM(sd)
      ? await runCharLM(sd, $('ref').value, $('prompt').value, steps, row)
      : await runLSTM(sd, steps, row);
    tf.dispose(Object.values(sd));
    const programs = gpuPrograms(name);
    if (programs !== null) row('GPU programs compiled', `${programs - programs0} (CPU forwarding off, so the tensor ops ran as GPU programs)`);
    Object.assign(result, { status: 'done', backend: name, device, notes, gpuPrograms: programs === null ? null : programs - programs0 });
    window.demoResult = result;
    $('status').textContent = `done on ${name}`;
  } catch (e) {
    console.error(e);
    $('error').textContent = `${e.name ?? 'Error'}: ${e.message ?? e}`;
    $('status').textContent = 'failed';
    window.demoResult = { status: 'error', error: String(e.message ?? e), backend: tf.getBackend() };
  } finally {
    $('run').disabled = false;
  }
}

const forced = params.get('backend');
if (forced) $('backend').value = forced;
$('form').addEventListener('submit', (ev) => { ev.preventDefault(); void run(); });
$('status').textContent = 'ready';
window.demoResult = { status: 'ready' };
if (params.get('autorun') !== '0') void run();
