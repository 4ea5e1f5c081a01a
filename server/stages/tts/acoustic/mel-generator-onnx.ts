/**
 * The acoustic model as served: model.json + encoder.onnx + decoder.onnx (see tts-card.ts)
 * loaded through models/onnx-session.ts with the configured execution providers. One
 * `generate` = encoder run → length regulator in TS → decoder run, batch 1.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  float32Tensor,
  int64Tensor,
  loadOnnxModel,
  type OnnxModel,
  type OnnxTensor,
} from '../../../../models/onnx-session.ts';
import { PipelineError } from '../../../errors.ts';
import type {
  LoadMelGeneratorOptions,
  MelGenerateOptions,
  MelGenerator,
  MelResult,
} from '../mel-generator.ts';
import { encodeText, symbolSet } from '../symbols.ts';
import {
  checkFrameBudget,
  expandByDurations,
  FRAME_PROGRESS_DIM,
  frameProgress,
  framesFromLogDurations,
} from './length-regulator.ts';
import {
  TTS_DECODER_INPUT,
  TTS_DECODER_PROGRESS_INPUT,
  TTS_ENCODER_INPUT,
  type TtsModelCard,
  ttsCardSchema,
} from './tts-card.ts';

export const DEFAULT_MAX_FRAMES = 3000;

function loadError(dir: string, detail: string, cause?: unknown): PipelineError {
  return new PipelineError('model_load_failed', 'tts', {
    message: `TTS model ${dir}: ${detail}`,
    recoverable: false,
    cause,
  });
}

export async function readTtsCard(modelDir: string): Promise<TtsModelCard> {
  let text: string;
  try {
    text = await readFile(join(modelDir, 'model.json'), 'utf8');
  } catch (err) {
    throw loadError(modelDir, 'model.json not readable', err);
  }
  try {
    return ttsCardSchema.parse(JSON.parse(text));
  } catch (err) {
    const detail = err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message;
    throw loadError(modelDir, `invalid model.json: ${detail}`, err);
  }
}

function requireIo(dir: string, m: OnnxModel, inputs: string[], outputs: string[]): void {
  for (const i of inputs) if (!m.inputNames.includes(i)) throw loadError(dir, `${m.path} has no input ${i}`);
  for (const o of outputs)
    if (!m.outputNames.includes(o)) throw loadError(dir, `${m.path} has no output ${o}`);
}

class OnnxMelGenerator implements MelGenerator {
  readonly sampleRate: number;
  readonly hopSamples: number;
  readonly numMelBins: number;
  readonly lang: 'en' | 'es';
  readonly id: string;
  private readonly dModel: number;

  constructor(
    readonly card: TtsModelCard,
    private readonly encoder: OnnxModel,
    private readonly decoder: OnnxModel,
    private readonly maxFrames: number,
    private readonly owned: boolean,
  ) {
    this.sampleRate = card.audio.sampleRate;
    this.hopSamples = card.audio.hopSamples;
    this.numMelBins = card.audio.numMelBins;
    this.lang = card.languages[0];
    this.id = card.id;
    this.dModel = card.model.dModel;
  }

  async generate(words: string, opts: MelGenerateOptions = {}): Promise<MelResult> {
    const abort = () => {
      if (opts.signal?.aborted)
        throw new PipelineError('stage_failed', 'tts', { message: 'synthesis aborted' });
    };
    abort();
    const { ids } = encodeText(words, this.lang);
    if (ids.length <= 1) throw new PipelineError('empty_text', 'tts', { message: 'no speakable characters' });
    const N = ids.length;
    const enc = await this.encoder.run({ [TTS_ENCODER_INPUT]: int64Tensor(Array.from(ids), [1, N]) }, [
      'hidden',
      'log_durations',
    ]);
    abort();
    let durations: Int32Array;
    try {
      durations = framesFromLogDurations(enc.log_durations.data as Float32Array, opts.speed ?? 1);
    } catch (err) {
      throw new PipelineError('bad_message', 'tts', { message: (err as Error).message });
    }
    const frames = checkFrameBudget(durations, this.maxFrames, (this.hopSamples / this.sampleRate) * 1000);
    // The decoder takes a multiple of its reduction factor: pad with the last symbol's row.
    const r = this.card.model.reduction;
    const padded = Math.ceil(frames / r) * r;
    const expanded = expandByDurations(enc.hidden.data as Float32Array, this.dModel, durations, padded);
    const inputs: Record<string, OnnxTensor> = {
      [TTS_DECODER_INPUT]: float32Tensor(expanded, [1, padded, this.dModel]),
    };
    if (this.card.model.frameProgress)
      inputs[TTS_DECODER_PROGRESS_INPUT] = float32Tensor(frameProgress(durations, padded), [
        1,
        padded,
        FRAME_PROGRESS_DIM,
      ]);
    const dec = await this.decoder.run(inputs, ['mel']);
    const all = dec.mel.data as Float32Array;
    const mel = padded === frames ? all : all.slice(0, frames * this.numMelBins);
    if (all.length !== padded * this.numMelBins)
      throw new PipelineError('stage_failed', 'tts', {
        message: `decoder gave ${all.length} values for ${padded} frames`,
      });
    return { mel, frames, durations: Array.from(durations) };
  }

  async dispose(): Promise<void> {
    if (!this.owned) return;
    await this.encoder.release();
    await this.decoder.release();
  }
}

/** Loads `<modelDir>/model.json` and its two graphs; errors are PipelineError('model_load_failed'). */
export async function loadMelGenerator(
  modelDir: string,
  opts: LoadMelGeneratorOptions = {},
): Promise<MelGenerator> {
  const card = await readTtsCard(modelDir);
  const expected = symbolSet(card.languages[0]).symbols;
  if (card.symbols.length !== expected.length || card.symbols.some((s, i) => s !== expected[i]))
    throw loadError(
      modelDir,
      `symbols in model.json differ from symbolSet('${card.languages[0]}'): retrain or fix the card`,
    );
  const runtime = opts.runtime ?? { executionProviders: ['cpu'] };
  const load = (file: string) =>
    opts.sessions ? opts.sessions.get(join(modelDir, file)) : loadOnnxModel(join(modelDir, file), runtime);
  const [encoder, decoder] = await Promise.all([load(card.graphs.encoder), load(card.graphs.decoder)]);
  requireIo(modelDir, encoder, [TTS_ENCODER_INPUT], ['hidden', 'log_durations']);
  const decoderInputs = card.model.frameProgress
    ? [TTS_DECODER_INPUT, TTS_DECODER_PROGRESS_INPUT]
    : [TTS_DECODER_INPUT];
  requireIo(modelDir, decoder, decoderInputs, ['mel']);
  return new OnnxMelGenerator(card, encoder, decoder, opts.maxFrames ?? DEFAULT_MAX_FRAMES, !opts.sessions);
}
