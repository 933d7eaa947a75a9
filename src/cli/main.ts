#!/usr/bin/env node
/**
 * The `tfjs-torch` command: inspect a PyTorch state_dict file, or run the LSTM in it on a .npy
 * input. See `tfjs-torch --help`.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { load } from '../io/torch_load.js';
import { set_default_device } from '../device.js';
import { parseArgv } from './args.js';
import { inspectReport } from './inspect.js';
import { runLSTM } from './run.js';

const HELP = `tfjs-torch: PyTorch state_dicts on TensorFlow.js

Usage:
  tfjs-torch inspect MODEL              list every tensor (name, dtype, shape, bytes) and the
                                        LSTM configurations the file describes
  tfjs-torch run MODEL --input X.npy    run the LSTM found in MODEL on X and write its output
      [--prefix lstm.]                  which LSTM (default: the only one in the file)
      [--batch-first]                   X is (N, L, H_in) instead of (L, N, H_in)
      [--backend cpu|wasm|tensorflow]   tfjs backend (default cpu)
      [--out Y.npy]                     output file (default: X with .out.npy); h_n and c_n are
                                        written beside it as Y.h_n.npy and Y.c_n.npy

MODEL is a torch.save file (zip or legacy) or a .safetensors file; X a NumPy .npy file.`;

async function main(argv: string[]): Promise<number> {
  tf.enableProdMode(); // no tfjs banner on the command line; numerics are unchanged
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return command ? 0 : 1;
  }
  const { positional, options } = parseArgv(rest, ['batch-first', 'help']);
  if (options.has('help')) { console.log(HELP); return 0; }
  const file = positional[0];
  if (!file) throw new Error(`${command}: missing MODEL argument (see --help)`);
  const backend = String(options.get('backend') ?? 'cpu');
  await set_default_device(backend === 'tensorflow' ? 'tensorflow' : backend);
  const sd = await load(file);
  try {
    if (command === 'inspect') {
      console.log(inspectReport(file, sd));
    } else if (command === 'run') {
      const input = options.get('input');
      if (typeof input !== 'string') throw new Error('run: --input X.npy is required (see --help)');
      const prefix = options.get('prefix');
      await runLSTM(sd, {
        input, prefix: typeof prefix === 'string' ? prefix : undefined,
        batchFirst: options.get('batch-first') === true,
        out: typeof options.get('out') === 'string' ? String(options.get('out')) : undefined,
        log: (line) => process.stderr.write(`${line}\n`),
      });
    } else {
      throw new Error(`unknown command '${command}' (see --help)`);
    }
  } finally {
    tf.dispose(Object.values(sd));
  }
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: Error) => {
  console.error(`tfjs-torch: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`);
  process.exitCode = 1;
});
