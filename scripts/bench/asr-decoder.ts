/**
 * `npm run bench -- asr-decoder [--seconds N] [--repeats N]`: cost of the CTC decoders in ms
 * per second of audio on random but peaky log-probs (25 frames/s after 4× subsampling, a
 * 30-token vocabulary, ~60% blank-dominated frames), streamed in 200 ms chunks. Writes
 * reports/bench-asr-decoder.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { CtcPrefixBeamSearch } from '../../server/stages/asr/beam-decoder.ts';
import type { LogProbMatrix } from '../../server/stages/asr/ctc-types.ts';
import { GreedyCtcDecoder } from '../../server/stages/asr/greedy-decoder.ts';
import { HotwordTrie } from '../../server/stages/asr/hotwords.ts';
import { buildNgramLm } from '../../server/stages/asr/lm-builder.ts';
import { type CharVocabulary, createVocabulary } from '../../server/stages/asr/vocabulary.ts';

const FRAMES_PER_SEC = 25;
const FRAME_MS = 1000 / FRAMES_PER_SEC;
const CHUNK_FRAMES = 5; // 200 ms, the partial-transcript cadence

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** English letters plus one extra token: the 30-token vocabulary the bench is specified for. */
function benchVocabulary(): CharVocabulary {
  const en = createVocabulary('en');
  const tokens = [...en.tokens, '-'];
  return { ...en, tokens, size: tokens.length, idOf: new Map([...en.idOf, ['-', tokens.length - 1]]) };
}

function peakyLogProbs(frames: number, vocabSize: number, random: () => number): LogProbMatrix {
  const data = new Float32Array(frames * vocabSize);
  const logits = new Float64Array(vocabSize);
  for (let t = 0; t < frames; t++) {
    for (let v = 0; v < vocabSize; v++) logits[v] = random() * 2;
    const top = random() < 0.6 ? 0 : 1 + Math.floor(random() * (vocabSize - 1));
    logits[top] += 4 + random() * 6;
    let z = 0;
    for (let v = 0; v < vocabSize; v++) z += Math.exp(logits[v]);
    const lz = Math.log(z);
    for (let v = 0; v < vocabSize; v++) data[t * vocabSize + v] = logits[v] - lz;
  }
  return { data, frames, vocabSize };
}

function chunks(m: LogProbMatrix): LogProbMatrix[] {
  const out: LogProbMatrix[] = [];
  for (let t = 0; t < m.frames; t += CHUNK_FRAMES) {
    const n = Math.min(CHUNK_FRAMES, m.frames - t);
    out.push({
      data: m.data.subarray(t * m.vocabSize, (t + n) * m.vocabSize),
      frames: n,
      vocabSize: m.vocabSize,
    });
  }
  return out;
}

function best(repeats: number, fn: () => void): number {
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

/** A domain-sized LM (3-gram, ~500 words) so word-boundary lookups cost what they will. */
function syntheticLm(random: () => number) {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const lexicon = Array.from({ length: 500 }, () =>
    Array.from({ length: 2 + Math.floor(random() * 7) }, () => letters[Math.floor(random() * 26)]).join(''),
  );
  const lines = Array.from({ length: 3000 }, () =>
    Array.from(
      { length: 4 + Math.floor(random() * 8) },
      () => lexicon[Math.floor(random() * lexicon.length)],
    ).join(' '),
  );
  return { lm: buildNgramLm(lines, { order: 3 }), lexicon };
}

export async function main(args: string[]): Promise<void> {
  const seconds = arg(args, 'seconds', 60);
  const repeats = arg(args, 'repeats', 3);
  const vocab = benchVocabulary();
  const random = lcg(42);
  const m = peakyLogProbs(seconds * FRAMES_PER_SEC, vocab.size, random);
  const parts = chunks(m);
  const { lm, lexicon } = syntheticLm(random);
  const hotwords = new HotwordTrie(lexicon.slice(0, 50), vocab);

  const runGreedy = () => {
    const d = new GreedyCtcDecoder(vocab, { frameShiftMs: FRAME_MS });
    for (const c of parts) d.push(c);
    d.result();
  };
  const runBeam = (opts: Partial<ConstructorParameters<typeof CtcPrefixBeamSearch>[1]>) => () => {
    const s = new CtcPrefixBeamSearch(vocab, { frameShiftMs: FRAME_MS, ...opts });
    for (const c of parts) s.push(c);
    s.finalize();
  };
  const cases: { name: string; run: () => void }[] = [
    { name: 'greedy', run: runGreedy },
    { name: 'beam8', run: runBeam({ beamWidth: 8, topK: 8 }) },
    { name: 'beam16', run: runBeam({ beamWidth: 16, topK: 8 }) },
    { name: 'beam16+lm', run: runBeam({ beamWidth: 16, topK: 8, lm }) },
    { name: 'beam16+lm+hotwords50', run: runBeam({ beamWidth: 16, topK: 8, lm, hotwords }) },
  ];
  for (const c of cases) c.run(); // warm the JIT
  const results = cases.map((c) => {
    const ms = best(repeats, c.run);
    return { decoder: c.name, msPerAudioSecond: ms / seconds, rtf: ms / 1000 / seconds };
  });
  const report = {
    bench: 'asr-decoder',
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    audioSeconds: seconds,
    framesPerSecond: FRAMES_PER_SEC,
    vocabSize: vocab.size,
    chunkMs: CHUNK_FRAMES * FRAME_MS,
    repeats,
    lm: { order: lm.order, words: lm.vocab.length },
    results,
  };
  console.log(
    `CTC decoders, ${seconds} s of peaky random log-probs (${vocab.size} tokens, 25 frames/s), best of ${repeats}`,
  );
  for (const r of results) {
    console.log(
      `  ${r.decoder.padEnd(22)} ${r.msPerAudioSecond.toFixed(3)} ms per second of audio (RTF ${r.rtf.toExponential(2)})`,
    );
  }
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/bench-asr-decoder.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log('  wrote reports/bench-asr-decoder.json');
}
