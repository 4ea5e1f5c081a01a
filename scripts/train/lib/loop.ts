/**
 * The training loop every tolk model uses: bucketed batches → gradients (optionally data
 * parallel over worker threads) → global-norm clipping → optimizer with warm-up + decay.
 * Around it: a progress bar with ETA and live loss, dev evaluation every N steps with a
 * best-checkpoint keep, `last/` checkpoints that `resume` continues from exactly (weights,
 * optimizer slots, step, data position), a JSON-lines log, an HTML loss curve and a summary.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import cliProgress from 'cli-progress';
import { type BatchingOptions, BatchStream } from './batching.ts';
import {
  type CheckpointMeta,
  type EvalRecord,
  hasCheckpoint,
  loadCheckpoint,
  type StepRecord,
  saveCheckpoint,
} from './checkpoint.ts';
import { computeGradients, type ModelSpec, type TrainModel } from './model.ts';
import {
  clipByGlobalNorm,
  learningRate,
  Optimizer,
  type OptimizerConfig,
  type ScheduleConfig,
} from './optim.ts';
import { DataParallel } from './parallel.ts';
import { ema, formatTable, JsonlLog, renderLossCurve } from './report.ts';

export interface TrainLoopOptions<S> {
  model: TrainModel<S>;
  train: S[];
  /** Length used for bucketing (frames, tokens). */
  lengthOf: (s: S) => number;
  batching: Omit<BatchingOptions, 'seed'>;
  /** Total optimizer steps of the run (a resumed run continues up to this). */
  steps: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  /** Max global gradient norm (default 5; Infinity disables). */
  clipNorm?: number;
  seed?: number;
  /** Where checkpoints (`last/`, `best/`), `log.jsonl` and `loss.html` go. */
  outDir: string;
  /** Continue from `outDir/last` when it exists. */
  resume?: boolean;
  /** Steps between `last/` checkpoints (default: evalEvery, else 100). Always saved at the end. */
  checkpointEvery?: number;
  evalEvery?: number;
  /** Dev evaluation; the returned metrics are logged, `metric` picks the best checkpoint. */
  evaluate?: (ctx: {
    step: number;
    model: TrainModel<S>;
  }) => Promise<Record<string, number>> | Record<string, number>;
  metric?: string;
  higherIsBetter?: boolean;
  /**
   * Early stopping: end the run once this many dev evaluations in a row have not beaten the
   * best `metric` (needs `evaluate` and `evalEvery`). Counted from the logged evaluations, so a
   * resumed run stops where the uninterrupted one would have.
   */
  patience?: number;
  /** Threads for data-parallel gradients (needs `spec`); default 1. */
  threads?: number;
  spec?: ModelSpec;
  /** Show the progress bar (default: when stderr is a TTY). */
  progress?: boolean;
  /** Print the summary table at the end (default true). */
  summary?: boolean;
  /** Stop after this step even though `steps` is larger (simulates an interrupted run). */
  stopAtStep?: number;
  title?: string;
  /** Saved into checkpoint metadata (model config, command line). */
  extra?: Record<string, unknown>;
}

export interface TrainResult {
  steps: number;
  history: StepRecord[];
  evals: EvalRecord[];
  best?: { metric: number; step: number };
  /** Set when `patience` ended the run before `steps`. */
  stoppedEarly?: { step: number; evalsWithoutImprovement: number };
  secondsPerStep: number;
  summary: string;
}

export async function trainLoop<S>(o: TrainLoopOptions<S>): Promise<TrainResult> {
  const seed = o.seed ?? 1;
  const clip = o.clipNorm ?? 5;
  const metricKey = o.metric ?? 'loss';
  const better = (a: number, b: number) => (o.higherIsBetter ? a > b : a < b);
  mkdirSync(o.outDir, { recursive: true });
  const lastDir = join(o.outDir, 'last');
  const bestDir = join(o.outDir, 'best');
  const log = new JsonlLog(join(o.outDir, 'log.jsonl'));
  const opt = new Optimizer(o.model.params, o.optimizer);
  const lengths = o.train.map(o.lengthOf);

  let step = 0;
  let history: StepRecord[] = [];
  let evals: EvalRecord[] = [];
  let best: CheckpointMeta['best'];
  let stream: BatchStream;
  if (o.resume && hasCheckpoint(lastDir)) {
    const ck = loadCheckpoint(lastDir);
    o.model.params.setWeights(ck.params);
    opt.setState({ updates: ck.meta.optimizerUpdates, slots: ck.slots });
    step = ck.meta.step;
    history = ck.meta.history;
    evals = ck.meta.evals;
    best = ck.meta.best;
    stream = new BatchStream(
      lengths,
      { ...o.batching, seed: ck.meta.seed },
      ck.meta.epoch,
      ck.meta.batchIndex,
    );
    log.truncateAfter(step);
    log.write({ event: 'resume', step, epoch: ck.meta.epoch, batchIndex: ck.meta.batchIndex });
  } else {
    writeFileSync(log.path, '');
    stream = new BatchStream(lengths, { ...o.batching, seed });
    log.write({
      event: 'start',
      steps: o.steps,
      seed,
      optimizer: o.optimizer,
      schedule: o.schedule,
      clipNorm: clip,
    });
  }

  const threads = o.threads ?? 1;
  if (threads > 1 && !o.spec)
    throw new Error('trainLoop: threads > 1 needs `spec` so workers can build the model');
  const dp = threads > 1 ? await DataParallel.start(o.model, o.spec!, { threads }) : undefined;

  const save = (dir: string) =>
    saveCheckpoint(dir, {
      meta: {
        version: 1,
        step,
        epoch: stream.epoch,
        batchIndex: stream.index,
        seed,
        optimizerUpdates: opt.getState().updates,
        best,
        history,
        evals,
        extra: o.extra,
      },
      params: o.model.params.getWeights(),
      slots: opt.getState().slots,
    });

  // Evaluations since the best one (all of them while there is no best yet).
  const evalsWithoutImprovement = () => evals.filter((e) => !best || e.step > best.step).length;
  const patienceSpent = () =>
    o.patience !== undefined && o.patience > 0 && evals.length > 0 && evalsWithoutImprovement() >= o.patience;

  const runEval = async () => {
    if (!o.evaluate) return;
    const metrics = await o.evaluate({ step, model: o.model });
    evals.push({ step, metrics });
    log.write({ event: 'eval', step, ...metrics });
    const m = metrics[metricKey];
    if (m !== undefined && (!best || better(m, best.metric))) {
      best = { metric: m, step };
      save(bestDir);
    }
  };

  const end = Math.min(o.steps, o.stopAtStep ?? o.steps);
  const showBar = o.progress ?? Boolean(process.stderr.isTTY);
  const bar = showBar
    ? new cliProgress.SingleBar(
        {
          format: `${o.title ?? 'train'} |{bar}| {value}/{total} | loss {loss} | lr {lr} | {sps} s/step | ETA {eta_formatted}`,
          stream: process.stderr,
          etaBuffer: 20,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(o.steps, step, { loss: '-', lr: '-', sps: '-' });
  const ckEvery = o.checkpointEvery ?? o.evalEvery ?? 100;
  const t0 = performance.now();
  const startStep = step;
  try {
    while (step < end && !patienceSpent()) {
      const ts = performance.now();
      const samples = stream.next().map((i) => o.train[i]);
      const g = dp ? await dp.gradients(samples) : computeGradients(o.model, samples);
      const { grads, norm } = clipByGlobalNorm(g.grads, clip);
      const lr = learningRate(o.schedule, step);
      opt.apply(grads, lr);
      for (const t of g.grads.values()) t.dispose();
      for (const t of grads.values()) t.dispose();
      step++;
      const rec: StepRecord = { step, loss: g.loss, lr, gradNorm: norm, ms: performance.now() - ts };
      history.push(rec);
      log.write({ event: 'step', ...rec, epoch: stream.epoch });
      const recent = ema(history.slice(-50).map((r) => r.loss)).at(-1)!;
      bar?.update(step, {
        loss: recent.toFixed(4),
        lr: lr.toExponential(2),
        sps: (rec.ms / 1000).toFixed(2),
      });
      if (o.evalEvery && step % o.evalEvery === 0) await runEval();
      if (step % ckEvery === 0 || step === end || patienceSpent()) save(lastDir);
    }
    // Final evaluation unless the last step just had one (or this run did no steps).
    const evaluatedLast = o.evalEvery !== undefined && step % o.evalEvery === 0;
    if (o.evaluate && step > startStep && step === o.steps && !evaluatedLast) await runEval();
  } finally {
    bar?.stop();
    await dp?.close();
    opt.dispose();
  }
  const stoppedEarly =
    step < o.steps && patienceSpent()
      ? { step, evalsWithoutImprovement: evalsWithoutImprovement() }
      : undefined;
  if (stoppedEarly) log.write({ event: 'early_stop', ...stoppedEarly, patience: o.patience });
  const ran = step - startStep;
  const secondsPerStep = ran ? (performance.now() - t0) / 1000 / ran : 0;
  writeFileSync(join(o.outDir, 'loss.html'), renderLossCurve(o.title ?? 'training', history, evals));
  const first = history.slice(0, 10).map((r) => r.loss);
  const last = history.slice(-10).map((r) => r.loss);
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
  const lastEval = evals.at(-1);
  const summary = formatTable([
    ['steps', `${step} (this run ${ran}, ${threads} thread${threads > 1 ? 's' : ''})`],
    ['s/step', secondsPerStep.toFixed(3)],
    ['loss first 10 / last 10', `${mean(first).toFixed(4)} / ${mean(last).toFixed(4)}`],
    ['dev (last)', lastEval ? JSON.stringify(lastEval.metrics) : '-'],
    ['best', best ? `${metricKey} ${best.metric.toFixed(4)} at step ${best.step} → ${bestDir}` : '-'],
    ...(stoppedEarly
      ? ([
          [
            'stopped early',
            `at step ${step}: ${stoppedEarly.evalsWithoutImprovement} evaluations without a better ${metricKey}`,
          ],
        ] as [string, string][])
      : []),
    ['checkpoint', lastDir],
    ['log / curve', `${log.path} / ${join(o.outDir, 'loss.html')}`],
  ]);
  log.write({ event: 'end', step, secondsPerStep });
  if (o.summary ?? true) process.stderr.write(`${summary}\n`);
  if (tf.memory().numTensors > 10_000)
    process.stderr.write(`[train] warning: ${tf.memory().numTensors} live tensors\n`);
  return { steps: step, history, evals, best, stoppedEarly, secondsPerStep, summary };
}
