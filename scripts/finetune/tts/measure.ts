/**
 * The voice before and after, measured the way it is served: each model folder through the
 * ONNX mel generator (predicted durations, pitch, energy) on the speaker's held-out sentences.
 *  - free-running mel L1 (nats) against the recording, the prediction stretched to its length,
 *    and the predicted/real frame ratio (train/tts/evaluate.ts evaluateFreeRunning);
 *  - MCD (dB) of the Griffin-Lim audio against the recording, with DTW, and optionally the
 *    round-trip WER through recognizers, by `npm run eval -- tts`'s evaluation core
 *    (eval/tts/evaluate.ts evaluateTts), which also leaves every WAV and a listening page
 *    (recording, base, adapted side by side) in `wavDir`.
 * Speed 1: the model's own speaking rate, not a deployment's TOLK_TTS_SPEED.
 */
import { loadMelGenerator } from '../../../server/stages/tts/acoustic/mel-generator-onnx.ts';
import type { MelGenerator } from '../../../server/stages/tts/mel-generator.ts';
import { ModelSynthesizer } from '../../../server/stages/tts/model-synthesizer.ts';
import type { Lang } from '../../../server/stages/tts/text-normalize.ts';
import { griffinLimVocoder } from '../../../server/stages/tts/vocoder.ts';
import { type EvalSentence, evaluateTts, REFERENCE } from '../../eval/tts/evaluate.ts';
import type { Recognizer } from '../../eval/tts/recognizers.ts';
import { synthesizerSystem } from '../../eval/tts/systems.ts';
import type { TtsUtterance, VoiceStats } from '../../train/tts/dataset.ts';
import { evaluateFreeRunning } from '../../train/tts/evaluate.ts';

export interface VoiceFigures {
  /** Sentences synthesized. */
  utterances: number;
  /** Free-running mel L1 in nats; null when generation failed. */
  melL1FreeRunning: number | null;
  /** Predicted / recorded frames (1 = the speaker's rate). */
  frameRatio: number | null;
  /** Mean MCD in dB over the sentences that made audio; null when none did. */
  mcdDb: number | null;
  mcdUtterances: number;
  /** recognizer → round-trip error rates (empty without recognizers). */
  roundTrip: Record<string, { wer: number; cer: number }>;
  failures: string[];
}

export interface VoiceEvalSet {
  name: string;
  manifest: string;
  /** Mels normalised with `stats` (normalizeMels). */
  utterances: TtsUtterance[];
  sentences: EvalSentence[];
}

export interface CompareVoicesOptions {
  /** Display name → model folder, e.g. { base: models/tts-en, adapted: <staging> }. */
  models: Record<string, string>;
  set: VoiceEvalSet;
  stats: VoiceStats;
  lang: Lang;
  limit: number;
  glIterations: number;
  recognizers: readonly Recognizer[];
  wavDir: string;
}

export interface VoiceComparison {
  figures: Record<string, VoiceFigures>;
  /** The recordings through the same recognizers: the ceiling a perfect copy would reach. */
  recordingsRoundTrip: Record<string, { wer: number; cer: number }>;
  notes: string[];
}

const round = (x: number, d = 4) => Number(x.toFixed(d));

export async function compareVoices(o: CompareVoicesOptions): Promise<VoiceComparison> {
  const utts = o.set.utterances.slice(0, o.limit);
  const sentences = o.set.sentences.slice(0, o.limit);
  const generators: MelGenerator[] = [];
  const free: Record<string, { melL1: number | null; frameRatio: number | null; failure?: string }> = {};
  try {
    const systems = [];
    for (const [name, dir] of Object.entries(o.models)) {
      const gen = await loadMelGenerator(dir);
      generators.push(gen);
      try {
        const f = await evaluateFreeRunning(gen, utts, o.stats, o.limit);
        free[name] = { melL1: round(f.melL1), frameRatio: round(f.frameRatio) };
      } catch (err) {
        free[name] = { melL1: null, frameRatio: null, failure: `free-running: ${(err as Error).message}` };
      }
      const synth = new ModelSynthesizer(gen, griffinLimVocoder({ iterations: o.glIterations }), {
        speed: 1,
      });
      systems.push(synthesizerSystem(name, synth, o.lang));
    }
    const report = await evaluateTts({
      lang: o.lang,
      sentences,
      systems,
      recognizers: o.recognizers,
      wavDir: o.wavDir,
      listeningPage: true,
    });
    const figures: Record<string, VoiceFigures> = {};
    for (const name of Object.keys(o.models)) {
      const s = report.systems.find((x) => x.name === name);
      figures[name] = {
        utterances: sentences.length,
        melL1FreeRunning: free[name].melL1,
        frameRatio: free[name].frameRatio,
        mcdDb: s?.mcd_db ?? null,
        mcdUtterances: s?.mcd_utterances ?? 0,
        roundTrip: s?.round_trip ?? {},
        failures: [...(free[name].failure ? [free[name].failure] : []), ...(s?.failures ?? [])],
      };
    }
    return {
      figures,
      recordingsRoundTrip: report.systems.find((x) => x.name === REFERENCE)?.round_trip ?? {},
      notes: report.notes,
    };
  } finally {
    for (const g of generators) await g.dispose();
  }
}
