/**
 * Abbreviations per language: their spoken expansion, and whether they may end a sentence
 * (so the splitter knows "Dr." never ends one while "etc." may).
 */
import type { Lang } from '../../text/number-words.ts';

export interface Abbreviation {
  /** Written form including the final period, matched case-sensitively unless `anyCase`. */
  written: string;
  spoken: string;
  /** True when the abbreviation may close a sentence ("etc."); titles never do. */
  canEndSentence: boolean;
  anyCase?: boolean;
}

const EN: Abbreviation[] = [
  { written: 'Dr.', spoken: 'Doctor', canEndSentence: false },
  { written: 'Mr.', spoken: 'Mister', canEndSentence: false },
  { written: 'Mrs.', spoken: 'Missus', canEndSentence: false },
  { written: 'Ms.', spoken: 'Miz', canEndSentence: false },
  { written: 'Prof.', spoken: 'Professor', canEndSentence: false },
  { written: 'Jr.', spoken: 'Junior', canEndSentence: true },
  { written: 'Sr.', spoken: 'Senior', canEndSentence: true },
  { written: 'Ave.', spoken: 'Avenue', canEndSentence: true },
  { written: 'Rd.', spoken: 'Road', canEndSentence: true },
  { written: 'Blvd.', spoken: 'Boulevard', canEndSentence: true },
  { written: 'Apt.', spoken: 'apartment', canEndSentence: false },
  { written: 'Mt.', spoken: 'Mount', canEndSentence: false },
  { written: 'No.', spoken: 'number', canEndSentence: false },
  { written: 'approx.', spoken: 'approximately', canEndSentence: false, anyCase: true },
  { written: 'etc.', spoken: 'et cetera', canEndSentence: true, anyCase: true },
  { written: 'e.g.', spoken: 'for example', canEndSentence: false, anyCase: true },
  { written: 'i.e.', spoken: 'that is', canEndSentence: false, anyCase: true },
  { written: 'vs.', spoken: 'versus', canEndSentence: false, anyCase: true },
  { written: 'min.', spoken: 'minutes', canEndSentence: true },
  // "St." is resolved in context (Saint before a name, Street after one); see text-normalize.ts.
  { written: 'St.', spoken: 'Street', canEndSentence: false },
];

const ES: Abbreviation[] = [
  { written: 'Sr.', spoken: 'señor', canEndSentence: false },
  { written: 'Sra.', spoken: 'señora', canEndSentence: false },
  { written: 'Srta.', spoken: 'señorita', canEndSentence: false },
  { written: 'Sres.', spoken: 'señores', canEndSentence: false },
  { written: 'Dr.', spoken: 'doctor', canEndSentence: false },
  { written: 'Dra.', spoken: 'doctora', canEndSentence: false },
  { written: 'Dña.', spoken: 'doña', canEndSentence: false },
  { written: 'Ud.', spoken: 'usted', canEndSentence: true },
  { written: 'Uds.', spoken: 'ustedes', canEndSentence: true },
  { written: 'Vd.', spoken: 'usted', canEndSentence: true },
  { written: 'Sto.', spoken: 'santo', canEndSentence: false },
  { written: 'Sta.', spoken: 'santa', canEndSentence: false },
  { written: 'Avda.', spoken: 'avenida', canEndSentence: false },
  { written: 'Pza.', spoken: 'plaza', canEndSentence: false },
  { written: 'núm.', spoken: 'número', canEndSentence: false, anyCase: true },
  { written: 'n.º', spoken: 'número', canEndSentence: false, anyCase: true },
  { written: 'pág.', spoken: 'página', canEndSentence: false, anyCase: true },
  { written: 'tel.', spoken: 'teléfono', canEndSentence: false, anyCase: true },
  { written: 'aprox.', spoken: 'aproximadamente', canEndSentence: true, anyCase: true },
  { written: 'etc.', spoken: 'etcétera', canEndSentence: true, anyCase: true },
  { written: 'p. ej.', spoken: 'por ejemplo', canEndSentence: false, anyCase: true },
  { written: 'EE. UU.', spoken: 'Estados Unidos', canEndSentence: true },
  { written: 'EE.UU.', spoken: 'Estados Unidos', canEndSentence: true },
];

export const ABBREVIATIONS: Record<Lang, Abbreviation[]> = { en: EN, es: ES };
