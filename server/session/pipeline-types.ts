/**
 * What the per-session pipeline needs from the shared engines. Structural types, so the real
 * ASR engine (server/stages/asr/engine.ts), the MT router and a TTS Synthesizer satisfy them
 * without the session depending on how they are built.
 */
import type { ModelEntry } from '../../models/registry.ts';
import type { TranslateOptions, TranslationResult } from '../stages/mt/engine.ts';
import type { Synthesizer } from '../stages/tts/synthesizer.ts';

export interface AsrWord {
  word: string;
  /** ASR stream time (ms of audio pushed since the stream was created or reset). */
  startMs: number;
  endMs: number;
  confidence?: number;
}

export interface AsrFinal {
  text: string;
  words: AsrWord[];
  /** 0..1. */
  confidence: number;
}

export type AsrEvent =
  | { type: 'partial'; text: string }
  /** An endpoint rule (trailing blanks, max length) closed an utterance inside pushAudio. */
  | ({ type: 'final' } & AsrFinal);

export interface AsrStreamOptions {
  hotwords?: string[];
  partials?: boolean;
}

/** One recognizer stream per session, fed one VAD segment after another. */
export interface AsrStream {
  /** 16 kHz mono audio of the current utterance. */
  pushAudio(samples16k: Float32Array): Promise<AsrEvent[]>;
  /** Ends the utterance and returns its final result; the stream is then ready for the next one. */
  endUtterance(): Promise<AsrFinal>;
  /** Drops the current utterance and restarts stream time at 0 (after an error). */
  reset(): void | Promise<void>;
  close(): void | Promise<void>;
  /** New hotwords for the next utterance. */
  setHotwords?(hotwords: string[]): void;
}

export interface AsrEngineLike {
  createStream(options?: AsrStreamOptions): AsrStream | Promise<AsrStream>;
}

/** The MT router's call surface (MtRouter satisfies it). */
export interface Translator {
  translate(text: string, options: TranslateOptions): Promise<TranslationResult>;
  languagePairs(): { source: string; target: string }[];
}

/** Engines loaded once per server and shared by all sessions. */
export interface PipelineEngines {
  /** ASR engines by language (primary subtag, lower case: "en", "es"). */
  asr: ReadonlyMap<string, AsrEngineLike>;
  /**
   * The recognizer of one ASR model folder (`start.model`): loaded by the first session that
   * names it, then shared. Rejects with `model_load_failed`. Absent when engines are injected.
   */
  asrModel?(entry: ModelEntry): Promise<AsrEngineLike>;
  mt?: Translator;
  /** Synthesizers by language; empty until a TTS model exists. */
  tts: ReadonlyMap<string, Synthesizer>;
}

/** "en-US" → "en": models are per language, not per region. */
export function baseLanguage(tag: string): string {
  return tag.split('-')[0].toLowerCase();
}
