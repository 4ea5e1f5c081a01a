/**
 * Choosing one model folder per language for a stage (the default recognizers, the voices): a
 * deployment setting names ids or folder names in order of preference, and the first folder per
 * language wins. Shared so both stages resolve names and settle ties the same way.
 */
import { basename } from 'node:path';
import type { ModelEntry } from './registry.ts';

export interface LanguageChoice {
  entry: ModelEntry;
  lang: string;
}

/** A model of `kind` by id, or by folder name (the two differ when the card carries its own id). */
export function findModel(
  entries: readonly ModelEntry[],
  kind: string,
  idOrFolder: string,
): ModelEntry | undefined {
  const ofKind = entries.filter((e) => e.kind === kind);
  return ofKind.find((e) => e.id === idOrFolder) ?? ofKind.find((e) => basename(e.dir) === idOrFolder);
}

/**
 * The first candidate per language wins. A later one for a taken language is left out, with the
 * note `describeSkip` gives (none when it returns undefined).
 */
export function firstPerLanguage(
  candidates: readonly LanguageChoice[],
  describeSkip: (skipped: LanguageChoice, taken: LanguageChoice) => string | undefined,
): { chosen: LanguageChoice[]; notes: string[] } {
  const chosen: LanguageChoice[] = [];
  const notes: string[] = [];
  for (const c of candidates) {
    const taken = chosen.find((d) => d.lang === c.lang);
    if (!taken) chosen.push(c);
    else {
      const note = describeSkip(c, taken);
      if (note) notes.push(note);
    }
  }
  return { chosen, notes };
}
