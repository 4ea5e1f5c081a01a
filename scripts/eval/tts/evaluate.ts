/**
 * The TTS evaluation core: every system speaks every sentence; per system RTF (synthesis wall
 * time / audio time, one stream), first-chunk latency, round-trip WER/CER through each
 * recognizer (reference = the normalised words the voice was asked to say) and MCD against the
 * training voice's held-out recordings when given. The recordings themselves are scored by the
 * recognizers too, as the ceiling a perfect copy of the voice would reach.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeText } from '../../../server/stages/tts/text-normalize.ts';
import type { Lang } from '../../../server/text/number-words.ts';
import { writePcm16WavAtomic } from '../../data/lib/pcm16-wav.ts';
import { mcd } from '../metrics/mcd.ts';
import { percentile } from '../metrics/percentile.ts';
import { scoreCorpus } from '../metrics/wer.ts';
import { listeningPage } from './listening-page.ts';
import type { Recognizer, RoundTripItem } from './recognizers.ts';
import { EVAL_SAMPLE_RATE, readAudio16k, type TtsSystem } from './systems.ts';

export const REFERENCE = 'reference';

export interface EvalSentence {
  /** Written form (digits, punctuation), as MT would hand it to TTS. */
  text: string;
  /** A recording of this sentence by the training voice (MCD reference). */
  refPath?: string;
}

export interface LatencyFigures {
  mean: number;
  p50: number;
  p90: number;
  max: number;
}

export interface SystemFigures {
  name: string;
  streaming: boolean | null;
  utterances: number;
  audio_sec: number;
  /** Synthesis wall time / audio duration (null for the recordings). */
  rtf: number | null;
  first_chunk_ms: LatencyFigures | null;
  /** recognizer → round-trip error rates */
  round_trip: Record<string, { wer: number; cer: number }>;
  /** Mean MCD (dB) against the reference recordings; null without references. */
  mcd_db: number | null;
  mcd_utterances: number;
  failures: string[];
}

export interface TtsEvalReport {
  lang: Lang;
  sentences: number;
  references: number;
  recognizers: string[];
  systems: SystemFigures[];
  notes: string[];
}

export interface EvaluateOptions {
  lang: Lang;
  sentences: readonly EvalSentence[];
  systems: readonly TtsSystem[];
  recognizers: readonly Recognizer[];
  /** Where every WAV goes (<dir>/<system>/NNNN.wav); pocketsphinx reads files. */
  wavDir: string;
  /** Also write <wavDir>/index.html. */
  listeningPage?: boolean;
  notes?: string[];
  onProgress?: (system: string, done: number, total: number) => void;
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

function latency(values: number[]): LatencyFigures | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return {
    mean: round(s.reduce((a, b) => a + b, 0) / s.length, 1),
    p50: round(percentile(s, 0.5), 1),
    p90: round(percentile(s, 0.9), 1),
    max: round(s[s.length - 1], 1),
  };
}

const safeName = (name: string) => name.replace(/[^a-zA-Z0-9._-]+/g, '_');

export async function evaluateTts(opts: EvaluateOptions): Promise<TtsEvalReport> {
  const { lang, sentences } = opts;
  const words = sentences.map((s) => normalizeText(s.text, lang));
  const notes = [...(opts.notes ?? [])];
  const unreadable: string[] = [];
  const refAudio = sentences.map((s) => {
    if (!s.refPath) return undefined;
    try {
      return readAudio16k(s.refPath);
    } catch {
      unreadable.push(s.refPath);
      return undefined;
    }
  });
  if (unreadable.length)
    notes.push(
      `${unreadable.length} reference recordings not readable (e.g. ${unreadable[0]}); left out of MCD`,
    );
  const wavName = (i: number) => `${String(i).padStart(4, '0')}.wav`;
  const pageRows = sentences.map((s) => ({ text: s.text, audio: {} as Record<string, string | undefined> }));

  /**
   * A recognizer that fails, or hears nothing in any clip, says nothing about the voice: that
   * becomes a note and no figure, never a 100 % WER that reads like a measurement.
   */
  async function roundTrip(system: string, items: (RoundTripItem | undefined)[]) {
    const out: SystemFigures['round_trip'] = {};
    const ok = items.flatMap((item, i) => (item ? [{ item, i }] : []));
    for (const r of opts.recognizers) {
      if (!ok.length) continue;
      let hyps: string[];
      try {
        hyps = await r.recognize(ok.map((o) => o.item));
      } catch (err) {
        notes.push(`${system}: ${r.name} failed, round trip not scored: ${(err as Error).message}`);
        continue;
      }
      if (hyps.length !== ok.length) {
        notes.push(
          `${system}: ${r.name} returned ${hyps.length} transcripts for ${ok.length} clips, round trip not scored`,
        );
        continue;
      }
      if (hyps.every((h) => !h.trim())) {
        notes.push(
          `${system}: ${r.name} recognized no word in any of ${ok.length} clips (${ok[0].item.path} …), round trip not scored; a recognizer problem, not a 100% WER`,
        );
        continue;
      }
      const score = scoreCorpus(
        ok.map((o, k) => ({ ref: words[o.i], hyp: hyps[k] })),
        lang,
      );
      out[r.name] = { wer: round(score.wer), cer: round(score.cer) };
    }
    return out;
  }

  const figures: SystemFigures[] = [];
  for (const system of opts.systems) {
    const dir = join(opts.wavDir, safeName(system.name));
    mkdirSync(dir, { recursive: true });
    const items: (RoundTripItem | undefined)[] = [];
    const firstChunk: number[] = [];
    const failures: string[] = [];
    const mcds: number[] = [];
    let audioSec = 0;
    let synthMs = 0;
    for (let i = 0; i < sentences.length; i++) {
      try {
        const run = await system.synthesize(sentences[i].text);
        if (!run.audio.length) throw new Error('no audio');
        const path = join(dir, wavName(i));
        writePcm16WavAtomic(path, run.audio, EVAL_SAMPLE_RATE);
        items.push({ path, audio: run.audio });
        pageRows[i].audio[system.name] = `${safeName(system.name)}/${wavName(i)}`;
        audioSec += run.audio.length / EVAL_SAMPLE_RATE;
        synthMs += run.synthMs;
        firstChunk.push(run.firstChunkMs);
        const ref = refAudio[i];
        if (ref) mcds.push(mcd(ref, run.audio).mcdDb);
      } catch (err) {
        items.push(undefined);
        failures.push(`${i}: ${(err as Error).message.split('\n')[0]}`);
      }
      opts.onProgress?.(system.name, i + 1, sentences.length);
    }
    figures.push({
      name: system.name,
      streaming: system.streaming,
      utterances: items.filter(Boolean).length,
      audio_sec: round(audioSec, 2),
      rtf: audioSec > 0 ? round(synthMs / 1000 / audioSec, 5) : null,
      first_chunk_ms: latency(firstChunk),
      round_trip: await roundTrip(system.name, items),
      mcd_db: mcds.length ? round(mcds.reduce((a, b) => a + b, 0) / mcds.length, 3) : null,
      mcd_utterances: mcds.length,
      failures,
    });
  }

  const references = refAudio.filter(Boolean).length;
  if (references) {
    const dir = join(opts.wavDir, REFERENCE);
    mkdirSync(dir, { recursive: true });
    const items = sentences.map((s, i) => {
      const audio = refAudio[i];
      if (!audio || !s.refPath) return undefined;
      const path = join(dir, wavName(i));
      writePcm16WavAtomic(path, audio, EVAL_SAMPLE_RATE);
      pageRows[i].audio[REFERENCE] = `${REFERENCE}/${wavName(i)}`;
      return { path, audio };
    });
    figures.push({
      name: REFERENCE,
      streaming: null,
      utterances: references,
      audio_sec: round(refAudio.reduce((a, x) => a + (x?.length ?? 0), 0) / EVAL_SAMPLE_RATE, 2),
      rtf: null,
      first_chunk_ms: null,
      round_trip: await roundTrip(REFERENCE, items),
      mcd_db: null,
      mcd_utterances: 0,
      failures: [],
    });
  }

  if (opts.listeningPage) {
    const columns = [...(references ? [REFERENCE] : []), ...opts.systems.map((s) => s.name)];
    writeFileSync(
      join(opts.wavDir, 'index.html'),
      listeningPage(`tolk TTS (${lang}): ${sentences.length} sentences`, columns, pageRows),
    );
  }
  return {
    lang,
    sentences: sentences.length,
    references,
    recognizers: opts.recognizers.map((r) => r.name),
    systems: figures,
    notes,
  };
}

/** Fixed-width table of the report. */
export function formatTtsReport(r: TtsEvalReport): string {
  const recs = r.recognizers;
  const width = Math.max(12, ...r.systems.map((s) => s.name.length)) + 1;
  const pct = (x: number | undefined) => (x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
  const head = [
    'system'.padEnd(width),
    'utts'.padStart(5),
    'audio_s'.padStart(8),
    'rtf'.padStart(8),
    'first_ms p50/p90'.padStart(17),
    ...recs.map((n) => `WER ${n}`.padStart(18)),
    'MCD dB'.padStart(8),
  ];
  const lines = [`${r.lang}: ${r.sentences} sentences, ${r.references} reference recordings`, head.join(' ')];
  for (const s of r.systems) {
    lines.push(
      [
        s.name.padEnd(width),
        String(s.utterances).padStart(5),
        s.audio_sec.toFixed(1).padStart(8),
        (s.rtf === null ? '—' : s.rtf.toFixed(4)).padStart(8),
        (s.first_chunk_ms
          ? `${s.first_chunk_ms.p50.toFixed(0)}/${s.first_chunk_ms.p90.toFixed(0)}`
          : '—'
        ).padStart(17),
        ...recs.map((n) => pct(s.round_trip[n]?.wer).padStart(18)),
        (s.mcd_db === null ? '—' : s.mcd_db.toFixed(2)).padStart(8),
      ].join(' '),
    );
    for (const f of s.failures.slice(0, 3)) lines.push(`  ${s.name} failed on ${f}`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}
