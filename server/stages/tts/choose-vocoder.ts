/**
 * Which vocoder a voice speaks through (TOLK_TTS_VOCODER):
 * - `auto` (default): the neural vocoder trained for the voice's language when the registry has
 *   one (`kind: "vocoder"`, `languages` containing it; `vocoder-<lang>` first, else folder
 *   order), else Griffin-Lim;
 * - `neural`: the same, but its absence or a load failure is reported in the notes;
 * - `griffin-lim`: always the baseline.
 * A neural vocoder that fails to load never takes the voice down: it falls back to Griffin-Lim
 * with a note.
 */
import type { ModelEntry } from '../../../models/registry.ts';
import type { Vocoder } from './vocoder.ts';

export const VOCODER_CHOICES = ['auto', 'neural', 'griffin-lim'] as const;
export type VocoderChoice = (typeof VOCODER_CHOICES)[number];

export type LoadNeuralVocoder = (dir: string) => Promise<Vocoder>;

export function findVocoderEntry(entries: readonly ModelEntry[], lang: string): ModelEntry | undefined {
  const fits = entries.filter(
    (e) => e.kind === 'vocoder' && Array.isArray(e.languages) && e.languages.includes(lang),
  );
  return fits.find((e) => e.id === `vocoder-${lang}`) ?? fits[0];
}

export async function chooseVocoder(
  entries: readonly ModelEntry[],
  lang: string,
  choice: VocoderChoice,
  baseline: Vocoder,
  load: LoadNeuralVocoder,
): Promise<{ vocoder: Vocoder; note?: string }> {
  if (choice === 'griffin-lim') return { vocoder: baseline };
  const entry = findVocoderEntry(entries, lang);
  if (!entry) {
    return choice === 'neural'
      ? {
          vocoder: baseline,
          note: `TTS ${lang}: TOLK_TTS_VOCODER=neural but no vocoder model speaks ${lang}; using ${baseline.name}`,
        }
      : { vocoder: baseline };
  }
  try {
    return { vocoder: await load(entry.dir) };
  } catch (err) {
    return {
      vocoder: baseline,
      note: `TTS ${lang}: vocoder ${entry.id} not loaded (${(err as Error).message}); using ${baseline.name}`,
    };
  }
}
