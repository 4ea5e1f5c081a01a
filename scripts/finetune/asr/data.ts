/**
 * The fine-tune's data, checked and loaded: customer train (raw audio for on-the-fly
 * augmentation), the forgetting guard's share of base data, dev (features for the greedy dev
 * WER) and the extra test sets. Every bad line is reported through `log` and skipped.
 */
import type { AsrFeatureConfig } from '../../../server/stages/asr/features.ts';
import type { AsrLanguage, CharVocabulary } from '../../../server/stages/asr/vocabulary.ts';
import type { AudioSample } from '../../train/asr/audio-model.ts';
import { type AsrSample, loadAsrSamples } from '../../train/asr/dataset.ts';
import { type CheckedManifest, describeProblems, readManifestChecked } from '../lib/manifest-check.ts';
import { FinetuneUsageError } from '../lib/model-folders.ts';
import type { AsrFinetuneOptions } from './args.ts';
import { baseShareCount, drawBaseEntries, type TrainSet, toAudioSamples } from './samples.ts';

export interface FinetuneData {
  trainManifest: CheckedManifest;
  trainSet: TrainSet;
  /** The forgetting guard's share (null without --mix-base). */
  baseShare: { manifest: CheckedManifest; set: TrainSet } | null;
  /** Customer samples, then the base share (ids are positions in this list). */
  train: AudioSample[];
  devManifest: CheckedManifest;
  dev: { samples: AsrSample[]; dropped: number };
  tests: { path: string; manifest: CheckedManifest }[];
}

export function loadFinetuneData(
  o: AsrFinetuneOptions,
  features: AsrFeatureConfig,
  vocab: CharVocabulary,
  lang: AsrLanguage,
  log: (s: string) => void,
): FinetuneData {
  const note = (label: string, path: string, m: CheckedManifest, extra: TrainSet['problems'] = []) => {
    const text = describeProblems(label, path, [...m.problems, ...extra], m.lines);
    if (text) log(text);
  };
  const read = (label: string, path: string) => {
    const m = readManifestChecked(path, o.limits);
    note(label, path, m);
    return m;
  };

  const trainManifest = readManifestChecked(o.train, o.limits);
  const trainSet = toAudioSamples(trainManifest.entries, features, vocab, lang);
  note('train', o.train, trainManifest, trainSet.problems);
  if (trainSet.samples.length === 0)
    throw new FinetuneUsageError(`${o.train}: no usable training utterances`);

  let baseShare: FinetuneData['baseShare'] = null;
  if (o.mixBase && o.mixShare > 0) {
    const want = baseShareCount(trainSet.samples.length, o.mixShare);
    const manifest = drawBaseEntries(o.mixBase, want, o.loop.seed, o.limits).manifest;
    const set = toAudioSamples(manifest.entries, features, vocab, lang, trainSet.samples.length);
    note('mix-base', o.mixBase, manifest, set.problems);
    log(
      `forgetting guard: ${set.samples.length} base utterances (${(set.seconds / 3600).toFixed(2)} h) from ${o.mixBase}, share ${o.mixShare}`,
    );
    baseShare = { manifest, set };
  }

  const devManifest = read('dev', o.dev);
  const dev = loadAsrSamples(devManifest.entries, features, vocab, lang, 'dev');
  if (dev.samples.length === 0) throw new FinetuneUsageError(`${o.dev}: no usable dev utterances`);
  const tests = o.tests.map((path) => ({ path, manifest: read('test', path) }));
  log(
    `data: train ${trainSet.samples.length} utterances (${(trainSet.seconds / 3600).toFixed(2)} h), dev ${dev.samples.length}` +
      (tests.length ? `, test ${tests.map((t) => t.manifest.entries.length).join(' + ')}` : ''),
  );
  return {
    trainManifest,
    trainSet,
    baseShare,
    train: [...trainSet.samples, ...(baseShare?.set.samples ?? [])],
    devManifest,
    dev,
    tests,
  };
}

const round = (x: number, d = 4) => Number(x.toFixed(d));

function summary(m: CheckedManifest, used: number, seconds: number, extraProblems: number) {
  return {
    manifest: m.path,
    lines: m.lines,
    utterances: used,
    hours: round(seconds / 3600),
    skipped: m.problems.length + extraProblems,
  };
}

/** What the model card records about the data: lines read, used, hours, skipped. */
export function summarizeData(d: FinetuneData, mixShare: number) {
  const devSeconds = d.devManifest.entries.reduce((s, e) => s + e.audio.length / 16000, 0);
  return {
    train: summary(
      d.trainManifest,
      d.trainSet.samples.length,
      d.trainSet.seconds,
      d.trainSet.problems.length,
    ),
    dev: summary(d.devManifest, d.dev.samples.length, devSeconds, d.dev.dropped),
    ...(d.baseShare
      ? {
          mixBase: {
            ...summary(
              d.baseShare.manifest,
              d.baseShare.set.samples.length,
              d.baseShare.set.seconds,
              d.baseShare.set.problems.length,
            ),
            share: mixShare,
          },
        }
      : {}),
    tests: d.tests.map((t) => ({
      manifest: t.path,
      lines: t.manifest.lines,
      utterances: t.manifest.entries.length,
      skipped: t.manifest.problems.length,
    })),
  };
}
