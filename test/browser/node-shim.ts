/**
 * `node:*` in the browser bundle of the specs (test/browser/build.ts). The test helpers import
 * these at top level but only call them on Node paths; anything else that reaches one gets a
 * clear error. fixture() reads the page's prefetched fixtures instead of readFileSync.
 */
const nodeOnly = (fn: string) => (..._args: unknown[]): never => {
  throw new Error(`node:${fn} is Node-only and not available in the browser test page`);
};

export const readFileSync = nodeOnly('fs.readFileSync');
export const writeFileSync = nodeOnly('fs.writeFileSync');
export const existsSync = (_p: string): boolean => false;
export const mkdtempSync = nodeOnly('fs.mkdtempSync');
export const createRequire = nodeOnly('module.createRequire');
export const tmpdir = (): string => '/tmp';
export const dirname = (p: string): string => p.replace(/\/[^/]*\/?$/, '') || '/';
export const join = (...p: string[]): string => p.join('/').replace(/\/+/g, '/');
export const fileURLToPath = (u: string | URL): string => new URL(u).pathname;
export const readFile = nodeOnly('fs.readFile');
export const writeFile = nodeOnly('fs.writeFile');
export default {};
