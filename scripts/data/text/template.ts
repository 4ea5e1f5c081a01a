/**
 * A template is a frame with slots. `action` frames yield an infinitive phrase and `object`
 * frames a noun phrase; the generator wraps them in a polite / question / negative form.
 * `sentence` frames yield a finished sentence. Template ids are stable: they decide the split.
 */
import { type Adj, type Bi, bi, cat, isAdj, type Mode, type Noun, question, statement } from './grammar.ts';
import type { Picker } from './picker.ts';

export type Domain =
  | 'hotel'
  | 'transport'
  | 'restaurant'
  | 'health'
  | 'directions'
  | 'shopping'
  | 'emergency';
export type FrameKind = 'action' | 'object' | 'sentence';
export type Form = 'statement' | 'question' | 'negation' | 'polite';

export interface Realized {
  /** finished sentence in written form (digits) and spoken form (numbers as words) */
  render: (mode: Mode) => Bi;
  form: Form;
}

export interface Template {
  id: string;
  domain: Domain;
  kind: FrameKind;
  /** returns the phrase (action/object) or finished sentence (sentence) for a mode */
  make: (p: Picker) => { phrase: (mode: Mode) => Bi; form?: Form };
}

export function frame(domain: Domain, kind: FrameKind, id: string, make: Template['make']): Template {
  return { id: `${domain}.${id}`, domain, kind, make };
}

/**
 * "The room is (not) ready." / "Is your room ready?" — `subject` is a noun phrase of `n`
 * ("Is your room ready?" / "¿Está lista su habitación?"); the caller draws plural, negation
 * and question, so its picks stay in its own order.
 */
export function stateSentence(
  n: Noun,
  subject: Bi,
  a: Adj,
  plural: boolean,
  neg: boolean,
  asQ: boolean,
): ReturnType<Template['make']> {
  if (asQ)
    return {
      form: 'question',
      phrase: () =>
        question({
          en: `${plural ? 'are' : 'is'} ${subject.en} ${a.en}`,
          es: `${isAdj(n, a, plural).es} ${subject.es}`,
        }),
    };
  return {
    form: neg ? 'negation' : 'statement',
    phrase: () => statement(cat(subject, isAdj(n, a, plural, neg))),
  };
}

interface Wrapper {
  form: Form;
  wrap: (x: Bi) => Bi;
}

/** Wrappers for infinitive phrases ("book a room"). */
export const ACTION_WRAPPERS: Wrapper[] = [
  { form: 'polite', wrap: (x) => statement(cat(bi('I would like to', 'quisiera'), x)) },
  { form: 'statement', wrap: (x) => statement(cat(bi('I want to', 'quiero'), x)) },
  { form: 'statement', wrap: (x) => statement(cat(bi('I need to', 'necesito'), x)) },
  { form: 'statement', wrap: (x) => statement(cat(bi('we need to', 'necesitamos'), x)) },
  { form: 'polite', wrap: (x) => statement(cat(bi('we would like to', 'quisiéramos'), x)) },
  { form: 'question', wrap: (x) => question(cat(bi('can I', 'puedo'), x)) },
  { form: 'polite', wrap: (x) => question(cat(bi('could I', 'podría'), x, bi(', please', ', por favor'))) },
  { form: 'question', wrap: (x) => question(cat(bi('is it possible to', 'es posible'), x)) },
  { form: 'question', wrap: (x) => question(cat(bi('do I have to', 'tengo que'), x)) },
  { form: 'polite', wrap: (x) => statement(cat(bi('excuse me, I would like to', 'disculpe, quisiera'), x)) },
  { form: 'polite', wrap: (x) => question(cat(bi('could you help me', 'me podría ayudar a'), x)) },
  { form: 'negation', wrap: (x) => statement(cat(bi("I don't want to", 'no quiero'), x)) },
  { form: 'negation', wrap: (x) => statement(cat(bi("I can't", 'no puedo'), x)) },
  { form: 'negation', wrap: (x) => statement(cat(bi("we don't need to", 'no necesitamos'), x)) },
  { form: 'polite', wrap: (x) => statement(cat(bi('please help me', 'por favor, ayúdeme a'), x)) },
];

/** Wrappers for noun phrases ("a towel", "two coffees"). */
export const OBJECT_WRAPPERS: Wrapper[] = [
  { form: 'statement', wrap: (x) => statement(cat(bi('I need', 'necesito'), x)) },
  { form: 'polite', wrap: (x) => statement(cat(bi('I would like', 'quisiera'), x)) },
  { form: 'polite', wrap: (x) => statement(cat(x, bi(', please', ', por favor'))) },
  { form: 'question', wrap: (x) => question(cat(bi('do you have', 'tiene'), x)) },
  { form: 'polite', wrap: (x) => question(cat(bi('can I have', 'me da'), x, bi(', please', ', por favor'))) },
  { form: 'polite', wrap: (x) => question(cat(bi('could you bring me', 'me podría traer'), x)) },
  { form: 'statement', wrap: (x) => statement(cat(bi("I'm looking for", 'busco'), x)) },
  { form: 'polite', wrap: (x) => statement(cat(bi('excuse me, we need', 'disculpe, necesitamos'), x)) },
  { form: 'negation', wrap: (x) => statement(cat(bi("I don't need", 'no necesito'), x)) },
];

export function realize(t: Template, p: Picker): Realized {
  const made = t.make(p);
  if (t.kind === 'sentence') return { render: made.phrase, form: made.form ?? 'statement' };
  const w = p.one(t.kind === 'action' ? ACTION_WRAPPERS : OBJECT_WRAPPERS);
  return { render: (mode) => w.wrap(made.phrase(mode)), form: w.form };
}
