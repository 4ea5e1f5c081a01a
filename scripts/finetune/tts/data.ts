/**
 * The new speaker's recordings, checked line by line and turned into what the voice trains and
 * is measured on: every bad line (bad JSON, empty text, text with no symbol of the voice's
 * alphabet, missing or unreadable audio, wrong sample rate, too long or short, fewer frames than
 * symbols) is skipped with its reason, never fatal. Audio is featurized as it is read and not
 * kept, so 30 minutes of speech costs its mels, not its samples too.
 */
import { encodeText } from '../../../server/stages/tts/symbols.ts';
import type { Lang } from '../../../server/stages/tts/text-normalize.ts';
import type { EvalSentence } from '../../eval/tts/evaluate.ts';
import { type TtsUtterance, ttsText, ttsUtteranceFromAudio } from '../../train/tts/dataset.ts';
import { setLabel } from '../asr/before-after.ts';
import {
  type AudioLimits,
  describeProblems,
  loadCheckedAudio,
  type ManifestProblem,
  parseManifestLines,
} from '../lib/manifest-check.ts';
import { FinetuneUsageError } from '../lib/model-folders.ts';
import type { VoiceEvalSet } from './measure.ts';

export interface VoiceSet {
  path: string;
  /** Non-blank lines read. */
  lines: number;
  utterances: TtsUtterance[];
  /** Per utterance: the written text and its recording (the reference for MCD / round trip). */
  sentences: EvalSentence[];
  problems: ManifestProblem[];
  seconds: number;
  /** Characters the voice's alphabet has no symbol for (dropped from the text), with counts. */
  unknownChars: Record<string, number>;
}

export function loadVoiceSet(path: string, lang: Lang, limits: AudioLimits): VoiceSet {
  const { rows, problems } = parseManifestLines(path);
  const lines = rows.length + problems.length;
  const utterances: TtsUtterance[] = [];
  const sentences: EvalSentence[] = [];
  const unknownChars: Record<string, number> = {};
  let seconds = 0;
  for (const row of rows) {
    const text = ttsText(row.entry, lang);
    const enc = encodeText(text, lang);
    for (const ch of enc.dropped) unknownChars[ch] = (unknownChars[ch] ?? 0) + 1;
    if (enc.ids.length < 2) {
      problems.push({ line: row.line, reason: `no speakable symbols in "${row.entry.text}"` });
      continue;
    }
    const audio = loadCheckedAudio(row, limits);
    if ('problem' in audio) {
      problems.push(audio.problem);
      continue;
    }
    // The seconds limit already bounds the frames.
    const r = ttsUtteranceFromAudio(
      row.entry.audio_filepath,
      text,
      audio.audio,
      lang,
      Number.MAX_SAFE_INTEGER,
    );
    if ('dropped' in r) {
      problems.push({ line: row.line, reason: r.dropped });
      continue;
    }
    utterances.push(r.utterance);
    sentences.push({ text: row.entry.text, refPath: row.entry.audio_filepath });
    seconds += audio.audio.length / limits.sampleRate;
  }
  problems.sort((a, b) => a.line - b.line);
  return { path, lines, utterances, sentences, problems, seconds, unknownChars };
}

/** Logs the skipped lines (with reasons) and unknown characters of a set. */
export function reportVoiceSet(label: string, set: VoiceSet, log: (s: string) => void): void {
  const skipped = describeProblems(label, set.path, set.problems, set.lines);
  if (skipped) log(skipped);
  const unknown = Object.entries(set.unknownChars);
  if (unknown.length)
    log(
      `${label}: characters with no symbol, dropped from the text: ${unknown.map(([c, n]) => `"${c}"×${n}`).join(' ')}`,
    );
}

/** The dev set (which must keep an utterance) and the held-out test sets, each reported. */
export function loadMeasureSets(
  paths: { dev: string; tests: readonly string[] },
  lang: Lang,
  limits: AudioLimits,
  log: (s: string) => void,
): { dev: VoiceSet; tests: VoiceSet[] } {
  const dev = loadVoiceSet(paths.dev, lang, limits);
  reportVoiceSet('dev', dev, log);
  if (!dev.utterances.length) throw new FinetuneUsageError(`${paths.dev}: no usable dev utterances`);
  const tests = paths.tests.map((path) => {
    const set = loadVoiceSet(path, lang, limits);
    reportVoiceSet('test', set, log);
    return set;
  });
  return { dev, tests };
}

/** What the model card records about a set. */
export function summarizeVoiceSet(set: VoiceSet) {
  return {
    manifest: set.path,
    lines: set.lines,
    utterances: set.utterances.length,
    minutes: Number((set.seconds / 60).toFixed(2)),
    skipped: set.problems.length,
  };
}

/** The before/after sets: dev (named "dev"), then each test set named by its manifest. */
export function voiceEvalSets(dev: VoiceSet, tests: readonly VoiceSet[]): VoiceEvalSet[] {
  return [dev, ...tests].map((set, i) => ({
    name: i === 0 ? 'dev' : setLabel(set.path),
    manifest: set.path,
    utterances: set.utterances,
    sentences: set.sentences,
  }));
}
