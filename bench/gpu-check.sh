#!/usr/bin/env bash
# One-shot check of tfjs-torch on a CUDA machine (the `tensorflow` tfjs backend, libtensorflow
# via @tensorflow/tfjs-node-gpu). Run from anywhere, after `npm ci`:   bash bench/gpu-check.sh
#   1. nvidia-smi: GPU name, driver, CUDA version        2. npm install --no-save tfjs-node-gpu
#   3. does libtensorflow load, and does it see the GPU?   4. conformance suite on `tensorflow`
#   5. npm run bench -- --quick (tensorflow among the backends)   6. a summary
# Every step has a timeout; the exit status is non-zero when any step failed.
# Env: TFJS_NODE_BASE_URI / TFJS_NODE_CDN_STORAGE: a libtensorflow mirror (the install downloads
# it from storage.googleapis.com); GPU_CHECK_OUT: bench output folder (default bench/gpu-check).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
OUT="${GPU_CHECK_OUT:-bench/gpu-check}"; LOG="$OUT/logs"; mkdir -p "$LOG"
FAILED=(); fail() { FAILED+=("$1"); echo "!! $1" >&2; }
step() { echo; echo "== $* =="; }
export PATH="$PWD/node_modules/.bin:$PATH"   # node-pre-gyp for tfjs-node-gpu's install script

step "1. GPU (nvidia-smi)"
if ! command -v nvidia-smi >/dev/null; then fail "nvidia-smi not found: no NVIDIA driver on this machine"
else
  GPU=$(timeout 60 nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1) || fail "nvidia-smi failed: $GPU"
  GPU=$(echo "$GPU" | head -1); CUDA=$(timeout 60 nvidia-smi 2>/dev/null | grep -o 'CUDA Version: *[0-9.]*' | head -1)
fi
echo "GPU: ${GPU:-none}; ${CUDA:-CUDA version unknown}; node $(node --version), npm $(npm --version)"

step "2. npm install --no-save @tensorflow/tfjs-node-gpu@4.22.0 (downloads libtensorflow 2.9.1, CUDA 11.2 / cuDNN 8.1 build)"
PKG=node_modules/@tensorflow/tfjs-node-gpu
timeout --kill-after=10 900 npm install --no-save --foreground-scripts @tensorflow/tfjs-node-gpu@4.22.0 >"$LOG/install.log" 2>&1 \
  || echo "(npm install exited $?; see $LOG/install.log)"
# npm may skip install scripts (npm 11 asks for approval), leaving no addon: run the script ourselves.
if [ -d "$PKG" ] && ! ls "$PKG"/lib/napi-v*/tfjs_binding.node >/dev/null 2>&1; then
  echo "addon missing after npm install: running $PKG/scripts/install.js gpu download"
  (cd "$PKG" && timeout --kill-after=10 900 node scripts/install.js gpu download) >>"$LOG/install.log" 2>&1
fi
if ! ls "$PKG"/lib/napi-v*/tfjs_binding.node >/dev/null 2>&1; then
  grep -iE 'error|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|403|404' "$LOG/install.log" | tail -5 >&2
  fail "tfjs-node-gpu not installed: libtensorflow / the addon could not be downloaded (no internet? set TFJS_NODE_BASE_URI to a mirror of libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz); log: $LOG/install.log"
fi

step "3. libtensorflow on the GPU?"
PROBE='const tf = await import("@tensorflow/tfjs-node-gpu"); await tf.setBackend("tensorflow");
const b = tf.backend(); const x = tf.matMul(tf.ones([512, 512]), tf.ones([512, 512]));
console.log(`backend ${tf.getBackend()}, isUsingGpuDevice=${b.isUsingGpuDevice}, matmul ok=${(await x.data())[0] === 512}`);
process.exit(b.isUsingGpuDevice ? 0 : 3);'
if [ -d "$PKG" ]; then
  timeout --kill-after=10 300 node --input-type=module -e "$PROBE" >"$LOG/probe.log" 2>&1; rc=$?
  grep -E 'backend tensorflow|Created device|Could not load dynamic library|libcud' "$LOG/probe.log" | head -8
  case $rc in 0) ;; 3) fail "libtensorflow runs but sees no GPU (it needs CUDA 11.2 + cuDNN 8.1 libraries on LD_LIBRARY_PATH; see $LOG/probe.log)";;
    *) fail "@tensorflow/tfjs-node-gpu does not load (exit $rc): $(grep -m1 -i error "$LOG/probe.log")";; esac
else echo "skipped: tfjs-node-gpu is not installed"; fi

if grep -q 'backend tensorflow' "$LOG/probe.log" 2>/dev/null; then   # runs, on the GPU or not
  # bench/systems/tfjs_backends.ts (and maybe the test helper) import '@tensorflow/tfjs-node', the
  # CPU package: alias it to the GPU one for this run (removed again on exit).
  SHIM=""
  if [ ! -e node_modules/@tensorflow/tfjs-node ]; then
    SHIM=node_modules/@tensorflow/tfjs-node; mkdir -p "$SHIM"; trap 'rm -rf "$SHIM"' EXIT
    echo '{"name":"@tensorflow/tfjs-node","version":"4.22.0","main":"index.js"}' >"$SHIM/package.json"
    echo 'module.exports = require("@tensorflow/tfjs-node-gpu");' >"$SHIM/index.js"
  fi
  # The test helper's useBackend() only calls tf.setBackend(name): if it does not import tfjs-node
  # itself, preload tfjs-node-gpu (it registers `tensorflow` in the shared engine) in mocha's child.
  node -e 'const c = require("./.mocharc.json"); const h = require("fs").readFileSync("test/helpers/backends.ts", "utf8");
    if (!h.includes("tfjs-node")) c["node-option"] = [...(c["node-option"] ?? []), "import=@tensorflow/tfjs-node-gpu"];
    require("fs").writeFileSync(process.argv[1], JSON.stringify(c));' "$OUT/mocharc.json"

  step "4. conformance suite on the tensorflow backend (TFJS_TORCH_BACKENDS=tensorflow npx mocha)"
  TFJS_TORCH_BACKENDS=tensorflow TFJS_TORCH_BROWSER_BACKENDS=none timeout --kill-after=30 2400 npx mocha --config "$OUT/mocharc.json" --reporter spec >"$LOG/mocha.log" 2>&1; rc=$?
  PASS=$(grep -oE '[0-9]+ passing' "$LOG/mocha.log" | tail -1); FAILN=$(grep -oE '[0-9]+ failing' "$LOG/mocha.log" | tail -1)
  PEND=$(grep -oE '[0-9]+ pending' "$LOG/mocha.log" | tail -1)
  echo "${PASS:-0 passing}, ${FAILN:-0 failing}, ${PEND:-0 pending} (log: $LOG/mocha.log)"
  [ $rc -eq 0 ] || { grep -A3 -E '^  [0-9]+\) ' "$LOG/mocha.log" | head -30; fail "conformance suite on tensorflow: exit $rc${FAILN:+, $FAILN}"; }

  step "5. npm run bench -- --quick --out $OUT"
  timeout --kill-after=30 1200 npm run bench -- --quick --out "$OUT" >"$LOG/bench.log" 2>&1 || fail "bench failed (exit $?; log: $LOG/bench.log)"
  tail -5 "$LOG/bench.log"
  grep -q 'tensorflow' "$OUT/RESULTS.md" 2>/dev/null || fail "the bench table has no tensorflow rows ($OUT/RESULTS.md)"
fi

step "6. summary"
echo "GPU:        ${GPU:-none} (${CUDA:-CUDA ?})"
echo "tensorflow: $(grep -m1 'backend tensorflow' "$LOG/probe.log" 2>/dev/null || echo 'not available')"
echo "suite:      ${PASS:-not run}${FAILN:+, $FAILN}${PEND:+, $PEND}"
echo "bench:      $( [ -f "$OUT/RESULTS.md" ] && echo "$OUT/RESULTS.md (chart $OUT/chart.svg)" || echo 'not run')"
if [ ${#FAILED[@]} -gt 0 ]; then printf 'FAILED: %s\n' "${FAILED[@]}"; exit 1; fi
echo "OK"
