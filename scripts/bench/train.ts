/**
 * `npm run bench -- train [--json] [--steps N] [--stock-steps N] [--stock-parallel]`
 *
 * Seconds per training step (gradients + clip + Adam) for the issue-5 configuration: a 3×256
 * LSTM over batch 16 × 100 frames × 320 features with a CTC head — stock tf.layers.lstm vs the
 * toolkit's FastLstm, measured in the same run, on one core and on all cores (data-parallel
 * worker threads); and one Transformer block (d 256, 4 heads, FFN 1024, batch 16 × 100),
 * fast vs naive layers API. Prints a table, writes reports/bench-train.json; with --json the
 * last stdout line is that JSON object. Stock is slow, so it runs few steps.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../train/lib/backend.ts';
import type { TrainModel } from '../train/lib/model.ts';
import {
  type CtcSample,
  createLstmCtc,
  type LstmCtcConfig,
  lstmCtcSpec,
} from '../train/lib/models/lstm-ctc.ts';
import { clipByGlobalNorm, Optimizer } from '../train/lib/optim.ts';
import { DataParallel } from '../train/lib/parallel.ts';
import { ParamStore } from '../train/lib/params.ts';
import { formatTable } from '../train/lib/report.ts';
import { Rng } from '../train/lib/rng.ts';
import { attentionBias, NaiveTransformerBlock, TransformerBlock } from '../train/lib/transformer.ts';

const BATCH = 16;
const FRAMES = 100;
const FEATURES = 320;
const UNITS = 256;
const LAYERS = 3;
const VOCAB = 32;
const LABELS = 20;

function arg(args: string[], name: string, def: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function makeBatch(seed: number): CtcSample[] {
  const rng = new Rng(seed);
  return Array.from({ length: BATCH }, () => ({
    frames: FRAMES,
    features: Float32Array.from({ length: FRAMES * FEATURES }, () => rng.normal()),
    labels: Array.from({ length: LABELS }, () => 1 + rng.int(VOCAB - 1)),
  }));
}

/** One warm-up step, then `steps` timed steps of gradients + clipping + Adam; median s/step. */
async function timeLstm(
  cfg: LstmCtcConfig,
  threads: number,
  steps: number,
  batch: CtcSample[],
  log: (s: string) => void,
): Promise<Timing> {
  const model = createLstmCtc(cfg);
  const dp = await DataParallel.start<CtcSample>(model, lstmCtcSpec(cfg), { threads });
  const opt = new Optimizer(model.params, { kind: 'adam' });
  const times: number[] = [];
  const cpu: number[] = [];
  try {
    for (let i = 0; i <= steps; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const g = await dp.gradients(batch);
      const { grads } = clipByGlobalNorm(g.grads, 5);
      opt.apply(grads, 1e-3);
      for (const m of [g.grads, grads]) for (const t of m.values()) t.dispose();
      const s = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const cs = (c.user + c.system) / 1e6;
      if (i > 0) {
        times.push(s);
        cpu.push(cs);
      }
      const shares = g.shareMs.map((ms) => (ms / 1000).toFixed(2)).join('+');
      log(
        `  ${cfg.recurrent} ×${threads} ${i === 0 ? 'warm-up' : `step ${i}`}: ${s.toFixed(2)} s, CPU ${cs.toFixed(2)} s, shares ${shares} s (loss ${g.loss.toFixed(3)})`,
      );
    }
  } finally {
    await dp.close();
    opt.dispose();
    model.params.dispose();
  }
  return { wall: median(times), cpu: median(cpu) };
}

/**
 * Wall seconds per step, and process CPU seconds per step (all threads). On this shared
 * machine wall time depends on everyone else's load; CPU time much less so, and
 * cpu / threads is what an otherwise idle machine would approach.
 */
interface Timing {
  wall: number;
  cpu: number;
}

async function timeTransformer(
  kind: 'fast' | 'naive',
  steps: number,
  log: (s: string) => void,
): Promise<number> {
  const d = 256;
  const opts = { dModel: d, heads: 4, ffnSize: 1024, seed: 1 };
  const x = tf.randomNormal([BATCH, FRAMES, d], 0, 1, 'float32', 1) as tf.Tensor3D;
  const lengths = Array.from({ length: BATCH }, (_, b) => FRAMES - b * 3);
  const bias = attentionBias(BATCH, FRAMES, FRAMES, { keyLengths: lengths });
  const params = new ParamStore();
  const fast = kind === 'fast' ? new TransformerBlock(params, 'b', opts) : undefined;
  const naive = kind === 'naive' ? new NaiveTransformerBlock(opts) : undefined;
  if (naive) naive.apply(x, bias).dispose();
  const vars = fast ? params.variables() : naive!.trainableVariables;
  const model: TrainModel<null> = {
    params,
    loss: () => tf.mean(tf.square(fast ? fast.apply(x, bias) : naive!.apply(x, bias))) as tf.Scalar,
  };
  const opt = tf.train.adam(1e-4);
  const times: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const t0 = performance.now();
    const cost = opt.minimize(() => model.loss([null]), true, vars);
    cost?.dataSync();
    cost?.dispose();
    const s = (performance.now() - t0) / 1000;
    if (i > 0) times.push(s);
    log(`  transformer ${kind} ${i === 0 ? 'warm-up' : `step ${i}`}: ${s.toFixed(3)} s`);
  }
  opt.dispose();
  params.dispose();
  x.dispose();
  bias.dispose();
  return median(times);
}

export async function main(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const steps = arg(args, '--steps', 3);
  const stockSteps = arg(args, '--stock-steps', 2);
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const backend = await initBackend();
  const cores = availableParallelism();
  const batch = makeBatch(1);
  const base: LstmCtcConfig = { inputSize: FEATURES, units: UNITS, layers: LAYERS, vocab: VOCAB, seed: 1 };
  log(
    `LSTM ${LAYERS}×${UNITS}, batch ${BATCH} × ${FRAMES} frames × ${FEATURES}, CTC over ${VOCAB}, Adam; ${cores} cores`,
  );

  const stock1t = await timeLstm({ ...base, recurrent: 'stock' }, 1, stockSteps, batch, log);
  const fast1t = await timeLstm({ ...base, recurrent: 'fast' }, 1, steps, batch, log);
  const fastNt = await timeLstm({ ...base, recurrent: 'fast' }, cores, steps, batch, log);
  const stockNt = args.includes('--stock-parallel')
    ? await timeLstm({ ...base, recurrent: 'stock' }, cores, stockSteps, batch, log)
    : undefined;
  const trNaive = await timeTransformer('naive', steps, log);
  const trFast = await timeTransformer('fast', steps, log);
  const [stock1, fast1, fastN, stockN] = [stock1t.wall, fast1t.wall, fastNt.wall, stockNt?.wall];
  const load = loadavg();

  const result = {
    backend: `${backend.name}${backend.simd === undefined ? '' : backend.simd ? ' (SIMD)' : ' (no SIMD)'}`,
    cores,
    config: { layers: LAYERS, units: UNITS, batch: BATCH, frames: FRAMES, features: FEATURES, vocab: VOCAB },
    stock_s_per_step: stockN ?? stock1,
    stock_s_per_step_1core: stock1,
    stock_s_per_step_all_cores: stockN ?? null,
    fast_s_per_step: fastN,
    fast_s_per_step_1core: fast1,
    speedup_vs_stock: (stockN ?? stock1) / fastN,
    speedup_1core: stock1 / fast1,
    parallel_speedup: fast1 / fastN,
    cpu_s_per_step: { stock_1core: stock1t.cpu, fast_1core: fast1t.cpu, fast_all_cores: fastNt.cpu },
    // What an idle machine approaches: CPU work spread over the threads that did it.
    fast_s_per_step_idle_estimate: fastNt.cpu / cores,
    transformer_naive_s_per_step: trNaive,
    transformer_fast_s_per_step: trFast,
    transformer_speedup: trNaive / trFast,
    steps: { fast: steps, stock: stockSteps },
    load_average: load,
    date: new Date().toISOString(),
  };
  const table = formatTable([
    ['backend', result.backend],
    ['stock tf.layers.lstm, 1 core', `${stock1.toFixed(2)} s/step  (CPU ${stock1t.cpu.toFixed(2)} s)`],
    ...(stockN ? ([[`stock, ${cores} cores`, `${stockN.toFixed(2)} s/step`]] as [string, string][]) : []),
    [
      'FastLstm, 1 core',
      `${fast1.toFixed(2)} s/step  (${(stock1 / fast1).toFixed(1)}× stock; CPU ${fast1t.cpu.toFixed(2)} s)`,
    ],
    [
      `FastLstm, ${cores} cores`,
      `${fastN.toFixed(2)} s/step  (${result.speedup_vs_stock.toFixed(1)}× stock; CPU ${fastNt.cpu.toFixed(2)} s over ${cores} threads)`,
    ],
    ['data-parallel speed-up (wall)', `${result.parallel_speedup.toFixed(2)}×`],
    [
      `FastLstm ${cores} cores, idle estimate`,
      `${result.fast_s_per_step_idle_estimate.toFixed(2)} s/step (CPU / threads)`,
    ],
    ['Transformer block naive', `${trNaive.toFixed(3)} s/step`],
    ['Transformer block fast', `${trFast.toFixed(3)} s/step  (${result.transformer_speedup.toFixed(1)}×)`],
    ['load average (1/5/15 min)', `${load.map((l) => l.toFixed(1)).join(' ')} on ${cores} cores`],
  ]);
  console.log(table);
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/bench-train.json', `${JSON.stringify(result, null, 2)}\n`);
  if (json) console.log(JSON.stringify(result));
}
