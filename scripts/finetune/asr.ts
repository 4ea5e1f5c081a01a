/**
 * `npm run finetune -- asr --base <id|dir> --train <manifest> --dev <manifest> --out <id|dir>`:
 * adapts a shipped recognizer to a customer's audio (docs/finetune.md). Reads the base weights
 * from its model.onnx, trains in TensorFlow.js (tfjs-node-gpu, tfjs-node, else wasm; printed at
 * start), writes a new model folder the server can load, and prints the before/after report.
 */

import { ASR_FINETUNE_USAGE, parseAsrFinetuneArgs } from './asr/args.ts';
import { runAsrFinetune } from './asr/run.ts';
import { FinetuneUsageError } from './lib/model-folders.ts';

export async function main(args: string[]): Promise<void> {
  if (args.includes('--help')) {
    console.log(ASR_FINETUNE_USAGE);
    return;
  }
  try {
    await runAsrFinetune(parseAsrFinetuneArgs(args));
  } catch (err) {
    // Usage mistakes (missing flags, an --out that would overwrite) need no stack trace.
    if (err instanceof FinetuneUsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`finetune asr: ${(err as Error).message}`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}
