/**
 * Loads the shared engines once at start-up: an ASR engine per `models/asr-<lang>` folder, the
 * MT router over the installed MT engines, and a TTS voice per `models/tts-<lang>` folder
 * (stages/tts/load-voices.ts). A stage that fails to load is logged and left out; the server
 * still runs with the stages that did load.
 */
import { basename } from 'node:path';
import type { Registry } from 'prom-client';
import { OnnxSessionCache, runtimeOptionsFromConfig } from '../../models/onnx-session.ts';
import type { ModelRegistry } from '../../models/registry.ts';
import type { Config } from '../config.ts';
import { toPipelineError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Stage } from '../protocol/messages.ts';
import { AsrEngine } from '../stages/asr/engine.ts';
import { createMtRouter } from '../stages/mt/create-router.ts';
import { type LoadMelGenerator, loadTtsVoices } from '../stages/tts/load-voices.ts';
import type { Synthesizer } from '../stages/tts/synthesizer.ts';
import { griffinLimVocoder } from '../stages/tts/vocoder.ts';
import type { AsrEngineLike, PipelineEngines, Translator } from './pipeline-types.ts';

/** Engines given by the caller instead of loaded (tests, or a TTS voice built elsewhere). */
export interface EngineOverrides {
  asr?: ReadonlyMap<string, AsrEngineLike>;
  /** `null` = no MT stage. */
  mt?: Translator | null;
  tts?: ReadonlyMap<string, Synthesizer>;
  /** Loads TTS acoustic models from their folders (tests inject one; default: the ONNX runner). */
  loadMelGenerator?: LoadMelGenerator;
}

export interface LoadedEngines extends PipelineEngines {
  /** Stages this server can run, from what loaded. */
  stages: Stage[];
  /** What is loaded, per stage, for /v1/models. */
  summary: { asr: string[]; mt: { source: string; target: string }[]; tts: string[]; notes: string[] };
  close(): Promise<void>;
}

const ASR_FOLDER = /^asr-([a-z]{2,3})$/;

export async function loadEngines(
  config: Config,
  registry: ModelRegistry,
  logger: Logger,
  metricsRegistry: Registry,
  overrides: EngineOverrides = {},
): Promise<LoadedEngines> {
  const notes: string[] = [];
  const closers: (() => unknown)[] = [];

  let asr = overrides.asr;
  if (!asr) {
    const loaded = new Map<string, AsrEngineLike>();
    const runtime = runtimeOptionsFromConfig(config.models);
    const cache = new OnnxSessionCache(runtime);
    closers.push(() => cache.dispose());
    // The folder name decides the language (the card's id may carry a version or variant).
    const folders = registry
      .snapshot()
      .models.filter((m) => m.kind === 'asr' && ASR_FOLDER.test(basename(m.dir)));
    await Promise.all(
      folders.map(async (entry) => {
        const lang = ASR_FOLDER.exec(basename(entry.dir))![1];
        try {
          const { logger: _logger, ...workerRuntime } = runtime;
          const engine = await AsrEngine.load(entry.dir, cache, {
            beam: { beamWidth: config.asr.beamWidth, lmWeight: config.asr.lmWeight },
            inference:
              config.asr.thread === 'worker'
                ? { thread: 'worker', runtime: workerRuntime }
                : { thread: 'main' },
          });
          loaded.set(lang, engine);
          closers.push(() => engine.close());
        } catch (err) {
          const message = `ASR ${entry.id} not loaded: ${toPipelineError(err, 'asr').message}`;
          notes.push(message);
          logger.error({ err, model: entry.id }, message);
        }
      }),
    );
    asr = loaded;
  }

  let mt: Translator | undefined;
  if (overrides.mt !== undefined) mt = overrides.mt ?? undefined;
  else {
    try {
      const { router, notes: mtNotes } = await createMtRouter({
        modelsDir: config.models.dir,
        glossaryFile: config.mt.glossaryFile,
        minConfidence: config.mt.minConfidence,
        maxOovRate: config.mt.maxOovRate,
        maxChars: config.mt.maxChars,
        primaryTimeoutMs: config.mt.primaryTimeoutMs,
        fallbackTimeoutMs: config.mt.fallbackTimeoutMs,
        registry: metricsRegistry,
        onnx: { runtime: runtimeOptionsFromConfig(config.models) },
      });
      for (const note of mtNotes) logger.warn(note);
      notes.push(...mtNotes);
      closers.push(() => router.close());
      // A router with no engine at all cannot translate anything: the stage is absent.
      if (router.languagePairs().length) mt = router;
      // Start the engines' processes now, so the first segment does not pay for it (apertium:
      // ~0.5 s cold, ~10 ms warm). Only directions a loaded recognizer can feed.
      const warm = router.languagePairs().filter((p) => asr.has(p.source));
      await Promise.all(
        warm.map((pair) =>
          router.translate(pair.source === 'es' ? 'Hola.' : 'Hello.', pair).catch((err) => {
            logger.warn({ err, pair }, 'MT warm-up failed');
          }),
        ),
      );
    } catch (err) {
      const message = `MT not loaded: ${toPipelineError(err, 'mt').message}`;
      notes.push(message);
      logger.error({ err }, message);
    }
  }

  let tts = overrides.tts;
  if (!tts) {
    // Voices from models/tts-<lang>/ (kind "tts"): acoustic model + neural vocoder
    // (models/vocoder-<lang>, TOLK_TTS_VOCODER) or the Griffin-Lim baseline.
    const cache = new OnnxSessionCache(runtimeOptionsFromConfig(config.models));
    closers.push(() => cache.dispose());
    const loaded = await loadTtsVoices(registry.snapshot().models, {
      wanted: config.tts.voices,
      vocoder: griffinLimVocoder({ iterations: config.tts.griffinLimIterations }),
      vocoderChoice: config.tts.vocoder,
      speed: config.tts.speed,
      melOptions: { sessions: cache },
      loadMelGenerator: overrides.loadMelGenerator,
    });
    for (const note of loaded.notes) logger.error(note);
    notes.push(...loaded.notes);
    for (const voice of loaded.voices.values()) closers.push(() => voice.dispose());
    tts = loaded.voices;
  }
  if (!tts.size) notes.push('TTS not loaded: no voice (no models/tts-<lang> folder loaded)');

  const stages: Stage[] = ['frontend'];
  if (asr.size) stages.push('asr');
  if (mt) stages.push('mt');
  if (tts.size) stages.push('tts');
  return {
    asr,
    mt,
    tts,
    stages,
    summary: {
      asr: [...asr.keys()].sort(),
      mt: mt?.languagePairs() ?? [],
      tts: [...tts.keys()].sort(),
      notes,
    },
    async close() {
      // Engines before the ONNX sessions they use.
      for (const close of closers.reverse()) {
        try {
          await close();
        } catch (err) {
          logger.warn({ err }, 'engine close failed');
        }
      }
    },
  };
}
