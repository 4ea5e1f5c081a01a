/**
 * `npm run finetune -- asr-lm --base <id|dir> --text <file> --out <id|dir> [options]`: text-only
 * adaptation (docs/finetune.md). Keeps the base acoustic model, rebuilds the domain LM with the
 * customer's sentences and picks hotwords from them.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../server/config.ts';
import { runAsrLmAdapt } from './asr-lm/run.ts';
import { FinetuneUsageError, resolveModelRef } from './lib/model-folders.ts';

const USAGE = `usage: npm run finetune -- asr-lm --base <model id|dir> --text <file> --out <new model id|dir>
  --text FILE          customer sentences: one per line (.txt) or JSON Lines with "text" (a manifest)
  --general-text FILE  general domain text to keep in the LM (default: the base corpus's text/train.jsonl
                       when it is on this machine); --no-general-text builds from the customer text alone
  --text-weight N      each customer sentence counts N times (default 3)
  --order N            n-gram order (default: the base LM's)
  --hotwords N         at most N hotwords (default 30; 0 = none)   --hotword-min-count N (default 2)
  --dev MANIFEST       decode it with the base and the new model and print before/after
  --force              replace an existing --out (never the base)`;

export async function main(args: string[]): Promise<void> {
  try {
    const { values: v } = parseArgs({
      args,
      options: {
        base: { type: 'string' },
        text: { type: 'string' },
        out: { type: 'string' },
        'general-text': { type: 'string' },
        'no-general-text': { type: 'boolean', default: false },
        'text-weight': { type: 'string' },
        order: { type: 'string' },
        hotwords: { type: 'string' },
        'hotword-min-count': { type: 'string' },
        dev: { type: 'string' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (v.help) {
      console.log(USAGE);
      return;
    }
    if (!v.base || !v.text || !v.out)
      throw new FinetuneUsageError(`--base, --text and --out are required\n${USAGE}`);
    const modelsDir = loadConfig().models.dir;
    await runAsrLmAdapt({
      baseDir: resolveModelRef(v.base, modelsDir),
      outDir: resolveModelRef(v.out, modelsDir),
      force: v.force,
      text: v.text,
      generalText: v['no-general-text'] ? null : v['general-text'],
      textWeight: Number(v['text-weight'] ?? 3),
      order: v.order === undefined ? undefined : Number(v.order),
      hotwords: { max: Number(v.hotwords ?? 30), minCount: Number(v['hotword-min-count'] ?? 2) },
      dev: v.dev,
      command: `npm run finetune -- asr-lm ${args.join(' ')}`,
    });
  } catch (err) {
    if (err instanceof FinetuneUsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`finetune asr-lm: ${(err as Error).message}`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}
