/**
 * `npm run train -- synthetic-ctc [flags]`: trains a small streaming LSTM-CTC model on
 * synthetic feature sequences with the shared training loop. A smoke test of the toolkit on
 * a real command line (progress bar, --resume, --threads, dev eval, loss curve) and the
 * template a model command (asr, mt, tts) follows.
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { COMMON_TRAIN_USAGE, parseCommonTrainArgs } from './lib/args.ts';
import { initBackend } from './lib/backend.ts';
import { ctcGreedyDecode } from './lib/ctc.ts';
import { trainLoop } from './lib/loop.ts';
import { collateCtc, createLstmCtc, type LstmCtcConfig, lstmCtcSpec } from './lib/models/lstm-ctc.ts';
import { syntheticCtc } from './lib/synthetic.ts';

export async function main(args: string[]): Promise<void> {
  if (args.includes('--help')) {
    console.log(
      `usage: npm run train -- synthetic-ctc [--units N] [--layers N] [--dim N]\n${COMMON_TRAIN_USAGE}`,
    );
    return;
  }
  const a = parseCommonTrainArgs(
    args,
    { out: 'out/train/synthetic-ctc', steps: 300, batchSize: 16, lr: 0.01, warmup: 20, evalEvery: 50 },
    { units: { type: 'string' }, layers: { type: 'string' }, dim: { type: 'string' } },
  );
  const backend = await initBackend();
  const dim = Number(a.rest.dim ?? 16);
  const vocab = 8;
  const cfg: LstmCtcConfig = {
    inputSize: dim,
    units: Number(a.rest.units ?? 64),
    layers: Number(a.rest.layers ?? 2),
    vocab,
    seed: a.seed,
  };
  const all = syntheticCtc({ count: 600, dim, vocab, seed: a.seed, maxLabels: 5 });
  const dev = all.slice(0, 64);
  const train = all.slice(64);
  const model = createLstmCtc(cfg);
  // Worker threads only pay off for single-threaded backends; libtensorflow uses all cores itself.
  const singleThreaded = backend.name === 'wasm' || backend.name === 'cpu';
  const threads = a.threads || (singleThreaded ? availableParallelism() : 1);
  const res = await trainLoop({
    model,
    spec: lstmCtcSpec(cfg),
    threads,
    train,
    lengthOf: (s) => s.frames,
    batching: { batchSize: a.batchSize },
    steps: a.steps,
    optimizer: a.optimizer,
    schedule: a.schedule,
    clipNorm: a.clipNorm,
    seed: a.seed,
    outDir: a.out,
    resume: a.resume,
    evalEvery: a.evalEvery || undefined,
    progress: a.progress,
    title: 'synthetic LSTM-CTC',
    extra: { model: cfg, command: `npm run train -- synthetic-ctc ${args.join(' ')}` },
    metric: 'seqErr',
    evaluate: () =>
      tf.tidy(() => {
        const c = collateCtc(dev, dim);
        const { logits } = model.forward(c.x);
        const hyp = ctcGreedyDecode(logits, c.inputLengths);
        const wrong = hyp.filter((h, i) => h.join() !== dev[i].labels.join()).length;
        return { seqErr: wrong / dev.length };
      }),
  });
  console.log(
    `done: ${res.steps} steps, ${res.secondsPerStep.toFixed(3)} s/step, best ${JSON.stringify(res.best)}`,
  );
}
