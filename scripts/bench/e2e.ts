/**
 * `npm run bench -- e2e [--levels 1,2,4,8,16] [--seconds 30] [--budget-ms 500] [--manifest PATH]
 *                       [--files 40] [--source en] [--target es] [--no-stop] [--json]`
 *
 * End-to-end serving latency: a real tolk server on 127.0.0.1 (port 0) with the shipped models
 * (whatever TOLK_MODELS_DIR / models/ holds), and N concurrent Node SDK clients streaming
 * held-out domain WAVs (data/medium/en/test.jsonl when present, else the committed fixture WAVs)
 * back to back, each followed by 800 ms of silence, at real-time pace in 40 ms frames.
 *
 * Per segment, measured at the client (loopback, so the network is ~0): speech_end → final
 * transcript, → translation, → first binary speech frame; and the server's own `metrics`
 * (compute per stage). Each level N runs for --seconds; the sweep stops after the first level
 * whose p95 first-audio latency misses the budget (unless --no-stop). Reports the largest N
 * that keeps p95 first audio under --budget-ms. Prints a table and writes reports/bench-e2e.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { connect } from '../../client/node/client.ts';
import { type RunningServer, startServer } from '../../server/app.ts';
import { readWav } from '../../server/audio/wav-io.ts';
import { loadConfig } from '../../server/config.ts';
import { percentile } from '../eval/metrics/percentile.ts';

/** Loopback clients at most, whatever --levels asks (2 cores run them beside the server). */
const MAX_STREAMS = 64;
const FRAME_MS = 40;
const GAP_MS = 800;
const DEFAULT_MANIFEST = 'data/medium/en/test.jsonl';
const FIXTURE_DIR = 'tests/fixtures/frontend';

interface Utterance {
  id: string;
  samples: Float32Array;
  sampleRate: number;
}

interface SegmentTiming {
  transcriptMs?: number;
  translationMs?: number;
  firstAudioMs?: number;
  stageMs?: Record<string, number>;
  server?: { transcriptMs?: number; translationMs?: number; firstAudioMs?: number };
}

interface Quantiles {
  n: number;
  p50: number | null;
  p95: number | null;
}

export interface LevelResult {
  streams: number;
  seconds: number;
  segments: number;
  transcriptMs: Quantiles;
  translationMs: Quantiles;
  firstAudioMs: Quantiles;
  /** Server-side compute per stage per segment (from `metrics.stageMs`). */
  stageMs: Record<string, Quantiles>;
  /** Server's own speech_end → first audio (from `metrics`), to separate network/client time. */
  serverFirstAudioMs: Quantiles;
  errors: Record<string, number>;
  droppedSpeechFrames: number;
  withinBudget: boolean | null;
}

function quantiles(values: number[]): Quantiles {
  if (!values.length) return { n: 0, p50: null, p95: null };
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: round(percentile(sorted, 0.5)), p95: round(percentile(sorted, 0.95)) };
}

const round = (v: number) => Math.round(v * 10) / 10;

/** Held-out utterances: the manifest's WAVs (paths relative to it), else the fixture WAVs. */
async function loadUtterances(
  manifest: string,
  limit: number,
): Promise<{ source: string; items: Utterance[] }> {
  if (existsSync(manifest)) {
    const base = dirname(resolve(manifest));
    const lines = readFileSync(manifest, 'utf8').split('\n').filter(Boolean).slice(0, limit);
    const items: Utterance[] = [];
    for (const line of lines) {
      const row = JSON.parse(line) as { audio_filepath: string };
      const path = resolve(base, row.audio_filepath);
      const wav = await readWav(path);
      items.push({ id: row.audio_filepath, samples: wav.samples, sampleRate: wav.sampleRate });
    }
    if (items.length) return { source: manifest, items };
  }
  const files = ['hotel-clean-16k.wav', 'hotel-noisy-10db-16k.wav'];
  const items = await Promise.all(
    files.map(async (f) => {
      const wav = await readWav(join(FIXTURE_DIR, f));
      return { id: f, samples: wav.samples, sampleRate: wav.sampleRate };
    }),
  );
  return { source: `${FIXTURE_DIR} (no ${manifest})`, items };
}

/** Utterances back to back with a silent gap, resampled never: all share the first file's rate. */
function programme(
  items: Utterance[],
  offset: number,
  seconds: number,
): { samples: Float32Array; sampleRate: number } {
  const sampleRate = items[0].sampleRate;
  const usable = items.filter((u) => u.sampleRate === sampleRate);
  const gap = Math.round((GAP_MS * sampleRate) / 1000);
  const parts: Float32Array[] = [];
  let total = 0;
  for (let i = 0; total < seconds * sampleRate; i++) {
    const u = usable[(offset + i) % usable.length];
    parts.push(u.samples, new Float32Array(gap));
    total += u.samples.length + gap;
  }
  const out = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return { samples: out.subarray(0, Math.round(seconds * sampleRate)), sampleRate };
}

/** One client: streams its programme in real time and times every segment it gets back. */
async function runClient(
  url: string,
  audio: { samples: Float32Array; sampleRate: number },
  lang: { source: string; target: string },
  startDelayMs: number,
): Promise<{ segments: SegmentTiming[]; errors: string[]; dropped: number }> {
  await new Promise((r) => setTimeout(r, startDelayMs));
  const stream = await connect(url, {
    sampleRate: audio.sampleRate,
    encoding: 's16le',
    source: lang.source,
    target: lang.target,
    partials: true,
  });
  const endedAt = new Map<number, number>();
  const timings = new Map<number, SegmentTiming>();
  const errors: string[] = [];
  let dropped = 0;
  let speaking: number | undefined;
  const timing = (id: number) => {
    let t = timings.get(id);
    if (!t) timings.set(id, (t = {}));
    return t;
  };
  const since = (id: number) => performance.now() - (endedAt.get(id) ?? Number.NaN);
  const reading = (async () => {
    for await (const e of stream) {
      if (e.type === 'speech_end') endedAt.set(e.segmentId, performance.now());
      else if (e.type === 'transcript' && e.final) timing(e.segmentId).transcriptMs = since(e.segmentId);
      else if (e.type === 'translation') timing(e.segmentId).translationMs = since(e.segmentId);
      else if (e.type === 'audio_start' && e.stream === 'speech') speaking = e.segmentId;
      else if (e.type === 'audio' && e.stream === 'speech' && speaking !== undefined) {
        timing(speaking).firstAudioMs ??= since(speaking);
      } else if (e.type === 'audio_end' && e.stream === 'speech') {
        dropped += e.droppedFrames;
        speaking = undefined;
      } else if (e.type === 'metrics') {
        const t = timing(e.segmentId);
        t.stageMs = e.stageMs;
        t.server = {
          transcriptMs: e.transcriptLatencyMs,
          translationMs: e.translationLatencyMs,
          firstAudioMs: e.firstAudioLatencyMs,
        };
      } else if (e.type === 'error') errors.push(e.code);
    }
  })();
  const frame = Math.round((audio.sampleRate * FRAME_MS) / 1000);
  const t0 = performance.now();
  for (let i = 0, at = 0; at < audio.samples.length; i++, at += frame) {
    const wait = t0 + i * FRAME_MS - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await stream.sendAudio(audio.samples.subarray(at, at + frame));
  }
  await stream.stop();
  await reading;
  // Only segments whose speech_end was seen have client-side latencies.
  const segments = [...timings.entries()].filter(([id]) => endedAt.has(id)).map(([, t]) => t);
  return { segments, errors, dropped };
}

async function runLevel(
  server: RunningServer,
  utterances: Utterance[],
  streams: number,
  seconds: number,
  lang: { source: string; target: string },
  budgetMs: number,
  speechExpected: boolean,
): Promise<LevelResult> {
  const url = `ws://127.0.0.1:${server.port}/v1/stream`;
  const runs = await Promise.all(
    Array.from({ length: streams }, (_, i) =>
      // Staggered starts and different first utterances, so clients do not speak in lockstep.
      runClient(url, programme(utterances, i * 3, seconds), lang, (i * 1000) / streams),
    ),
  );
  const segments = runs.flatMap((r) => r.segments);
  const pick = (f: (t: SegmentTiming) => number | undefined) =>
    segments.map(f).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const stages = new Set(segments.flatMap((s) => Object.keys(s.stageMs ?? {})));
  const stageMs: Record<string, Quantiles> = {};
  for (const stage of stages) stageMs[stage] = quantiles(pick((s) => s.stageMs?.[stage]));
  const errors: Record<string, number> = {};
  for (const code of runs.flatMap((r) => r.errors)) errors[code] = (errors[code] ?? 0) + 1;
  const firstAudioMs = quantiles(pick((s) => s.firstAudioMs));
  return {
    streams,
    seconds,
    segments: segments.length,
    transcriptMs: quantiles(pick((s) => s.transcriptMs)),
    translationMs: quantiles(pick((s) => s.translationMs)),
    firstAudioMs,
    stageMs,
    serverFirstAudioMs: quantiles(pick((s) => s.server?.firstAudioMs)),
    errors,
    droppedSpeechFrames: runs.reduce((n, r) => n + r.dropped, 0),
    withinBudget: speechExpected && firstAudioMs.p95 !== null ? firstAudioMs.p95 < budgetMs : null,
  };
}

const cell = (q: Quantiles) => (q.p50 === null ? '—' : `${q.p50} / ${q.p95}`);

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      levels: { type: 'string', default: '1,2,4,8,16' },
      seconds: { type: 'string', default: '30' },
      'budget-ms': { type: 'string', default: '500' },
      manifest: { type: 'string', default: DEFAULT_MANIFEST },
      files: { type: 'string', default: '40' },
      source: { type: 'string', default: 'en' },
      target: { type: 'string', default: 'es' },
      'no-stop': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const levels = values.levels.split(',').map(Number);
  const seconds = Number(values.seconds);
  const budgetMs = Number(values['budget-ms']);
  if (levels.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_STREAMS)) {
    throw new Error(`--levels: integers in 1..${MAX_STREAMS}`);
  }
  if (!(seconds >= 5)) throw new Error('--seconds must be at least 5');
  const lang = { source: values.source, target: values.target };
  const { source: audioSource, items } = await loadUtterances(values.manifest, Number(values.files));

  // Loopback only; enough session slots for the largest level. Everything else from the env.
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    TOLK_MAX_SESSIONS: String(Math.max(...levels) + 4),
  });
  const server = await startServer(config);
  try {
    const loaded = await server.engines;
    const speechExpected = loaded.stages.includes('tts');
    console.log(
      `bench e2e: server stages ${loaded.stages.join(', ')} (models from ${config.models.dir}); audio ${audioSource}, ${items.length} utterances; ${lang.source}→${lang.target}; ${seconds} s per level, 40 ms frames at real-time pace`,
    );
    if (!speechExpected) {
      console.log('  no TTS voice loaded: first-audio latency cannot be measured, no N can be judged on it');
    }
    // Warm-up: one short session, so model loading and JIT are not in the first level.
    await runLevel(server, items, 1, 5, lang, budgetMs, speechExpected);
    console.log(
      'streams  segments  transcript p50/p95 ms  translation p50/p95 ms  first audio p50/p95 ms  server first audio    asr compute    mt compute    tts compute  errors',
    );
    const results: LevelResult[] = [];
    for (const n of levels) {
      const r = await runLevel(server, items, n, seconds, lang, budgetMs, speechExpected);
      results.push(r);
      const errs = Object.entries(r.errors)
        .map(([c, k]) => `${c}×${k}`)
        .join(' ');
      console.log(
        [
          String(n).padStart(7),
          String(r.segments).padStart(10),
          cell(r.transcriptMs).padStart(23),
          cell(r.translationMs).padStart(24),
          cell(r.firstAudioMs).padStart(24),
          cell(r.serverFirstAudioMs).padStart(20),
          cell(r.stageMs.asr ?? quantiles([])).padStart(15),
          cell(r.stageMs.mt ?? quantiles([])).padStart(14),
          cell(r.stageMs.tts ?? quantiles([])).padStart(15),
          `  ${errs || '—'}`,
        ].join(''),
      );
      if (r.withinBudget === false && !values['no-stop']) {
        console.log(`  p95 first audio ${r.firstAudioMs.p95} ms ≥ ${budgetMs} ms at N=${n}: sweep stopped`);
        break;
      }
    }
    const fitting = results.filter((r) => r.withinBudget === true).map((r) => r.streams);
    const largest = fitting.length ? Math.max(...fitting) : null;
    console.log(
      speechExpected
        ? `→ largest N with p95 first audio < ${budgetMs} ms: ${largest ?? 'none of the levels run'} (${cpus().length} cores, load average ${loadavg()[0].toFixed(1)})`
        : `→ no TTS stage: no first-audio figure (transcript and translation latencies above)`,
    );
    const report = {
      bench: 'e2e',
      date: new Date().toISOString(),
      cpu: cpus()[0]?.model.trim(),
      cores: cpus().length,
      node: process.version,
      loadAverage1m: Number(loadavg()[0].toFixed(2)),
      stages: loaded.stages,
      engines: loaded.summary,
      audio: { source: audioSource, utterances: items.length, frameMs: FRAME_MS, gapMs: GAP_MS },
      languages: lang,
      secondsPerLevel: seconds,
      budgetMs,
      levels: results,
      largestStreamsWithinBudget: largest,
    };
    mkdirSync('reports', { recursive: true });
    writeFileSync('reports/bench-e2e.json', `${JSON.stringify(report, null, 2)}\n`);
    console.log('wrote reports/bench-e2e.json');
    if (values.json) console.log(JSON.stringify(report));
  } finally {
    await server.close();
  }
}
