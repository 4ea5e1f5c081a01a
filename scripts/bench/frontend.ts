/**
 * `npm run bench -- frontend [--json] [--reps N]`: cost of the audio front-end per second of audio,
 * by stage (resample / rnnoise / vad+endpointer) and end to end, for 16 kHz and 48 kHz input,
 * with both RNNoise wasm builds side by side, plus their quality on the hotel fixtures.
 * Where a stage was optimised, the previous code path runs in the same process next to the
 * current one ("old" / "new" rows): the generic resampler loop vs the integer-ratio loops, and
 * the staging-copy RNNoise I/O vs DenoiseStream's heap I/O.
 *
 * Cost is CPU time (process.cpuUsage, best of N repetitions) per second of audio: on a shared
 * machine wall time also counts time spent waiting for a core, CPU time does not. Wall time is
 * reported next to it. Sessions per core = 1000 / (CPU ms per second of audio); sessions on the
 * machine = that × the number of cores.
 * Writes reports/bench-frontend.json; with --json prints that object as the last line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RESAMPLER_DESIGN, resample, StreamingResampler } from '../../server/audio/resample.ts';
import { readWavSync } from '../../server/audio/wav-io.ts';
import { DenoiseStream } from '../../server/stages/frontend/denoise-stream.ts';
import { Endpointer } from '../../server/stages/frontend/endpointer.ts';
import { createFrontend } from '../../server/stages/frontend/index.ts';
import {
  loadRnnoise,
  RNNOISE_FRAME_SAMPLES,
  type RnnoiseBuild,
  RnnoiseState,
  type RnnoiseWasm,
} from '../../server/stages/frontend/rnnoise.ts';
import type { FrontendEvent, FrontendOptions } from '../../server/stages/frontend/types.ts';
import { VAD_SAMPLE_RATE, VoiceDetector } from '../../server/stages/frontend/vad.ts';

const FIXTURES = fileURLToPath(new URL('../../tests/fixtures/frontend/', import.meta.url));
const REPORT = fileURLToPath(new URL('../../reports/bench-frontend.json', import.meta.url));
const TARGET_SESSIONS_ON_MACHINE = 100;
const PUSH_MS = 20;

type Candidate = RnnoiseBuild;

interface Cost {
  cpuMsPerS: number;
  wallMsPerS: number;
}

async function loadCandidates(): Promise<Candidate[]> {
  const out: Candidate[] = [await loadRnnoise()];
  try {
    const mod = await import('@jitsi/rnnoise-wasm/dist/rnnoise-sync.js');
    const instance = mod.default();
    await instance.ready;
    // Its RNNoise version returns each frame two frames late (measured below as measuredDelaySamples).
    out.push({
      name: '@jitsi/rnnoise-wasm (sync)',
      wasm: instance as unknown as RnnoiseWasm,
      delaySamples: 960,
    });
  } catch (err) {
    console.error(`@jitsi/rnnoise-wasm not available (${(err as Error).message}); comparing one build only`);
  }
  return out;
}

/** Best-of-reps CPU and wall time of fn, per second of audio. */
function measure(audioSeconds: number, reps: number, fn: () => void): Cost {
  fn(); // warm-up: JIT and wasm tiers
  let cpu = Number.POSITIVE_INFINITY;
  let wall = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall = Math.min(wall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  return { cpuMsPerS: cpu / audioSeconds, wallMsPerS: wall / audioSeconds };
}

function chunks(x: Float32Array, sampleRate: number): Float32Array[] {
  const n = Math.round((sampleRate * PUSH_MS) / 1000);
  const out: Float32Array[] = [];
  for (let i = 0; i < x.length; i += n) out.push(x.subarray(i, i + n));
  return out;
}

function options(inputSampleRate: number, denoise: boolean): FrontendOptions {
  return {
    inputSampleRate,
    denoise,
    returnDenoised: false,
    vadAggressiveness: 2,
    vadFrameMs: 30,
    speechStartMs: 90,
    hangoverMs: 300,
  };
}

function energy(x: Float32Array, sampleRate: number, fromMs: number, toMs: number): number {
  let s = 0;
  const end = Math.min(x.length, Math.round((toMs * sampleRate) / 1000));
  for (let i = Math.round((fromMs * sampleRate) / 1000); i < end; i++) s += x[i] * x[i];
  return s;
}

function denoiseWhole(build: RnnoiseBuild, x48k: Float32Array): Float32Array {
  const state = new RnnoiseState(build);
  const stream = new DenoiseStream(state);
  const out = new Float32Array(x48k.length);
  let at = 0;
  for (const part of [stream.push(x48k), stream.flush()]) {
    out.set(part.subarray(0, out.length - at), at);
    at += part.length;
  }
  state.destroy();
  return out;
}

interface Quality {
  candidate: string;
  msPerFrame: number;
  measuredDelaySamples: number;
  pauseNoiseReductionDb: number;
  cleanSpeechEnergyChangeDb: number;
  snrInDb: number;
  snrOutDb: number;
}

/** Noise removed in the pauses, clean speech kept, and SNR against the clean signal in speech. */
function quality(
  candidate: Candidate,
  noisy48k: Float32Array,
  clean48k: Float32Array,
  segments: { startMs: number; endMs: number }[],
  durationMs: number,
  reps: number,
): Quality {
  const outNoisy = denoiseWhole(candidate, noisy48k);
  const outClean = denoiseWhole(candidate, clean48k);
  const sr = 48_000;
  let pauseIn = 0;
  let pauseOut = 0;
  for (let i = 1; i <= segments.length; i++) {
    const from = segments[i - 1].endMs + 150;
    const to = (i < segments.length ? segments[i].startMs : durationMs) - 150;
    pauseIn += energy(noisy48k, sr, from, to);
    pauseOut += energy(outNoisy, sr, from, to);
  }
  let cleanIn = 0;
  let cleanOut = 0;
  let signal = 0;
  let errIn = 0;
  let errOut = 0;
  for (const s of segments) {
    cleanIn += energy(clean48k, sr, s.startMs, s.endMs);
    cleanOut += energy(outClean, sr, s.startMs, s.endMs);
    const a = Math.round((s.startMs * sr) / 1000);
    const b = Math.round((s.endMs * sr) / 1000);
    for (let i = a; i < b; i++) {
      signal += clean48k[i] ** 2;
      errIn += (noisy48k[i] - clean48k[i]) ** 2;
      errOut += (outNoisy[i] - clean48k[i]) ** 2;
    }
  }
  const state = new RnnoiseState(candidate);
  const frame = new Float32Array(RNNOISE_FRAME_SAMPLES);
  const frames = Math.floor(noisy48k.length / RNNOISE_FRAME_SAMPLES);
  const raw = new Float32Array(frames * RNNOISE_FRAME_SAMPLES);
  const cost = measure(noisy48k.length / sr, reps, () => {
    for (let f = 0; f < frames; f++) {
      frame.set(clean48k.subarray(f * RNNOISE_FRAME_SAMPLES, (f + 1) * RNNOISE_FRAME_SAMPLES));
      state.process(frame, frame);
      raw.set(frame, f * RNNOISE_FRAME_SAMPLES);
    }
  });
  state.destroy();
  // The build's own delay: lag of the cross-correlation peak between clean speech in and out.
  let measuredDelaySamples = 0;
  let bestCorrelation = Number.NEGATIVE_INFINITY;
  for (let lag = 0; lag <= 4 * RNNOISE_FRAME_SAMPLES; lag++) {
    let c = 0;
    for (let i = sr; i < 2 * sr && i + lag < raw.length; i++) c += clean48k[i] * raw[i + lag];
    if (c > bestCorrelation) {
      bestCorrelation = c;
      measuredDelaySamples = lag;
    }
  }
  const db = (r: number) => 10 * Math.log10(r);
  return {
    candidate: candidate.name,
    msPerFrame: cost.cpuMsPerS / 100,
    measuredDelaySamples,
    pauseNoiseReductionDb: db(pauseIn / pauseOut),
    cleanSpeechEnergyChangeDb: db(cleanOut / cleanIn),
    snrInDb: db(signal / errIn),
    snrOutDb: db(signal / errOut),
  };
}

/**
 * The previous DenoiseStream data path, kept for the old-vs-new figure: input copied into a JS
 * frame, RnnoiseState.process copies it (scaled) into the heap and back, then into the output.
 */
function stagedDenoise(state: RnnoiseState, parts: Float32Array[]): void {
  const frame = new Float32Array(RNNOISE_FRAME_SAMPLES);
  let out = new Float32Array(4 * RNNOISE_FRAME_SAMPLES);
  let fill = 0;
  for (const input of parts) {
    if (out.length < input.length + 2 * RNNOISE_FRAME_SAMPLES) out = new Float32Array(2 * input.length + 960);
    let produced = 0;
    let i = 0;
    while (i < input.length) {
      const take = Math.min(input.length - i, RNNOISE_FRAME_SAMPLES - fill);
      frame.set(input.subarray(i, i + take), fill);
      fill += take;
      i += take;
      if (fill < RNNOISE_FRAME_SAMPLES) break;
      fill = 0;
      state.process(frame, frame);
      out.set(frame, produced);
      produced += RNNOISE_FRAME_SAMPLES;
    }
  }
}

interface StageRow {
  inputSampleRate: number;
  stage: string;
  cpuMsPerS: number;
  wallMsPerS: number;
}

interface TotalRow {
  inputSampleRate: number;
  denoise: string;
  cpuMsPerS: number;
  wallMsPerS: number;
  sessionsPerCore: number;
  sessionsOnMachine: number;
}

function stageRows(
  inputSampleRate: number,
  input: Float32Array,
  candidates: Candidate[],
  reps: number,
): StageRow[] {
  const seconds = input.length / inputSampleRate;
  const rows: StageRow[] = [];
  const row = (stage: string, cost: Cost) => rows.push({ inputSampleRate, stage, ...cost });
  const parts = chunks(input, inputSampleRate);
  const x48k = inputSampleRate === 48_000 ? input : resample(input, inputSampleRate, 48_000);
  const parts48k = chunks(x48k, 48_000);
  const x16k = resample(input, inputSampleRate, VAD_SAMPLE_RATE);
  // old = the generic fractional-phase loop (before the integer-ratio loops), new = what runs now;
  // measured alternately in the same process so machine load hits both alike.
  const resampleRow = (label: string, from: number, to: number, input: Float32Array[]) => {
    for (const fast of [false, true]) {
      row(
        `${label} (${fast ? 'new: integer-ratio loop' : 'old: generic loop'})`,
        measure(seconds, reps, () => {
          const r = new StreamingResampler(from, to, DEFAULT_RESAMPLER_DESIGN, { integerFastPaths: fast });
          for (const p of input) r.push(p);
        }),
      );
    }
  };
  if (inputSampleRate !== 48_000) {
    resampleRow(`resample ${inputSampleRate / 1000}→48 kHz`, inputSampleRate, 48_000, parts);
  }
  resampleRow('resample 48→16 kHz', 48_000, VAD_SAMPLE_RATE, parts48k);
  for (const c of candidates) {
    row(
      `rnnoise ${c.name} (old: staging copies)`,
      measure(seconds, reps, () => {
        const state = new RnnoiseState(c);
        stagedDenoise(state, parts48k);
        state.destroy();
      }),
    );
    row(
      `rnnoise ${c.name} (new: DenoiseStream, heap I/O)`,
      measure(seconds, reps, () => {
        const state = new RnnoiseState(c);
        const stream = new DenoiseStream(state);
        for (const p of parts48k) stream.push(p);
        state.destroy();
      }),
    );
  }
  const vadFrameMs = 30;
  row(
    'vad + endpointer (30 ms frames)',
    measure(seconds, reps, () => {
      const vad = new VoiceDetector(2, vadFrameMs);
      const ep = new Endpointer({
        sampleRate: VAD_SAMPLE_RATE,
        frameSamples: vad.frameSamples,
        speechStartMs: 90,
        hangoverMs: 300,
        preRollMs: 300,
      });
      const events: FrontendEvent[] = [];
      const n = vad.frameSamples;
      for (let i = 0; i + n <= x16k.length; i += n) {
        const frame = x16k.subarray(i, i + n);
        ep.frame(frame, vad.isVoiced(frame), 1, events);
        ep.drain(events);
      }
    }),
  );
  return rows;
}

async function totalRows(
  inputSampleRate: number,
  input: Float32Array,
  candidates: Candidate[],
  reps: number,
): Promise<TotalRow[]> {
  const seconds = input.length / inputSampleRate;
  const parts = chunks(input, inputSampleRate);
  const rows: TotalRow[] = [];
  const variants: { denoise: string; opts: FrontendOptions; rnnoise?: RnnoiseBuild }[] = [
    ...candidates.map((c) => ({ denoise: c.name, opts: options(inputSampleRate, true), rnnoise: c })),
    { denoise: 'off', opts: options(inputSampleRate, false) },
  ];
  for (const v of variants) {
    // Front-ends are created outside the timed region; each repetition uses a fresh one.
    const pool = await Promise.all(
      Array.from({ length: reps + 1 }, () => createFrontend(v.opts, { rnnoise: v.rnnoise })),
    );
    let k = 0;
    const cost = measure(seconds, reps, () => {
      const fe = pool[k++];
      for (const p of parts) fe.push(p);
      fe.flush();
    });
    for (const fe of pool) fe.close();
    rows.push({
      inputSampleRate,
      denoise: v.denoise,
      ...cost,
      sessionsPerCore: 1000 / cost.cpuMsPerS,
      sessionsOnMachine: (1000 * cpus().length) / cost.cpuMsPerS,
    });
  }
  return rows;
}

async function libsamplerateReference(seconds: number, reps: number): Promise<StageRow[]> {
  const mod = (await import('@alexanderolsen/libsamplerate-js')) as unknown as {
    default?: typeof import('@alexanderolsen/libsamplerate-js');
  } & typeof import('@alexanderolsen/libsamplerate-js');
  const lib = mod.default ?? mod;
  const rows: StageRow[] = [];
  for (const [name, type] of [
    ['SINC_FASTEST', lib.ConverterType.SRC_SINC_FASTEST],
    ['SINC_MEDIUM_QUALITY', lib.ConverterType.SRC_SINC_MEDIUM_QUALITY],
  ] as const) {
    const src = await lib.create(1, 16_000, 48_000, { converterType: type });
    const input = new Float32Array(16_000 * seconds).map((_, i) => 0.3 * Math.sin(i * 0.05));
    const parts = chunks(input, 16_000);
    const out = new Float32Array(4096);
    const cost = measure(seconds, reps, () => {
      for (const p of parts) src.full(p, out);
    });
    src.destroy();
    rows.push({ inputSampleRate: 16_000, stage: `(reference) libsamplerate-js ${name} 16→48 kHz`, ...cost });
  }
  return rows;
}

const f = (x: number, d = 2) => x.toFixed(d);

export async function main(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const repsArg = args.indexOf('--reps');
  const reps = repsArg >= 0 ? Number(args[repsArg + 1]) : 7;
  const ref = JSON.parse(
    (await import('node:fs')).readFileSync(`${FIXTURES}hotel-segments.json`, 'utf8'),
  ) as { files: Record<string, string>; segments: { startMs: number; endMs: number }[]; durationMs: number };
  const noisy16k = readWavSync(FIXTURES + ref.files.noisy).samples;
  const clean16k = readWavSync(FIXTURES + ref.files.clean).samples;
  const noisy48k = resample(noisy16k, 16_000, 48_000);
  const clean48k = resample(clean16k, 16_000, 48_000);
  const candidates = await loadCandidates();
  const audioSeconds = noisy16k.length / 16_000;

  const stages: StageRow[] = [];
  const totals: TotalRow[] = [];
  for (const [rate, input] of [
    [16_000, noisy16k],
    [48_000, noisy48k],
  ] as const) {
    stages.push(...stageRows(rate, input, candidates, reps));
    totals.push(...(await totalRows(rate, input, candidates, reps)));
  }
  stages.push(...(await libsamplerateReference(2, Math.min(reps, 3))));
  const qualities = candidates.map((c) => quality(c, noisy48k, clean48k, ref.segments, ref.durationMs, reps));

  const cores = cpus().length;
  const chosen = totals.filter((t) => t.denoise === candidates[0].name);
  const worst = Math.max(...chosen.map((t) => t.cpuMsPerS));
  const report = {
    bench: 'frontend',
    date: new Date().toISOString(),
    machine: { cores, cpu: cpus()[0]?.model ?? 'unknown', loadavg1m: loadavg()[0] },
    audioSeconds,
    pushMs: PUSH_MS,
    reps,
    stages,
    totals,
    quality: qualities,
    target: {
      sessionsOnMachine: TARGET_SESSIONS_ON_MACHINE,
      maxCpuMsPerS: (1000 * cores) / TARGET_SESSIONS_ON_MACHINE,
      chosenWorstCpuMsPerS: worst,
      chosenSessionsOnMachine: Math.floor((1000 * cores) / worst),
      met: (1000 * cores) / worst >= TARGET_SESSIONS_ON_MACHINE,
    },
  };

  console.log(
    `front-end bench: ${f(audioSeconds, 1)} s of 10 dB SNR speech, ${PUSH_MS} ms pushes, best of ${reps}`,
  );
  console.log(
    `machine: ${cores} cores, load average ${f(loadavg()[0], 1)} (CPU time is robust to load, wall time is not)\n`,
  );
  console.log(`${'stage'.padEnd(72)} input   CPU ms/s  wall ms/s`);
  for (const s of stages) {
    console.log(
      `${s.stage.padEnd(72)} ${String(s.inputSampleRate / 1000).padStart(3)} kHz ${f(s.cpuMsPerS).padStart(8)} ${f(s.wallMsPerS).padStart(9)}`,
    );
  }
  console.log(
    `\n${'end to end (createFrontend)'.padEnd(50)} input   CPU ms/s  wall ms/s  sessions/core  sessions on ${cores} cores`,
  );
  for (const t of totals) {
    console.log(
      `${`denoise: ${t.denoise}`.padEnd(50)} ${String(t.inputSampleRate / 1000).padStart(3)} kHz ${f(t.cpuMsPerS).padStart(8)} ${f(t.wallMsPerS).padStart(9)} ${f(t.sessionsPerCore, 0).padStart(13)} ${f(t.sessionsOnMachine, 0).padStart(18)}`,
    );
  }
  console.log(
    '\nRNNoise build                     ms/frame  delay  pause noise ↓ dB  clean speech Δ dB  SNR in → out dB',
  );
  for (const q of qualities) {
    console.log(
      `${q.candidate.padEnd(32)} ${f(q.msPerFrame, 3).padStart(9)} ${String(q.measuredDelaySamples).padStart(6)} ${f(q.pauseNoiseReductionDb, 1).padStart(17)} ${f(q.cleanSpeechEnergyChangeDb).padStart(18)} ${`${f(q.snrInDb, 1)} → ${f(q.snrOutDb, 1)}`.padStart(16)}`,
    );
  }
  const t = report.target;
  console.log(
    `\ntarget ${t.sessionsOnMachine} sessions on ${cores} cores (≤ ${f(t.maxCpuMsPerS, 1)} CPU ms/s each): ` +
      `${t.met ? 'met' : 'NOT met'} with denoise on — ${t.chosenSessionsOnMachine} sessions at ${f(worst)} ms/s (worst input rate)`,
  );
  mkdirSync(fileURLToPath(new URL('../../reports/', import.meta.url)), { recursive: true });
  writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${REPORT}`);
  if (json) console.log(JSON.stringify(report));
}
