/**
 * Which recognizer folders serve each language by default. TOLK_ASR_MODELS picks model ids (or
 * folder names) in order of preference, the first per language winning; without it the folders
 * named exactly `asr-<lang>` do, as before. Any other ASR folder can still be asked for by one
 * session (`start.model`, server/session/requested-model.ts) and is then loaded on first use.
 */
import { basename } from 'node:path';
import { findModel, firstPerLanguage, type LanguageChoice } from '../../../models/per-language.ts';
import type { ModelEntry } from '../../../models/registry.ts';

/** A default folder: its name alone says the language. */
const DEFAULT_FOLDER = /^asr-([a-z]{2,3})$/;

/** The language an ASR folder recognizes: the first of its card's languages (the vocabulary). */
export function recognizerLanguage(entry: ModelEntry): string | undefined {
  // Primary subtag, as sessions match it: "en-US" → "en".
  return Array.isArray(entry.languages) ? entry.languages[0].split('-')[0].toLowerCase() : undefined;
}

/** An ASR model by id, or by folder name (the two differ when the card carries its own id). */
export function findRecognizer(entries: readonly ModelEntry[], idOrFolder: string): ModelEntry | undefined {
  return findModel(entries, 'asr', idOrFolder);
}

export function selectDefaultRecognizers(
  entries: readonly ModelEntry[],
  wanted: readonly string[],
): { chosen: LanguageChoice[]; notes: string[] } {
  const notes: string[] = [];
  const candidates: LanguageChoice[] = [];
  if (wanted.length) {
    for (const id of wanted) {
      const entry = findRecognizer(entries, id);
      const lang = entry && recognizerLanguage(entry);
      if (entry && lang) candidates.push({ entry, lang });
      else notes.push(`ASR model "${id}" (TOLK_ASR_MODELS) not found among the asr models`);
    }
  } else {
    // The folder name decides the language (the card's id may carry a version or variant).
    for (const entry of entries) {
      const lang = DEFAULT_FOLDER.exec(basename(entry.dir))?.[1];
      if (entry.kind === 'asr' && lang) candidates.push({ entry, lang });
    }
  }
  const picked = firstPerLanguage(candidates, (c, taken) =>
    // The same folder named twice is no conflict.
    taken.entry.dir === c.entry.dir
      ? undefined
      : `ASR ${c.entry.id} not the ${c.lang} default: ${taken.entry.id} comes first`,
  );
  return { chosen: picked.chosen, notes: [...notes, ...picked.notes] };
}
