/**
 * Turns the registry's `kind: "tts"` entries into voices: one ModelSynthesizer (acoustic model +
 * vocoder) per language. TOLK_TTS_VOICES picks ids in order of preference; without it every
 * `tts-<lang>` folder is a candidate, and the first per language (folder order) wins. A voice
 * that fails to load becomes a note with a `model_load_failed` message; the others still load.
 * Each voice's vocoder is chosen by choose-vocoder.ts (TOLK_TTS_VOCODER).
 */
import { basename } from 'node:path';
import { findModel, firstPerLanguage } from '../../../models/per-language.ts';
import type { ModelEntry } from '../../../models/registry.ts';
import { PipelineError } from '../../errors.ts';
import { loadMelGenerator } from './acoustic/mel-generator-onnx.ts';
import { chooseVocoder, type LoadNeuralVocoder, type VocoderChoice } from './choose-vocoder.ts';
import type { LoadMelGeneratorOptions, MelGenerator } from './mel-generator.ts';
import { ModelSynthesizer, type ModelSynthesizerOptions } from './model-synthesizer.ts';
import type { Vocoder } from './vocoder.ts';
import { loadVocosVocoder } from './vocos-vocoder.ts';

export type LoadMelGenerator = (modelDir: string, opts: LoadMelGeneratorOptions) => Promise<MelGenerator>;

/** The served acoustic model: model.json + encoder.onnx + decoder.onnx through ONNX Runtime. */
export const loadOnnxMelGenerator: LoadMelGenerator = loadMelGenerator;

const TTS_FOLDER = /^tts-([a-z]{2,3})(?:$|[-_])/;

export interface TtsCandidate {
  id: string;
  dir: string;
  lang: string;
}

/** Which folders to load: by TOLK_TTS_VOICES order when set, else `tts-<lang>` folders; one per language. */
export function selectTtsVoices(
  entries: readonly ModelEntry[],
  wanted: readonly string[],
): { chosen: TtsCandidate[]; notes: string[] } {
  const notes: string[] = [];
  const langOf = (e: ModelEntry) =>
    Array.isArray(e.languages) ? e.languages[0] : (TTS_FOLDER.exec(basename(e.dir))?.[1] ?? '');
  let ordered: ModelEntry[];
  if (wanted.length) {
    ordered = [];
    for (const id of wanted) {
      const e = findModel(entries, 'tts', id);
      if (e) ordered.push(e);
      else notes.push(`TTS voice "${id}" (TOLK_TTS_VOICES) not found among the tts models`);
    }
  } else ordered = entries.filter((e) => e.kind === 'tts' && TTS_FOLDER.test(basename(e.dir)));
  const picked = firstPerLanguage(
    ordered.map((entry) => ({ entry, lang: langOf(entry) })),
    (c, taken) => `TTS ${c.entry.id} not loaded: ${taken.entry.id} already speaks ${c.lang}`,
  );
  const chosen = picked.chosen.map(({ entry, lang }) => ({ id: entry.id, dir: entry.dir, lang }));
  return { chosen, notes: [...notes, ...picked.notes] };
}

export interface LoadTtsVoicesOptions extends ModelSynthesizerOptions {
  wanted: readonly string[];
  /** The Griffin-Lim baseline: used when no neural vocoder is chosen or loads. */
  vocoder: Vocoder;
  /** TOLK_TTS_VOCODER (default auto: a `vocoder` model for the voice's language when there is one). */
  vocoderChoice?: VocoderChoice;
  melOptions: LoadMelGeneratorOptions;
  loadMelGenerator?: LoadMelGenerator;
  loadNeuralVocoder?: LoadNeuralVocoder;
}

export async function loadTtsVoices(
  entries: readonly ModelEntry[],
  opts: LoadTtsVoicesOptions,
): Promise<{ voices: Map<string, ModelSynthesizer>; notes: string[]; errors: PipelineError[] }> {
  const { chosen, notes } = selectTtsVoices(entries, opts.wanted);
  const load = opts.loadMelGenerator ?? loadOnnxMelGenerator;
  const loadVocoder =
    opts.loadNeuralVocoder ??
    ((dir: string) =>
      loadVocosVocoder(dir, { sessions: opts.melOptions.sessions, runtime: opts.melOptions.runtime }));
  const voices = new Map<string, ModelSynthesizer>();
  const errors: PipelineError[] = [];
  await Promise.all(
    chosen.map(async (c) => {
      let generator: MelGenerator | undefined;
      try {
        generator = await load(c.dir, opts.melOptions);
        if (generator.lang !== c.lang) {
          throw new Error(`model.json says ${generator.lang}, the folder/card says ${c.lang}`);
        }
        const chosen = await chooseVocoder(
          entries,
          c.lang,
          opts.vocoderChoice ?? 'auto',
          opts.vocoder,
          loadVocoder,
        );
        if (chosen.note) notes.push(chosen.note);
        voices.set(c.lang, new ModelSynthesizer(generator, chosen.vocoder, { speed: opts.speed }));
      } catch (err) {
        await generator?.dispose().catch(() => {});
        const error = new PipelineError('model_load_failed', 'tts', {
          recoverable: false,
          message: `TTS ${c.id} not loaded (model_load_failed): ${(err as Error).message}`,
          cause: err,
        });
        errors.push(error);
        notes.push(error.message);
      }
    }),
  );
  return { voices, notes, errors };
}
