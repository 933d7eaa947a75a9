/**
 * Runs a child process, forwarding its stderr as progress, and returns the `RESULT {json}`
 * lines it printed on stdout.
 * @module
 */
import { spawn } from 'node:child_process';

/** The parsed `RESULT` lines, the exit code, and stderr's tail. */
export interface ChildOutput {
  results: unknown[];
  code: number | null;
  stderrTail: string;
}

/** Spawns `cmd args` with `env`, echoing stderr lines through `log`, and collects its results. */
export function runChild(cmd: string, args: string[], env: NodeJS.ProcessEnv, log: (s: string) => void, timeoutMs: number): Promise<ChildOutput> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let errLine = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      errLine += d.toString();
      const lines = errLine.split('\n');
      errLine = lines.pop()!;
      for (const l of lines) if (l.startsWith('  ')) log(l.trimStart());
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const results = out.split('\n').filter((l) => l.startsWith('RESULT ')).map((l) => JSON.parse(l.slice(7)) as unknown);
      resolve({ results, code, stderrTail: err.slice(-1500) });
    });
  });
}
