/**
 * The command-line flags every `npm run train -- <model>` command shares, parsed into the
 * pieces trainLoop takes. Model commands add their own flags on top.
 */
import { parseArgs } from 'node:util';
import type { OptimizerConfig, ScheduleConfig } from './optim.ts';

export interface CommonTrainArgs {
  out: string;
  /** Whether --out was given (as `--out DIR` or `--out=DIR`), for commands whose default depends on other flags. */
  outGiven: boolean;
  resume: boolean;
  steps: number;
  batchSize: number;
  threads: number;
  seed: number;
  clipNorm: number;
  evalEvery: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  progress: boolean;
  /** Flags not consumed here, for the model command. */
  rest: Record<string, string | boolean | undefined>;
}

export const COMMON_TRAIN_USAGE = `common training flags:
  --out DIR            checkpoints, log.jsonl, loss.html (default out/train/<model>)
  --resume             continue from DIR/last exactly (weights, optimizer, step, data order)
  --steps N            total optimizer steps          --batch N     samples per batch
  --threads N          data-parallel threads (default: all cores on wasm/cpu, 1 on tfjs-node)
  --optimizer adam|sgd --lr X --momentum X --warmup N --decay constant|linear|cosine|inverse-sqrt
  --min-lr X           --clip X (global-norm clipping, default 5; 0 = off)
  --eval-every N       dev evaluation + best checkpoint every N steps
  --seed N             --no-progress`;

export function parseCommonTrainArgs(
  args: string[],
  defaults: Partial<{
    out: string;
    steps: number;
    batchSize: number;
    lr: number;
    warmup: number;
    evalEvery: number;
  }>,
  extraOptions: Record<string, { type: 'string' | 'boolean' }> = {},
): CommonTrainArgs {
  const { values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      resume: { type: 'boolean', default: false },
      steps: { type: 'string' },
      batch: { type: 'string' },
      threads: { type: 'string' },
      seed: { type: 'string' },
      clip: { type: 'string' },
      'eval-every': { type: 'string' },
      optimizer: { type: 'string', default: 'adam' },
      lr: { type: 'string' },
      momentum: { type: 'string' },
      warmup: { type: 'string' },
      decay: { type: 'string', default: 'cosine' },
      'min-lr': { type: 'string' },
      'no-progress': { type: 'boolean', default: false },
      ...extraOptions,
    },
  });
  const num = (v: unknown, d: number) => (v === undefined ? d : Number(v));
  const steps = num(values.steps, defaults.steps ?? 1000);
  const lr = num(values.lr, defaults.lr ?? 1e-3);
  const kind = values.optimizer === 'sgd' ? 'sgd' : 'adam';
  const clip = num(values.clip, 5);
  const decay = String(values.decay) as ScheduleConfig['decay'];
  if (!['constant', 'linear', 'cosine', 'inverse-sqrt'].includes(decay ?? ''))
    throw new Error(`unknown --decay ${decay}`);
  return {
    out: String(values.out ?? defaults.out ?? 'out/train'),
    outGiven: values.out !== undefined,
    resume: Boolean(values.resume),
    steps,
    batchSize: num(values.batch, defaults.batchSize ?? 16),
    threads: num(values.threads, 0),
    seed: num(values.seed, 1),
    clipNorm: clip > 0 ? clip : Number.POSITIVE_INFINITY,
    evalEvery: num(values['eval-every'], defaults.evalEvery ?? 0),
    optimizer: kind === 'sgd' ? { kind, momentum: num(values.momentum, 0.9) } : { kind },
    schedule: {
      lr,
      warmupSteps: num(values.warmup, defaults.warmup ?? 0),
      decay,
      totalSteps: steps,
      minLr: num(values['min-lr'], lr * 0.01),
    },
    progress: !values['no-progress'],
    rest: values as Record<string, string | boolean | undefined>,
  };
}
