/**
 * `npm run bench -- mt [--iterations N] [--out reports/bench-mt.json]`: latency of one
 * 15-word sentence through each MT engine that can be loaded here, both directions, one
 * request at a time (the way a session calls it); the neural engine runs ONNX Runtime with one
 * intra-op thread (target: p95 ≤ 25 ms per 15-word sentence). Writes p50/p95 ms to reports/bench-mt.json;
 * engines that cannot load (the neural model before it is trained, apertium when not installed)
 * are listed with the reason instead of a number. Engines take turns on each sentence, so the
 * figures of one run compare fairly on a noisy host. `served` is the server's router (neural,
 * dictionary terms, apertium fallback) with its lookup cache warm after the warm-up round, as
 * in a session that keeps meeting the same names; `npm run eval -- mt --engine served` gives
 * the cold figure on held-out pairs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { APERTIUM_INSTALL_HINT } from '../../server/stages/mt/apertium-engine.ts';
import type { LanguagePair } from '../../server/stages/mt/engine.ts';
import { percentile } from '../eval/metrics/percentile.ts';
import { type EvalEngineName, type EvalTranslator, loadTranslator } from '../eval/mt.ts';

/** Spoken-style (what ASR hands over), 15 words each. */
const SENTENCES: Record<string, string[]> = {
  en: [
    'could you please send someone to fix the air conditioning in my room this evening',
    'my flight to madrid was cancelled and i need a hotel near the airport tonight',
    'the doctor said i should take this medicine twice a day for one whole week',
    'is there a pharmacy open on sunday near the main entrance of the train station',
    'we would like a table for four people by the window at eight tonight please',
    'i lost my passport somewhere between the security check and the gate for my flight',
  ],
  es: [
    'podría mandar a alguien para arreglar el aire acondicionado de mi habitación esta misma tarde',
    'mi vuelo a madrid fue cancelado y necesito un hotel cerca del aeropuerto esta noche',
    'el médico dijo que tomara esta medicina dos veces al día durante una semana entera',
    'hay alguna farmacia abierta el domingo cerca de la entrada principal de la estación central',
    'queremos una mesa para cuatro personas junto a la ventana a las ocho esta noche',
    'perdí mi pasaporte en algún sitio entre el control de seguridad y mi puerta ayer',
  ],
};
const PAIRS: LanguagePair[] = [
  { source: 'en', target: 'es' },
  { source: 'es', target: 'en' },
];
const ENGINES: EvalEngineName[] = ['neural', 'apertium', 'served'];

interface Row {
  engine: EvalEngineName;
  pair: string;
  words_per_sentence: number;
  iterations: number;
  p50_ms: number;
  p95_ms: number;
  mean_ms: number;
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      iterations: { type: 'string', default: '200' },
      out: { type: 'string', default: 'reports/bench-mt.json' },
    },
  });
  const iterations = Number.parseInt(values.iterations, 10);
  for (const [lang, list] of Object.entries(SENTENCES)) {
    for (const s of list) {
      if (s.split(' ').length !== 15) throw new Error(`bench sentence (${lang}) is not 15 words: ${s}`);
    }
  }
  const rows: Row[] = [];
  const unavailable: { engine: EvalEngineName; reason: string }[] = [];
  const engines: EvalTranslator[] = [];
  for (const name of ENGINES) {
    try {
      // One intra-op thread: the neural figure is per sentence on one core.
      engines.push(
        await loadTranslator(name, PAIRS, {
          runtime: { executionProviders: ['cpu'], intraOpThreads: 1, interOpThreads: 1 },
        }),
      );
    } catch (err) {
      const reason =
        (err as Error).message + (name === 'apertium' ? ` (install: ${APERTIUM_INSTALL_HINT})` : '');
      unavailable.push({ engine: name, reason });
      console.log(`${name}: not benchmarked: ${reason}`);
    }
  }
  try {
    for (const pair of PAIRS) rows.push(...(await benchPair(engines, pair, iterations)));
  } finally {
    await Promise.all(engines.map((e) => e.close()));
  }
  for (const r of rows) {
    console.log(
      `${r.engine} ${r.pair}: p50 ${r.p50_ms} ms  p95 ${r.p95_ms} ms  (15 words, ${r.iterations} calls)`,
    );
  }
  const report = {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    note: 'one request at a time; neural: ONNX Runtime with 1 intra-op thread (one core), card decoding (beam); apertium runs as a multi-process pipeline, so it is not confined to one core',
    results: rows,
    unavailable,
  };
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${values.out}`);
}

/**
 * Each iteration runs one sentence through every engine in turn, so a burst of load from
 * elsewhere on this shared host falls on all engines alike rather than on one engine's block.
 */
async function benchPair(engines: EvalTranslator[], pair: LanguagePair, iterations: number): Promise<Row[]> {
  const sentences = SENTENCES[pair.source];
  // Warm-up: process start, page cache, JIT, the served router's dictionary cache.
  for (const engine of engines) for (const s of sentences) await engine.translate(s, pair);
  const times = engines.map(() => [] as number[]);
  for (let i = 0; i < iterations; i++) {
    for (const [e, engine] of engines.entries()) {
      const started = performance.now();
      await engine.translate(sentences[i % sentences.length], pair);
      times[e].push(performance.now() - started);
    }
  }
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return engines.map((engine, e) => {
    const sorted = times[e].sort((a, b) => a - b);
    return {
      engine: engine.name,
      pair: `${pair.source}-${pair.target}`,
      words_per_sentence: 15,
      iterations,
      p50_ms: r2(percentile(sorted, 0.5)),
      p95_ms: r2(percentile(sorted, 0.95)),
      mean_ms: r2(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    };
  });
}
