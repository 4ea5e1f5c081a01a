/**
 * Loads the shared engines once at start-up: the default ASR engine per language (folders named
 * `asr-<lang>`, or the ones TOLK_ASR_MODELS picks; any other ASR folder loads when a session
 * first names it in `start.model`), the MT router over the installed MT engines, and a TTS voice
 * per `models/tts-<lang>` folder (stages/tts/load-voices.ts). A stage that fails to load is logged and left out; the server
 * still runs with the stages that did load.
 */
import type { Registry } from 'prom-client';
import { OnnxSessionCache, runtimeOptionsFromConfig } from '../../models/onnx-session.ts';
import type { ModelRegistry } from '../../models/registry.ts';
import type { Config } from '../config.ts';
import { toPipelineError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Stage } from '../protocol/messages.ts';
import { AsrEngine } from '../stages/asr/engine.ts';
import { RecognizerPool } from '../stages/asr/recognizer-pool.ts';
import { selectDefaultRecognizers } from '../stages/asr/select-recognizers.ts';
import { createMtRouter, routerOptionsFromConfig } from '../stages/mt/create-router.ts';
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
  summary: {
    asr: string[];
    /** The model id serving each language by default. */
    asrModels: Record<string, string>;
    mt: { source: string; target: string }[];
    tts: string[];
    notes: string[];
  };
  close(): Promise<void>;
}

/** The served recognizer of one folder, with the deployment's beam and thread settings. */
function loadRecognizer(dir: string, cache: OnnxSessionCache, config: Config): Promise<AsrEngine> {
  const { logger: _logger, ...workerRuntime } = runtimeOptionsFromConfig(config.models);
  return AsrEngine.load(dir, cache, {
    beam: { beamWidth: config.asr.beamWidth, lmWeight: config.asr.lmWeight },
    inference:
      config.asr.thread === 'worker' ? { thread: 'worker', runtime: workerRuntime } : { thread: 'main' },
  });
}

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
  let asrModel: PipelineEngines['asrModel'];
  const asrDefaults: Record<string, string> = {};
  if (!asr) {
    const cache = new OnnxSessionCache(runtimeOptionsFromConfig(config.models));
    closers.push(() => cache.dispose());
    // Closed before the cache (closers run in reverse).
    const recognizers = new RecognizerPool((entry) => loadRecognizer(entry.dir, cache, config));
    closers.push(() => recognizers.close());
    const { chosen, notes: selectNotes } = selectDefaultRecognizers(
      registry.snapshot().models,
      config.asr.models,
    );
    for (const note of selectNotes) logger.warn(note);
    notes.push(...selectNotes);
    const loaded = new Map<string, AsrEngineLike>();
    await Promise.all(
      chosen.map(async ({ entry, lang }) => {
        try {
          loaded.set(lang, await recognizers.get(entry));
          asrDefaults[lang] = entry.id;
        } catch (err) {
          const message = toPipelineError(err, 'asr').message;
          notes.push(message);
          logger.error({ err, model: entry.id }, message);
        }
      }),
    );
    asr = loaded;
    asrModel = (entry) => recognizers.get(entry);
  }

  let mt: Translator | undefined;
  if (overrides.mt !== undefined) mt = overrides.mt ?? undefined;
  else {
    try {
      const { router, notes: mtNotes } = await createMtRouter({
        ...routerOptionsFromConfig(config),
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
    ...(asrModel ? { asrModel } : {}),
    mt,
    tts,
    stages,
    summary: {
      asr: [...asr.keys()].sort(),
      asrModels: Object.fromEntries(Object.entries(asrDefaults).sort()),
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
