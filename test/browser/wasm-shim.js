// '@tensorflow/tfjs-backend-wasm' in the test page (import map in index.html): the copy bundled
// into artifacts/bundle.js, so that src/device.ts's run-time import() finds the same tfjs-core.
const wasm = globalThis.__TFJS_BACKEND_WASM__;
if (!wasm) throw new Error('the test bundle did not expose @tensorflow/tfjs-backend-wasm');
export const setWasmPaths = wasm.setWasmPaths;
export const BackendWasm = wasm.BackendWasm;
export const version_wasm = wasm.version_wasm;
export default wasm;
