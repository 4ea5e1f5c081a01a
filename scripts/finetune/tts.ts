/**
 * `npm run finetune -- tts --base <tts-en|tts-es id or dir> --train <manifest> --dev <manifest>
 * --out <id|dir>`: adapts a shipped voice to a new speaker from 10–30 minutes of their recordings
 * (docs/finetune.md). Reads the base weights from encoder.onnx + decoder.onnx, aligns the new
 * audio, trains in TensorFlow.js (tfjs-node-gpu, tfjs-node, else wasm; printed at start), writes
 * a new voice folder the server can load, and prints the before/after report. `--measure-only`
 * measures a finished one again without training.
 */
import { FinetuneUsageError } from './lib/model-folders.ts';
import { parseTtsFinetuneArgs, TTS_FINETUNE_USAGE } from './tts/args.ts';
import { remeasureTtsFinetune } from './tts/remeasure.ts';
import { runTtsFinetune } from './tts/run.ts';

export async function main(args: string[]): Promise<void> {
  if (args.includes('--help')) {
    console.log(TTS_FINETUNE_USAGE);
    return;
  }
  try {
    const options = parseTtsFinetuneArgs(args);
    await (options.measureOnly ? remeasureTtsFinetune(options) : runTtsFinetune(options));
  } catch (err) {
    // Usage mistakes (missing flags, an --out that would overwrite) need no stack trace.
    if (err instanceof FinetuneUsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`finetune tts: ${(err as Error).message}`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}
