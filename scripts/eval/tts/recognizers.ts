/**
 * Round-trip recognizers: synthesized speech → text, scored against the words the voice was
 * asked to say. pocketsphinx en-us (English only) and the project's own asr-<lang> when its
 * folder exists.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type OnnxRuntimeOptions, OnnxSessionCache } from '../../../models/onnx-session.ts';
import { AsrEngine } from '../../../server/stages/asr/engine.ts';
import { findPocketsphinx, recognizeManyWithPocketsphinx } from '../peers/pocketsphinx.ts';

export interface RoundTripItem {
  /** 16 kHz mono s16 WAV of the audio (pocketsphinx reads files). */
  path: string;
  audio: Float32Array;
}

export interface Recognizer {
  name: string;
  recognize(items: readonly RoundTripItem[]): Promise<string[]>;
  close?(): Promise<void>;
}

export function pocketsphinxRecognizer(): Recognizer | null {
  const cli = findPocketsphinx();
  if (!cli) return null;
  return {
    name: 'pocketsphinx',
    async recognize(items) {
      const results = await recognizeManyWithPocketsphinx(
        items.map((i) => i.path),
        { cli },
      );
      return results.map((r) => r.text);
    },
  };
}

/** models/asr-<lang> through the serving engine (beam + LM), or null when the folder is absent. */
export async function projectAsrRecognizer(
  modelsDir: string,
  lang: string,
  runtime: OnnxRuntimeOptions,
): Promise<Recognizer | null> {
  const dir = join(modelsDir, `asr-${lang}`);
  if (!existsSync(join(dir, 'model.json'))) return null;
  const cache = new OnnxSessionCache(runtime);
  const engine = await AsrEngine.load(dir, cache, { batching: false });
  return {
    name: `asr-${lang}`,
    async recognize(items) {
      const out: string[] = [];
      for (const item of items) out.push((await engine.transcribe(item.audio, { decoder: 'beam' })).text);
      return out;
    },
    async close() {
      engine.close();
      await cache.dispose();
    },
  };
}
