/**
 * `npm run bench -- tts [--lang es|en] [--model-dir DIR] [--gl-iters 4,8,16,32] [--json]`: serving
 * cost of a TTS voice, one stream, ORT on one intra-op thread (TOLK_ORT_INTRA_THREADS, default 1).
 *
 *  - per sentence: the acoustic model alone, the Griffin-Lim vocoder alone, and the whole path
 *    through the serving driver (normalise → chunk → model → vocoder blocks → 16 kHz PCM; pacing
 *    off), giving RTF per stream (target ≤ 0.05) and first chunk ms after the text arrives
 *    (target ≤ 100 ms); wall and CPU time (CPU time suffers less from other tenants' load);
 *  - Griffin-Lim iterations vs vocoder RTF and first-block ms, on the model's own mels.
 * Uses models/tts-<lang> when it exists and says so; without it only the vocoder sweep runs, on
 * the log-mel of a real recording (tests/fixtures/frontend/hotel-clean-16k.wav), and the report
 * says the model is absent. Writes reports/bench-tts.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runtimeOptionsFromConfig } from '../../models/onnx-session.ts';
import { logMel } from '../../server/audio/log-mel.ts';
import { readWavSync } from '../../server/audio/wav-io.ts';
import { loadConfig } from '../../server/config.ts';
import { loadOnnxMelGenerator } from '../../server/stages/tts/load-voices.ts';
import type { MelGenerator } from '../../server/stages/tts/mel-generator.ts';
import { ModelSynthesizer } from '../../server/stages/tts/model-synthesizer.ts';
import { normalizeText } from '../../server/stages/tts/text-normalize.ts';
import { griffinLimVocoder, type Vocoder, vocodeAll } from '../../server/stages/tts/vocoder.ts';
import type { Lang } from '../../server/text/number-words.ts';
import { percentile } from '../eval/metrics/percentile.ts';
import { synthesizerSystem } from '../eval/tts/systems.ts';

export const RTF_TARGET = 0.05;
export const FIRST_CHUNK_TARGET_MS = 100;
const FIXTURE = 'tests/fixtures/frontend/hotel-clean-16k.wav';

/** Desk sentences of the kind MT hands to TTS: numbers, prices, times, codes. */
export const BENCH_SENTENCES: Record<Lang, string[]> = {
  es: [
    'Su habitación es la 305, en el tercer piso.',
    'El desayuno se sirve de 7:00 a 10:30.',
    'Son 12,50 € por persona y noche.',
    '¿Necesita un taxi al aeropuerto mañana por la mañana?',
    'El vuelo IB3456 sale de la puerta B12 a las 14:45.',
    'La farmacia más cercana está a doscientos metros, a la derecha.',
    'Por favor, firme aquí y escriba su número de pasaporte.',
    'El tren a Madrid tiene un retraso de 25 minutos.',
  ],
  en: [
    'Your room is 305, on the third floor.',
    'Breakfast is served from 7:00 to 10:30.',
    'That is €12.50 per person per night.',
    'Do you need a taxi to the airport tomorrow morning?',
    'Flight IB3456 leaves from gate B12 at 2:45 pm.',
    'The nearest pharmacy is two hundred meters away, on the right.',
    'Please sign here and write your passport number.',
    'The train to Madrid is running 25 minutes late.',
  ],
};

const r = (x: number, d = 4) => Number(x.toFixed(d));

export interface VoiceFigures {
  sentences: number;
  audioSec: number;
  /** acoustic model alone, vocoder alone (whole-utterance), and the two together — wall time / audio */
  rtfAcoustic: number;
  rtfVocoder: number;
  rtfModelPlusVocoder: number;
  /** the serving driver end to end (normalise, chunk, model, vocoder blocks, resample) */
  rtfDriverWall: number;
  rtfDriverCpu: number;
  firstChunkMs: { p50: number; p90: number; max: number };
}

function quantiles(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { p50: r(percentile(s, 0.5), 1), p90: r(percentile(s, 0.9), 1), max: r(s[s.length - 1], 1) };
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/** One stream, sentence after sentence: model, vocoder and the whole driver path. */
export async function benchVoice(
  generator: MelGenerator,
  vocoder: Vocoder,
  sentences: readonly string[],
  lang: Lang,
): Promise<{ figures: VoiceFigures; mels: { mel: Float32Array; frames: number }[] }> {
  const synth = new ModelSynthesizer(generator, vocoder);
  const system = synthesizerSystem('bench', synth, lang);
  await system.synthesize(sentences[0]); // warm-up: ORT plans and allocates on the first runs
  let acousticMs = 0;
  let vocoderMs = 0;
  let driverMs = 0;
  let driverCpuMs = 0;
  let audioSec = 0;
  const first: number[] = [];
  const mels: { mel: Float32Array; frames: number }[] = [];
  for (const text of sentences) {
    const words = normalizeText(text, lang);
    let t0 = performance.now();
    const { mel, frames } = await generator.generate(words);
    acousticMs += performance.now() - t0;
    mels.push({ mel, frames });
    t0 = performance.now();
    await vocodeAll(vocoder, mel, frames);
    vocoderMs += performance.now() - t0;
    const c0 = process.cpuUsage();
    const run = await system.synthesize(text);
    driverCpuMs += cpuMs(process.cpuUsage(c0));
    driverMs += run.synthMs;
    first.push(run.firstChunkMs);
    audioSec += run.audio.length / vocoder.sampleRate;
  }
  const per = (ms: number) => r(ms / 1000 / audioSec, 5);
  return {
    figures: {
      sentences: sentences.length,
      audioSec: r(audioSec, 2),
      rtfAcoustic: per(acousticMs),
      rtfVocoder: per(vocoderMs),
      rtfModelPlusVocoder: per(acousticMs + vocoderMs),
      rtfDriverWall: per(driverMs),
      rtfDriverCpu: per(driverCpuMs),
      firstChunkMs: quantiles(first),
    },
    mels,
  };
}

export interface SweepRow {
  iterations: number;
  rtfWall: number;
  rtfCpu: number;
  /** ms from the first frame pushed to the first audio out of the streaming vocoder */
  firstBlockMs: number;
}

/** Griffin-Lim iterations vs cost, on the given mels (pushed a few frames at a time, as served). */
export function glSweep(
  mels: readonly { mel: Float32Array; frames: number }[],
  iterations: readonly number[],
) {
  const rows: SweepRow[] = [];
  // Warm-up: the first pass through the FFT and GL loops runs before V8 has optimised them.
  if (mels.length) {
    const warm = griffinLimVocoder({ iterations: 4 }).createStream();
    warm.push(mels[0].mel, mels[0].frames);
    warm.flush();
  }
  for (const it of iterations) {
    const vocoder = griffinLimVocoder({ iterations: it });
    const bins = vocoder.numMelBins;
    let wall = 0;
    let cpu = 0;
    let audio = 0;
    const firsts: number[] = [];
    for (const { mel, frames } of mels) {
      const stream = vocoder.createStream();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let firstAt = Number.NaN;
      for (let t = 0; t < frames; t += vocoder.pushFrames) {
        const n = Math.min(vocoder.pushFrames, frames - t);
        const out = stream.push(mel.subarray(t * bins, (t + n) * bins), n);
        audio += out.length;
        if (out.length && Number.isNaN(firstAt)) firstAt = performance.now() - t0;
      }
      audio += stream.flush().length;
      if (Number.isNaN(firstAt)) firstAt = performance.now() - t0;
      wall += performance.now() - t0;
      cpu += cpuMs(process.cpuUsage(c0));
      firsts.push(firstAt);
    }
    const sec = audio / vocoder.sampleRate;
    rows.push({
      iterations: it,
      rtfWall: r(wall / 1000 / sec, 5),
      rtfCpu: r(cpu / 1000 / sec, 5),
      firstBlockMs: quantiles(firsts).p50,
    });
  }
  return rows;
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      lang: { type: 'string', default: 'es' },
      'model-dir': { type: 'string' },
      'gl-iters': { type: 'string', default: '4,8,16,32' },
      json: { type: 'boolean', default: false },
    },
  });
  const lang = values.lang;
  if (lang !== 'es' && lang !== 'en') {
    console.error(
      'usage: npm run bench -- tts [--lang es|en] [--model-dir DIR] [--gl-iters 4,8,16,32] [--json]',
    );
    process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  const runtime = runtimeOptionsFromConfig(config.models);
  const modelDir = resolve(values['model-dir'] ?? join(config.models.dir, `tts-${lang}`));
  const iterations = values['gl-iters'].split(',').map(Number);
  const servedIterations = config.tts.griffinLimIterations;

  let generator: MelGenerator | null = null;
  let absentReason: string | null = null;
  if (!existsSync(join(modelDir, 'model.json'))) absentReason = `no model.json in ${modelDir}`;
  else {
    try {
      generator = await loadOnnxMelGenerator(modelDir, { runtime });
    } catch (err) {
      absentReason = (err as Error).message;
    }
  }
  console.log(
    generator
      ? `bench tts: model ${generator.id} (${modelDir}), Griffin-Lim ${servedIterations} iterations as served, ORT intra-op threads ${config.models.intraOpThreads}`
      : `bench tts: NO acoustic model (${absentReason}); train one with npm run train -- tts. Only the vocoder sweep runs, on ${FIXTURE}`,
  );

  try {
    let voice: VoiceFigures | null = null;
    let mels: { mel: Float32Array; frames: number }[];
    if (generator) {
      const result = await benchVoice(
        generator,
        griffinLimVocoder({ iterations: servedIterations }),
        BENCH_SENTENCES[lang],
        lang,
      );
      voice = result.figures;
      mels = result.mels;
      const ok = (v: number, target: number) => (v <= target ? 'meets' : 'MISSES');
      console.log(
        [
          `${voice.sentences} sentences, ${voice.audioSec} s of audio, one stream`,
          `RTF acoustic ${voice.rtfAcoustic} + vocoder ${voice.rtfVocoder} = ${voice.rtfModelPlusVocoder} (${ok(voice.rtfModelPlusVocoder, RTF_TARGET)} ≤ ${RTF_TARGET})`,
          `RTF through the driver: wall ${voice.rtfDriverWall}, CPU ${voice.rtfDriverCpu}`,
          `first chunk after text: p50 ${voice.firstChunkMs.p50} ms, p90 ${voice.firstChunkMs.p90} ms, max ${voice.firstChunkMs.max} ms (${ok(voice.firstChunkMs.p50, FIRST_CHUNK_TARGET_MS)} ≤ ${FIRST_CHUNK_TARGET_MS} ms at p50)`,
        ].join('\n'),
      );
    } else {
      const wav = readWavSync(FIXTURE);
      const m = logMel(wav.samples, { padEnd: true });
      mels = [{ mel: m.data, frames: m.frames }];
    }
    const sweep = glSweep(mels, iterations);
    console.log('GL iterations   vocoder RTF wall   RTF CPU   first block ms');
    for (const row of sweep) {
      console.log(
        `${String(row.iterations).padStart(13)} ${String(row.rtfWall).padStart(18)} ${String(row.rtfCpu).padStart(9)} ${String(row.firstBlockMs).padStart(16)}`,
      );
    }
    const report = {
      bench: 'tts',
      date: new Date().toISOString(),
      cpu: cpus()[0]?.model.trim(),
      cores: cpus().length,
      node: process.version,
      loadAverage1m: r(loadavg()[0], 2),
      lang,
      model: generator ? { id: generator.id, dir: modelDir } : { absent: absentReason },
      ortIntraOpThreads: config.models.intraOpThreads,
      griffinLimIterations: servedIterations,
      targets: { rtf: RTF_TARGET, firstChunkMs: FIRST_CHUNK_TARGET_MS },
      voice,
      sweep: { melSource: generator ? 'model' : FIXTURE, rows: sweep },
    };
    mkdirSync('reports', { recursive: true });
    writeFileSync('reports/bench-tts.json', `${JSON.stringify(report, null, 2)}\n`);
    if (values.json) console.log(JSON.stringify(report));
  } finally {
    await generator?.dispose();
  }
}
