/**
 * The loaded recognizer, shared by every session: model card, ONNX acoustic model, domain LM
 * and the cross-session batcher. Sessions get a cheap `AsrStream` each (`createStream`);
 * offline callers (eval, fine-tune checks) use `transcribe`.
 *
 * A model folder holds `model.onnx` (streaming graph), `model.json` (card: features,
 * vocabulary, dims, training, evaluation) and `lm.json` (word n-gram LM, optional when the
 * card says `lm: null`). Anything missing or malformed is PipelineError('model_load_failed').
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { OnnxRuntimeOptions, OnnxSessionCache } from '../../../models/onnx-session.ts';
import { LOG_MEL_CONFIG } from '../../audio/log-mel.ts';
import { PipelineError } from '../../errors.ts';
import { AcousticModel, type AcousticRunner } from './acoustic-model.ts';
import { AcousticWorker } from './acoustic-thread.ts';
import { type AsrEvent, type AsrFinal, AsrStream, type AsrStreamOptions } from './asr-stream.ts';
import { AcousticBatcher, type BatcherOptions, DEFAULT_BATCHER_OPTIONS } from './batcher.ts';
import type { BeamSearchOptions } from './beam-decoder.ts';
import { DEFAULT_ENDPOINT_CONFIG, type EndpointConfig } from './endpointer.ts';
import { type AsrFeatureConfig, acousticFrameMs, asrFeatures, stackedDim } from './features.ts';
import { greedyDecode } from './greedy-decoder.ts';
import type { HotwordSpec } from './hotwords.ts';
import { NgramLm, type NgramLmJson } from './ngram-lm.ts';
import { UtteranceDecoder, type UtteranceDecoderOptions } from './utterance-decoder.ts';
import { type AsrLanguage, type CharVocabulary, createVocabulary } from './vocabulary.ts';

export type { AsrEvent, AsrFinal, AsrStreamOptions };
export { AsrStream };

const cardSchema = z
  .object({
    id: z.string(),
    kind: z.literal('asr'),
    version: z.string().optional(),
    languages: z.array(z.enum(['en', 'es'])).min(1),
    features: z.object({
      numMelBins: z.number().int().positive(),
      hopMs: z.number().positive(),
      stack: z.number().int().positive(),
      priorFrames: z.number().nonnegative(),
      normalization: z.enum(['causal', 'global']).optional(),
      mean: z.array(z.number()),
      variance: z.array(z.number()),
    }),
    vocabulary: z.array(z.string()).min(2),
    model: z
      .object({ units: z.number(), layers: z.number(), inputSize: z.number(), vocab: z.number() })
      .loose(),
    lm: z
      .object({
        file: z.string(),
        order: z.number().optional(),
        // α and β tuned on dev for this model (`npm run eval -- asr --tune-lm`).
        weight: z.number().nonnegative().optional(),
        wordBonus: z.number().optional(),
      })
      .loose()
      .nullable()
      .optional(),
    // Domain hotwords of the model (`npm run finetune -- asr-lm`), boosted in every session.
    hotwords: z.array(z.string()).optional(),
    training: z.record(z.string(), z.unknown()).optional(),
    evaluation: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

export type AsrCard = z.infer<typeof cardSchema>;

/** Endpoint config with every rule off: one utterance per call (offline transcription). */
export const NO_ENDPOINT: EndpointConfig = {
  rule1: { mustContainNonSilence: false, minTrailingSilenceMs: 0, minUtteranceMs: 0 },
  rule2: { mustContainNonSilence: false, minTrailingSilenceMs: 0, minUtteranceMs: 0 },
  rule3: { mustContainNonSilence: false, minTrailingSilenceMs: 0, minUtteranceMs: 0 },
  useVad: false,
};

export interface AsrEngineOptions {
  /** Acoustic frames per streaming chunk (4 × 40 ms = 160 ms, under the 200 ms partial budget). */
  chunkFrames?: number;
  /** Cross-session batching of acoustic calls; `false` runs each chunk alone. */
  batching?: Partial<BatcherOptions> | false;
  /** Beam search settings (width, pruning, α/β); the LM and hotwords come from the engine/stream. */
  beam?: Omit<BeamSearchOptions, 'frameShiftMs' | 'hotwords' | 'lm'>;
  endpoint?: EndpointConfig;
  /** Load and use lm.json (default true). */
  useLm?: boolean;
  /**
   * Where the acoustic model runs. 'main' (default) uses the shared session cache;
   * 'worker' runs it in a worker thread with its own ORT session (pass the same runtime
   * options as the cache, e.g. runtimeOptionsFromConfig), so a batched call does not block
   * the event loop (onnxruntime-node's run is synchronous on its calling thread).
   */
  inference?: { thread: 'main' } | { thread: 'worker'; runtime: Omit<OnnxRuntimeOptions, 'logger'> };
}

export interface TranscribeOptions {
  /** 'beam' (default: beam + LM + hotwords) or 'greedy' (best path, no LM). */
  decoder?: 'beam' | 'greedy';
  hotwords?: readonly HotwordSpec[];
  /** Decode through a stream in chunks, as a live session would (default: one ORT call). */
  streaming?: boolean;
  /** α/β for this call only (dev tuning), over the engine's and the card's. */
  lm?: Pick<BeamSearchOptions, 'lmWeight' | 'wordBonus'>;
}

export interface AsrCreateStreamOptions extends AsrStreamOptions {
  /** Overrides the engine's endpoint rules for this stream. */
  endpoint?: EndpointConfig;
}

function loadFailed(message: string, cause?: unknown): PipelineError {
  return new PipelineError('model_load_failed', 'models', { message, recoverable: false, cause });
}

function readJson(path: string, what: string): unknown {
  if (!existsSync(path)) throw loadFailed(`${what} not found: ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw loadFailed(`${what} is not valid JSON: ${path}: ${(err as Error).message}`, err);
  }
}

export class AsrEngine {
  readonly lang: AsrLanguage;
  readonly vocab: CharVocabulary;
  readonly features: AsrFeatureConfig;
  readonly frameShiftMs: number;
  readonly chunkFrames: number;
  private readonly batcher: AcousticBatcher | null;
  private openStreams = 0;

  private constructor(
    readonly modelDir: string,
    readonly card: AsrCard,
    readonly acoustic: AcousticRunner,
    readonly lm: NgramLm | null,
    private readonly options: AsrEngineOptions,
  ) {
    this.lang = card.languages[0];
    this.vocab = createVocabulary(this.lang);
    this.features = card.features;
    this.frameShiftMs = acousticFrameMs(card.features);
    this.chunkFrames = options.chunkFrames ?? 4;
    if (this.chunkFrames < 1) throw new RangeError('chunkFrames must be ≥ 1');
    this.batcher =
      options.batching === false
        ? null
        : new AcousticBatcher(acoustic, {
            ...DEFAULT_BATCHER_OPTIONS,
            ...options.batching,
            expectedSubmitters: () => this.openStreams,
          });
  }

  static async load(
    modelDir: string,
    sessions: OnnxSessionCache,
    options: AsrEngineOptions = {},
  ): Promise<AsrEngine> {
    const parsed = cardSchema.safeParse(readJson(join(modelDir, 'model.json'), 'ASR model card'));
    if (!parsed.success)
      throw loadFailed(`${join(modelDir, 'model.json')} is not an ASR model card: ${parsed.error.message}`);
    const card = parsed.data;
    const vocab = createVocabulary(card.languages[0]);
    if (card.vocabulary.join('\u0000') !== vocab.tokens.join('\u0000'))
      throw loadFailed(`${modelDir}: card vocabulary differs from the built-in ${vocab.lang} vocabulary`);
    // The serving featurizer is fixed (server/audio/log-mel.ts); a card for another front-end
    // would silently get wrong features.
    const hopMs = (LOG_MEL_CONFIG.hopSamples / LOG_MEL_CONFIG.sampleRate) * 1000;
    if (card.features.numMelBins !== LOG_MEL_CONFIG.numMelBins || card.features.hopMs !== hopMs)
      throw loadFailed(
        `${modelDir}: card wants ${card.features.numMelBins} mel bins every ${card.features.hopMs} ms, the featurizer gives ${LOG_MEL_CONFIG.numMelBins} every ${hopMs} ms`,
      );
    const dim = stackedDim(card.features);
    if (card.model.inputSize !== dim || card.features.mean.length !== card.features.numMelBins)
      throw loadFailed(
        `${modelDir}: feature config gives ${dim} inputs, model takes ${card.model.inputSize}`,
      );
    let lm: NgramLm | null = null;
    if (options.useLm !== false) {
      const declared = card.lm?.file;
      const path = join(modelDir, declared ?? 'lm.json');
      if (declared || existsSync(path)) {
        try {
          lm = NgramLm.fromJSON(readJson(path, 'ASR language model') as NgramLmJson);
        } catch (err) {
          if (err instanceof PipelineError) throw err;
          throw loadFailed(`${path} is not a tolk n-gram LM: ${(err as Error).message}`, err);
        }
      }
    }
    const graph = join(modelDir, 'model.onnx');
    const expect = { inputSize: dim, vocabSize: vocab.size };
    const acoustic =
      options.inference?.thread === 'worker'
        ? await AcousticWorker.start(graph, options.inference.runtime, expect)
        : await AcousticModel.load(graph, sessions, expect);
    return new AsrEngine(modelDir, card, acoustic, lm, options);
  }

  /** A per-session stream; cheap (no model work until audio arrives). */
  createStream(options: AsrCreateStreamOptions = {}): AsrStream {
    this.openStreams++;
    let closed = false;
    return new AsrStream(
      {
        features: this.features,
        chunkFrames: this.chunkFrames,
        initialState: () => this.acoustic.initialState(),
        runChunk: (chunk, state) => this.runChunk(chunk, state),
        decoderOptions: (hotwords) => this.decoderOptions(hotwords, options.endpoint),
        onClose: () => {
          if (!closed) this.openStreams--;
          closed = true;
        },
      },
      options,
    );
  }

  /** Streams created and not yet closed. */
  get activeStreams(): number {
    return this.openStreams;
  }

  get batchStats() {
    return this.batcher?.stats ?? null;
  }

  /** Offline recognition of one utterance of 16 kHz mono audio. */
  async transcribe(samples16k: Float32Array, options: TranscribeOptions = {}): Promise<AsrFinal> {
    if (options.streaming) {
      if (options.decoder === 'greedy') throw new RangeError('streaming transcription always uses the beam');
      const stream = this.createStream({
        hotwords: options.hotwords,
        partials: false,
        endpoint: NO_ENDPOINT,
      });
      try {
        const step = 16 * 100; // 100 ms pieces, as clients send them
        for (let i = 0; i < samples16k.length; i += step)
          await stream.pushAudio(samples16k.subarray(i, i + step));
        return await stream.endUtterance();
      } finally {
        stream.close();
      }
    }
    const endMs = samples16k.length / 16;
    const f = asrFeatures(samples16k, this.features);
    const empty: AsrFinal = {
      text: '',
      words: [],
      confidence: 0,
      startMs: 0,
      endMs,
      reason: 'end',
      empty: true,
    };
    if (f.frames === 0) return empty;
    const { logProbs } = await this.acoustic.run(
      [{ features: f.data, frames: f.frames }],
      [this.acoustic.initialState()],
    );
    const lp = logProbs[0];
    if (options.decoder === 'greedy') {
      const g = greedyDecode(lp, this.vocab, { frameShiftMs: this.frameShiftMs });
      // Geometric-mean probability of the best path's frames: in [0, 1], 1 when every frame is sure.
      const confidence = Math.exp(g.pathLogProb / Math.max(1, g.framesDecoded));
      return { text: g.text, words: g.words, confidence, startMs: 0, endMs, reason: 'end', empty: !g.text };
    }
    const decoder = new UtteranceDecoder(
      this.decoderOptions(options.hotwords ?? [], NO_ENDPOINT, options.lm),
    );
    decoder.push(lp);
    const event = decoder.flush();
    if (event?.type !== 'final') return empty;
    const r = event.result;
    return {
      text: r.text,
      words: r.words,
      confidence: Math.min(1, Math.max(0, r.confidence)),
      startMs: 0,
      endMs,
      reason: 'end',
      empty: r.text.length === 0,
    };
  }

  /** Stops batching (and the worker); streams still open get errors on their next chunk. */
  async close(): Promise<void> {
    this.batcher?.close(new PipelineError('shutting_down', 'asr', { message: 'ASR engine closed' }));
    if (this.acoustic instanceof AcousticWorker) await this.acoustic.close();
  }

  private runChunk(
    chunk: Parameters<AcousticBatcher['submit']>[0],
    state: Parameters<AcousticBatcher['submit']>[1],
  ) {
    if (this.batcher) return this.batcher.submit(chunk, state);
    return this.acoustic
      .run([chunk], [state])
      .then((out) => ({ logProbs: out.logProbs[0], state: out.states[0] }));
  }

  private decoderOptions(
    hotwords: readonly HotwordSpec[],
    endpoint?: EndpointConfig,
    lmOverride: TranscribeOptions['lm'] = {},
  ): UtteranceDecoderOptions {
    return {
      vocab: this.vocab,
      frameShiftMs: this.frameShiftMs,
      // Explicit options win; undefined ones keep the card's tuned α/β (the decoder skips undefined).
      beam: {
        lmWeight: this.card.lm?.weight,
        wordBonus: this.card.lm?.wordBonus,
        ...definedOnly(this.options.beam ?? {}),
        ...definedOnly(lmOverride),
        lm: this.lm ?? undefined,
      },
      endpoint: endpoint ?? this.options.endpoint ?? DEFAULT_ENDPOINT_CONFIG,
      beamMode: 'incremental',
      hotwords: this.card.hotwords?.length ? [...this.card.hotwords, ...hotwords] : hotwords,
    };
  }
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
