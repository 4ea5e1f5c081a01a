/**
 * The only place tolk reads environment variables. Everything else receives a typed Config.
 * Each entry: env var, default, and what it controls (the README's config table mirrors this).
 */
import { z } from 'zod';

const intFrom = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);
const list = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
const numFrom = (def: number, min: number, max: number) => z.coerce.number().min(min).max(max).default(def);
const bool = (def: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === '1' || v === 'true' || v === 'yes');

const envSchema = z.object({
  PORT: intFrom(8080, 0, 65535),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TOLK_MAX_SESSIONS: intFrom(200, 1, 100_000),
  TOLK_MAX_FRAME_BYTES: intFrom((48_000 * 4) / 10, 64, 16 * 1024 * 1024),
  TOLK_MAX_SESSION_MS: intFrom(60 * 60 * 1000, 1000, 24 * 3600 * 1000),
  TOLK_IDLE_TIMEOUT_MS: intFrom(30_000, 100, 3600 * 1000),
  TOLK_QUEUE_MAX_MS: intFrom(2000, 100, 60_000),
  TOLK_SEND_BUFFER_MAX_BYTES: intFrom(1024 * 1024, 16 * 1024, 256 * 1024 * 1024),
  TOLK_API_KEYS: list,
  TOLK_ALLOWED_ORIGINS: list,
  TOLK_VAD_AGGRESSIVENESS: intFrom(2, 0, 3),
  TOLK_VAD_FRAME_MS: z.coerce
    .number()
    .int()
    .refine((v) => v === 10 || v === 20 || v === 30, 'must be 10, 20 or 30')
    .default(30),
  TOLK_SPEECH_START_MS: intFrom(90, 0, 2000),
  TOLK_HANGOVER_MS: intFrom(300, 0, 5000),
  TOLK_DENOISE: bool(true),
  TOLK_MODELS_DIR: z.string().default('models'),
  TOLK_ORT_PROVIDERS: list.transform((l) => (l.length ? l : ['cpu'])),
  TOLK_ORT_INTRA_THREADS: intFrom(1, 0, 256),
  TOLK_SHUTDOWN_GRACE_MS: intFrom(5000, 0, 120_000),
  TOLK_ASR_BEAM_WIDTH: intFrom(8, 1, 256),
  // Unset: each model's dev-tuned weight from its model.json (lm.weight), else the decoder default.
  TOLK_ASR_LM_WEIGHT: z.coerce.number().min(0).max(10).optional(),
  TOLK_ASR_TIMEOUT_MS: intFrom(5000, 100, 120_000),
  TOLK_ASR_MAX_BACKLOG_MS: intFrom(2000, 100, 60_000),
  TOLK_ASR_THREAD: z.enum(['worker', 'main']).default('worker'),
  TOLK_ASR_MODELS: list,
  TOLK_MT_MIN_CONFIDENCE: numFrom(0.5, 0, 1),
  TOLK_MT_MAX_OOV_RATE: numFrom(0.4, 0, 1),
  TOLK_MT_DICTIONARY_TERMS: bool(true),
  TOLK_MT_MAX_CHARS: intFrom(2000, 1, 100_000),
  TOLK_MT_PRIMARY_TIMEOUT_MS: intFrom(2000, 10, 120_000),
  TOLK_MT_FALLBACK_TIMEOUT_MS: intFrom(5000, 10, 120_000),
  TOLK_MT_GLOSSARY_FILE: z.string().optional(),
  TOLK_TTS_TIMEOUT_MS: intFrom(5000, 100, 120_000),
  TOLK_TTS_VOICES: list,
  TOLK_TTS_GL_ITERS: intFrom(16, 1, 256),
  TOLK_TTS_VOCODER: z.enum(['auto', 'neural', 'griffin-lim']).default('auto'),
  TOLK_TTS_SPEED: numFrom(1, 0.5, 2),
  TOLK_BARGE_IN: bool(true),
  TOLK_MAX_ROOMS: intFrom(100, 1, 100_000),
  TOLK_ROOM_MAX_PARTICIPANTS: intFrom(2, 2, 4),
});

export interface Config {
  port: number;
  host: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  limits: {
    maxSessions: number;
    maxFrameBytes: number;
    maxSessionMs: number;
    idleTimeoutMs: number;
    /**
     * Audio queued ahead of processing. At this much the session stops reading its socket
     * (TCP backpressure) until the queue is half empty; no audio is dropped.
     */
    queueMaxMs: number;
    /** Binary audio to a client is dropped (counted) while its socket buffers more than this. */
    sendBufferMaxBytes: number;
  };
  access: { apiKeys: string[]; allowedOrigins: string[] };
  frontend: {
    vadAggressiveness: 0 | 1 | 2 | 3;
    vadFrameMs: 10 | 20 | 30;
    speechStartMs: number;
    hangoverMs: number;
    denoise: boolean;
  };
  models: { dir: string; executionProviders: string[]; intraOpThreads: number };
  shutdownGraceMs: number;
  asr: {
    /** Prefixes kept by the final beam search. */
    beamWidth: number;
    /** α, weight of the domain LM in the final beam search; undefined → the model card's tuned value. */
    lmWeight: number | undefined;
    /** Longest one recognizer call (a chunk or the final) may take before the segment fails. */
    timeoutMs: number;
    /**
     * Utterance audio waiting for the recognizer. Above it the session stops taking audio off
     * its input queue (which then backpressures the socket) until ASR catches up.
     */
    maxBacklogMs: number;
    /**
     * Where the acoustic model runs: 'worker' (its own thread, so a large batched ORT call cannot
     * stall other sessions' audio) or 'main' (shares the process's ORT session cache).
     */
    thread: 'worker' | 'main';
    /**
     * ASR model ids (or folder names) serving each language by default, first per language
     * wins; empty = the folders named exactly `asr-<lang>`. Other ASR folders are served to
     * sessions that name them in `start.model`.
     */
    models: string[];
  };
  mt: {
    minConfidence: number;
    maxOovRate: number;
    /** Look the neural model's unknown words up in apertium and keep them as terms. */
    dictionaryTerms: boolean;
    maxChars: number;
    primaryTimeoutMs: number;
    fallbackTimeoutMs: number;
    /** Per-deployment glossary (JSON, docs/mt.md); unset = none. */
    glossaryFile?: string;
  };
  tts: {
    /** Longest wait for the next synthesized chunk before the segment's speech fails. */
    timeoutMs: number;
    /** TTS model ids to load (first per language wins); empty = every `tts-<lang>` folder. */
    voices: string[];
    /** Griffin-Lim iterations per vocoder block: quality vs CPU (docs/tts.md has the RTF per count). */
    griffinLimIterations: number;
    /**
     * auto: a voice speaks through the neural vocoder trained for its language when
     * models/ has one (kind "vocoder"), else Griffin-Lim; neural: the same, noting its absence;
     * griffin-lim: always the baseline.
     */
    vocoder: 'auto' | 'neural' | 'griffin-lim';
    /** Speaking-rate factor for the acoustic model (2 = twice as fast). */
    speed: number;
  };
  /** A new speech_start while translated speech still plays sends `clear` and stops it. */
  bargeIn: boolean;
  /** Conversation rooms (server/rooms): open rooms at once, participants per room (2..4). */
  rooms: { maxRooms: number; maxParticipants: number };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    limits: {
      maxSessions: e.TOLK_MAX_SESSIONS,
      maxFrameBytes: e.TOLK_MAX_FRAME_BYTES,
      maxSessionMs: e.TOLK_MAX_SESSION_MS,
      idleTimeoutMs: e.TOLK_IDLE_TIMEOUT_MS,
      queueMaxMs: e.TOLK_QUEUE_MAX_MS,
      sendBufferMaxBytes: e.TOLK_SEND_BUFFER_MAX_BYTES,
    },
    access: { apiKeys: e.TOLK_API_KEYS, allowedOrigins: e.TOLK_ALLOWED_ORIGINS },
    frontend: {
      vadAggressiveness: e.TOLK_VAD_AGGRESSIVENESS as 0 | 1 | 2 | 3,
      vadFrameMs: e.TOLK_VAD_FRAME_MS as 10 | 20 | 30,
      speechStartMs: e.TOLK_SPEECH_START_MS,
      hangoverMs: e.TOLK_HANGOVER_MS,
      denoise: e.TOLK_DENOISE,
    },
    models: {
      dir: e.TOLK_MODELS_DIR,
      executionProviders: e.TOLK_ORT_PROVIDERS,
      intraOpThreads: e.TOLK_ORT_INTRA_THREADS,
    },
    shutdownGraceMs: e.TOLK_SHUTDOWN_GRACE_MS,
    asr: {
      beamWidth: e.TOLK_ASR_BEAM_WIDTH,
      lmWeight: e.TOLK_ASR_LM_WEIGHT,
      timeoutMs: e.TOLK_ASR_TIMEOUT_MS,
      maxBacklogMs: e.TOLK_ASR_MAX_BACKLOG_MS,
      thread: e.TOLK_ASR_THREAD,
      models: e.TOLK_ASR_MODELS,
    },
    mt: {
      minConfidence: e.TOLK_MT_MIN_CONFIDENCE,
      maxOovRate: e.TOLK_MT_MAX_OOV_RATE,
      dictionaryTerms: e.TOLK_MT_DICTIONARY_TERMS,
      maxChars: e.TOLK_MT_MAX_CHARS,
      primaryTimeoutMs: e.TOLK_MT_PRIMARY_TIMEOUT_MS,
      fallbackTimeoutMs: e.TOLK_MT_FALLBACK_TIMEOUT_MS,
      ...(e.TOLK_MT_GLOSSARY_FILE ? { glossaryFile: e.TOLK_MT_GLOSSARY_FILE } : {}),
    },
    tts: {
      timeoutMs: e.TOLK_TTS_TIMEOUT_MS,
      voices: e.TOLK_TTS_VOICES,
      griffinLimIterations: e.TOLK_TTS_GL_ITERS,
      vocoder: e.TOLK_TTS_VOCODER,
      speed: e.TOLK_TTS_SPEED,
    },
    bargeIn: e.TOLK_BARGE_IN,
    rooms: { maxRooms: e.TOLK_MAX_ROOMS, maxParticipants: e.TOLK_ROOM_MAX_PARTICIPANTS },
  };
}
