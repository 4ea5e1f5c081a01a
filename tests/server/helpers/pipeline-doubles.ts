/**
 * Test doubles and tools for the pipeline tests: a front-end that also emits utterance audio,
 * scriptable ASR / MT engine objects and a tone synthesizer (the server has no TTS model; tests
 * need speech to barge in on), plus an event recorder that can wait for an event while the rest
 * keep arriving.
 */
import type { ClientEvent, TolkStream } from '../../../client/node/client.ts';
import { PipelineError } from '../../../server/errors.ts';
import type {
  AsrEngineLike,
  AsrEvent,
  AsrFinal,
  AsrStream,
  AsrStreamOptions,
  Translator,
} from '../../../server/session/pipeline-types.ts';
import type { AudioFrontend, FrontendEvent, FrontendOptions } from '../../../server/stages/frontend/types.ts';
import type { TranslateOptions, TranslationResult } from '../../../server/stages/mt/engine.ts';
import type { Synthesizer } from '../../../server/stages/tts/synthesizer.ts';
import { createEnergyFrontend } from './energy-frontend.ts';

/**
 * The energy front-end plus `speech_audio`: every pushed chunk that lies in speech goes out
 * whole, after speech_start and before speech_end, as the real endpointer orders them.
 * Input must be 16 kHz (the utterance audio is passed through without resampling).
 */
export async function createSpeechAudioFrontend(options: FrontendOptions): Promise<AudioFrontend> {
  if (options.inputSampleRate !== 16_000) throw new Error('speech-audio front-end double needs 16 kHz input');
  const inner = await createEnergyFrontend(options);
  let inSpeech = false;
  let position = 0;
  const withAudio = (events: FrontendEvent[], samples: Float32Array): FrontendEvent[] => {
    const start = events.findIndex((e) => e.type === 'speech_start');
    const end = events.findIndex((e) => e.type === 'speech_end');
    const out = [...events];
    if ((inSpeech || start >= 0) && samples.length) {
      const at = start >= 0 ? start + 1 : end >= 0 ? end : out.length;
      out.splice(at, 0, { type: 'speech_audio', samples: samples.slice(), streamMs: position / 16 });
    }
    for (const e of events) {
      if (e.type === 'speech_start') inSpeech = true;
      if (e.type === 'speech_end') inSpeech = false;
    }
    position += samples.length;
    return out;
  };
  return {
    push: (samples) => withAudio(inner.push(samples), samples),
    flush: () => withAudio(inner.flush(), new Float32Array(0)),
    close: () => inner.close(),
  };
}

export interface ScriptedAsrLog {
  streams: number;
  hotwords: string[][];
  closed: number;
}

/**
 * An ASR engine object whose streams "recognize" by counting: partial `w1`, `w1 w2`, … one word
 * per 100 ms pushed, and the final `utterance N` with one timed word per 100 ms. `failFinal`
 * makes the Nth final throw.
 */
export function scriptedAsrEngine(
  options: { finalDelayMs?: number; failFinal?: number; pushDelayMs?: number } = {},
): {
  engine: AsrEngineLike;
  log: ScriptedAsrLog;
} {
  const log: ScriptedAsrLog = { streams: 0, hotwords: [], closed: 0 };
  let finals = 0;
  const engine: AsrEngineLike = {
    createStream(opts: AsrStreamOptions = {}): AsrStream {
      log.streams++;
      log.hotwords.push(opts.hotwords ?? []);
      let utteranceSamples = 0;
      let streamSamples = 0;
      let utteranceStart = 0;
      return {
        async pushAudio(samples: Float32Array): Promise<AsrEvent[]> {
          if (options.pushDelayMs) await new Promise((r) => setTimeout(r, options.pushDelayMs));
          const before = Math.floor(utteranceSamples / 1600);
          utteranceSamples += samples.length;
          streamSamples += samples.length;
          const words = Math.floor(utteranceSamples / 1600);
          if (words === before || opts.partials === false) return [];
          return [{ type: 'partial', text: Array.from({ length: words }, (_, i) => `w${i + 1}`).join(' ') }];
        },
        async endUtterance(): Promise<AsrFinal> {
          finals++;
          if (options.finalDelayMs) await new Promise((r) => setTimeout(r, options.finalDelayMs));
          if (finals === options.failFinal) throw new Error('decoder exploded');
          const n = Math.max(1, Math.floor(utteranceSamples / 1600));
          const startMs = utteranceStart / 16;
          const words = Array.from({ length: n }, (_, i) => ({
            word: i === 0 ? 'utterance' : `${finals}`,
            startMs: startMs + i * 100,
            endMs: startMs + i * 100 + 90,
            confidence: 0.9,
          }));
          utteranceSamples = 0;
          utteranceStart = streamSamples;
          return { text: words.map((w) => w.word).join(' '), words, confidence: 0.9 };
        },
        reset() {
          utteranceSamples = 0;
          streamSamples = 0;
          utteranceStart = 0;
        },
        close() {
          log.closed++;
        },
        setHotwords(hotwords: string[]) {
          log.hotwords.push(hotwords);
        },
      };
    },
  };
  return { engine, log };
}

export interface ScriptedMtCall {
  text: string;
  options: TranslateOptions;
}

/** A translator that tags the text; per-call delay and failure are scriptable (1-based call numbers). */
export function scriptedTranslator(
  options: {
    delayMs?: (call: number) => number;
    fail?: (call: number) => PipelineError | Error | undefined;
  } = {},
): { translator: Translator; calls: ScriptedMtCall[] } {
  const calls: ScriptedMtCall[] = [];
  const translator: Translator = {
    languagePairs: () => [
      { source: 'en', target: 'es' },
      { source: 'es', target: 'en' },
    ],
    async translate(text, opts): Promise<TranslationResult> {
      calls.push({ text, options: opts });
      const n = calls.length;
      const delay = options.delayMs?.(n) ?? 0;
      if (delay) await new Promise((r) => setTimeout(r, delay));
      const failure = options.fail?.(n);
      if (failure) throw failure;
      return { text: `es(${text})`, engine: 'apertium', fallback: { reason: 'primary_unavailable' } };
    },
  };
  return { translator, calls };
}

/**
 * A 16 kHz tone in 100 ms pieces, `durationsMs[n]` long for the nth text (the last entry
 * repeats); stops when aborted. Not speech: a test signal for the output path.
 */
export function toneSynthesizer(...durationsMs: number[]): Synthesizer & { producedMs: number } {
  let calls = 0;
  const synth = {
    sampleRate: 16_000,
    producedMs: 0,
    async *synthesizeChunks(_text: string, signal: AbortSignal) {
      const durationMs = durationsMs[Math.min(calls++, durationsMs.length - 1)];
      for (let t = 0; t < durationMs; t += 100) {
        if (signal.aborted) return;
        await new Promise((r) => setTimeout(r, 2));
        synth.producedMs += 100;
        const piece = new Float32Array(1600);
        for (let i = 0; i < piece.length; i++)
          piece[i] = 0.2 * Math.sin((2 * Math.PI * 440 * (i + t * 16)) / 16_000);
        yield piece;
      }
    },
  };
  return synth;
}

/** Consumes a stream's events into `events`; `until` waits for one without stopping the rest. */
export function record(stream: TolkStream) {
  const events: ClientEvent[] = [];
  const waiters: { pred: (e: ClientEvent) => boolean; resolve: (e: ClientEvent) => void }[] = [];
  const done = (async () => {
    for await (const event of stream) {
      events.push(event);
      for (const w of [...waiters]) {
        if (w.pred(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    }
    return events;
  })();
  return {
    events,
    done,
    until(pred: (e: ClientEvent) => boolean, timeoutMs = 5000): Promise<ClientEvent> {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('event did not arrive in time')), timeoutMs);
        waiters.push({
          pred,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
  };
}

/** Gated chirps: voiced bursts a random recognizer turns into (garbage) characters. */
export function chirpBursts(totalMs: number, bursts: { startMs: number; endMs: number }[]): Float32Array {
  const out = new Float32Array(totalMs * 16);
  for (const b of bursts) {
    for (let i = b.startMs * 16; i < b.endMs * 16; i++) {
      const t = i / 16_000;
      const f = 150 + 900 * ((i - b.startMs * 16) / ((b.endMs - b.startMs) * 16));
      out[i] = 0.3 * Math.sin(2 * Math.PI * f * t) * (Math.floor(i / 2400) % 3 === 2 ? 0.6 : 1);
    }
  }
  return out;
}

export const mtTimeout = () =>
  new PipelineError('timeout', 'mt', { message: 'apertium en-es: no answer within 5000 ms' });
