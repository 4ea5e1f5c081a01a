/**
 * Wire protocol v1: zod schemas shared by the server (validation at the edge) and the clients
 * (client/node parses what the server sends with the same schemas). docs/protocol.md mirrors
 * this file; change both together.
 */
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../errors.ts';

export const PROTOCOL_VERSION = 1;

export const MIN_SAMPLE_RATE = 8000;
export const MAX_SAMPLE_RATE = 48_000;

export const ENCODINGS = ['s16le', 'f32le'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** Stages a session can run; `ready.stages` lists the ones this server has. */
export const STAGES = ['frontend', 'asr', 'mt', 'tts'] as const;
export type Stage = (typeof STAGES)[number];

/** Room ids: short and url-safe; pages make them from 96 random bits (16 base64url characters). */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

const language = z
  .string()
  .min(2)
  .max(16)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'BCP-47 tag such as en or es-MX');

// ---------------------------------------------------------------- client → server (text frames)

/**
 * `sampleRate` and `encoding` are plain numbers/strings here so that an out-of-range value gets
 * its own error code (unsupported_sample_rate / unsupported_encoding) instead of bad_message.
 */
export const startMessage = z.object({
  type: z.literal('start'),
  sampleRate: z.number().int(),
  encoding: z.string(),
  source: language.default('en'),
  target: language.default('es'),
  /** Send partial transcripts while the person is talking (once ASR exists). */
  partials: z.boolean().default(true),
  /** Send the noise-suppressed input back as binary audio on the `denoised` channel. */
  returnDenoised: z.boolean().default(false),
  /**
   * A model id from GET /v1/models; unknown ids fail with model_not_found. An ASR model becomes
   * this session's recognizer (it must recognize `source`, else unsupported_language).
   */
  model: z.string().min(1).max(128).optional(),
  /**
   * Conversation room to join (created by the first participant). Checked by the session, not
   * here, so that a malformed id gets its own code (invalid_room); see ROOM_ID_PATTERN.
   */
  room: z.string().min(1).max(128).optional(),
  /** Display name shown to the other participants of the room. */
  name: z.string().trim().min(1).max(40).optional(),
});
export type StartMessage = z.infer<typeof startMessage>;

export const MAX_GLOSSARY_TERMS = 500;

export const configMessage = z.object({
  type: z.literal('config'),
  /** Domain words to bias recognition towards; they apply from the next utterance. */
  hotwords: z.array(z.string().min(1).max(64)).max(500).optional(),
  /**
   * Session terms for MT, source term → forced target term, for the session's source → target
   * pair (layered over the deployment's glossary; see docs/mt.md).
   */
  glossary: z
    .record(z.string().trim().min(1).max(200), z.string().trim().min(1).max(200))
    .refine((g) => Object.keys(g).length <= MAX_GLOSSARY_TERMS, `at most ${MAX_GLOSSARY_TERMS} terms`)
    .optional(),
  /** TTS voice id (used by the TTS stage once a voice model exists). */
  voice: z.string().min(1).max(64).optional(),
});
export type ConfigMessage = z.infer<typeof configMessage>;

export const stopMessage = z.object({ type: z.literal('stop') });
export type StopMessage = z.infer<typeof stopMessage>;

export const clientMessage = z.discriminatedUnion('type', [startMessage, configMessage, stopMessage]);
export type ClientMessage = z.infer<typeof clientMessage>;
export const CLIENT_MESSAGE_TYPES = ['start', 'config', 'stop'] as const;

// ---------------------------------------------------------------- server → client (text frames)

export const AUDIO_CHANNELS = { denoised: 1, speech: 2 } as const;
export type AudioStreamKind = keyof typeof AUDIO_CHANNELS;

const streamMs = z.number().nonnegative();

export const readyMessage = z.object({
  type: z.literal('ready'),
  protocol: z.literal(PROTOCOL_VERSION),
  sessionId: z.string(),
  sampleRate: z.number().int(),
  encoding: z.enum(ENCODINGS),
  source: z.string(),
  target: z.string(),
  stages: z.array(z.enum(STAGES)),
  denoise: z.boolean(),
  returnDenoised: z.boolean(),
  model: z.string().optional(),
  room: z.string().optional(),
  /** Stages this server has but this session cannot run (e.g. no ASR model for `source`), and why. */
  unavailable: z.array(z.object({ stage: z.enum(STAGES), code: z.string(), message: z.string() })).optional(),
  limits: z.object({
    maxFrameBytes: z.number().int(),
    maxSessionMs: z.number().int(),
    idleTimeoutMs: z.number().int(),
    queueMaxMs: z.number().int(),
  }),
});

export const speechStartMessage = z.object({
  type: z.literal('speech_start'),
  segmentId: z.number().int(),
  streamMs,
});
export const speechEndMessage = z.object({
  type: z.literal('speech_end'),
  segmentId: z.number().int(),
  streamMs,
});

export const transcriptMessage = z.object({
  type: z.literal('transcript'),
  segmentId: z.number().int(),
  text: z.string(),
  final: z.boolean(),
  startMs: streamMs,
  endMs: streamMs,
  /** Final transcripts only: word timings (stream ms) and per-word confidence in 0..1. */
  words: z
    .array(z.object({ word: z.string(), startMs: streamMs, endMs: streamMs, confidence: z.number() }))
    .optional(),
  /** Final transcripts only: utterance confidence in 0..1. */
  confidence: z.number().optional(),
});

export const translationMessage = z.object({
  type: z.literal('translation'),
  segmentId: z.number().int(),
  text: z.string(),
  source: z.string(),
  target: z.string(),
  /** MT engine that produced `text` (`neural` or `apertium`). */
  engine: z.string().optional(),
  /** Present when the fallback engine answered instead of the primary, with the reason. */
  fallback: z.object({ reason: z.string(), detail: z.string().optional() }).optional(),
  /** Engine confidence in 0..1, when the engine reports one. */
  confidence: z.number().optional(),
});

export const audioStartMessage = z.object({
  type: z.literal('audio_start'),
  stream: z.enum(['denoised', 'speech']),
  /** First byte of every binary frame of this stream. */
  channel: z.number().int(),
  sampleRate: z.number().int(),
  encoding: z.enum(ENCODINGS),
  segmentId: z.number().int().optional(),
  /** Rooms: the participant whose translated speech this is (`segmentId` is theirs). */
  participantId: z.string().optional(),
});

export const audioEndMessage = z.object({
  type: z.literal('audio_end'),
  stream: z.enum(['denoised', 'speech']),
  channel: z.number().int(),
  segmentId: z.number().int().optional(),
  participantId: z.string().optional(),
  /** Frames of this stream dropped because the client read too slowly. */
  droppedFrames: z.number().int().nonnegative().default(0),
});

export const clearMessage = z.object({
  type: z.literal('clear'),
  stream: z.enum(['denoised', 'speech']),
  /** Segment whose speech audio is to be dropped (barge-in). */
  segmentId: z.number().int().optional(),
  participantId: z.string().optional(),
});

// ---------------------------------------------------------------- conversation rooms

const participant = z.object({
  participantId: z.string(),
  name: z.string(),
  /** The language this participant speaks (their `start.source`), which they also hear. */
  language: z.string(),
});

/** Where this participant's speech now goes: the target language and the stages that run. */
const routing = {
  target: z.string(),
  stages: z.array(z.enum(STAGES)),
};

export const roomJoinedMessage = z.object({
  type: z.literal('room_joined'),
  room: z.string(),
  participantId: z.string(),
  name: z.string(),
  /** The others already in the room. */
  participants: z.array(participant),
  maxParticipants: z.number().int(),
  ...routing,
});

export const peerJoinedMessage = participant.extend({ type: z.literal('peer_joined'), ...routing });

export const peerLeftMessage = z.object({
  type: z.literal('peer_left'),
  participantId: z.string(),
  name: z.string(),
  ...routing,
});

/** A peer's final transcript, in the language they spoke. */
export const peerTranscriptMessage = z.object({
  type: z.literal('peer_transcript'),
  participantId: z.string(),
  name: z.string(),
  /** The peer's own segment id (ids are per participant). */
  segmentId: z.number().int(),
  text: z.string(),
  language: z.string(),
  /** Peer's stream times, ms. */
  startMs: streamMs,
  endMs: streamMs,
  confidence: z.number().optional(),
});

/** A peer's segment translated (into the listener's language when the room is bilingual). */
export const peerTranslationMessage = z.object({
  type: z.literal('peer_translation'),
  participantId: z.string(),
  segmentId: z.number().int(),
  text: z.string(),
  source: z.string(),
  target: z.string(),
  engine: z.string().optional(),
  fallback: z.object({ reason: z.string(), detail: z.string().optional() }).optional(),
});

export const segmentMetricsMessage = z.object({
  type: z.literal('metrics'),
  segmentId: z.number().int(),
  startMs: streamMs,
  endMs: streamMs,
  /** Wall time spent in each stage for this segment, ms (frontend, asr, mt, tts: those that ran). */
  stageMs: z.record(z.string(), z.number().nonnegative()),
  /** Wall time from the segment's last audio frame arriving to speech_end being sent, ms. */
  endpointLatencyMs: z.number().nonnegative(),
  /** Wall time from speech_end to the final transcript being sent, ms (ASR ran). */
  transcriptLatencyMs: z.number().nonnegative().optional(),
  /** Wall time from speech_end to the translation being sent, ms (MT ran). */
  translationLatencyMs: z.number().nonnegative().optional(),
  /** Wall time from speech_end to the first binary speech frame being sent, ms (TTS ran). */
  firstAudioLatencyMs: z.number().nonnegative().optional(),
});

const errorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

export const errorMessage = z.object({
  type: z.literal('error'),
  code: errorCodeSchema,
  message: z.string(),
  recoverable: z.boolean(),
  stage: z.string().optional(),
  /** Set when the error concerns one segment (its ASR, MT or TTS failed). */
  segmentId: z.number().int().optional(),
});

export const END_REASONS = [
  'stop',
  'session_too_long',
  'idle_timeout',
  'shutting_down',
  'error',
  'client_gone',
] as const;
export const endMessage = z.object({
  type: z.literal('end'),
  reason: z.enum(END_REASONS),
  /** Stream time of the last processed sample, ms. */
  streamMs,
  segments: z.number().int().nonnegative(),
});

export const serverMessage = z.discriminatedUnion('type', [
  readyMessage,
  speechStartMessage,
  speechEndMessage,
  transcriptMessage,
  translationMessage,
  audioStartMessage,
  audioEndMessage,
  clearMessage,
  segmentMetricsMessage,
  errorMessage,
  endMessage,
  roomJoinedMessage,
  peerJoinedMessage,
  peerLeftMessage,
  peerTranscriptMessage,
  peerTranslationMessage,
]);

export type ReadyMessage = z.infer<typeof readyMessage>;
export type SpeechStartMessage = z.infer<typeof speechStartMessage>;
export type SpeechEndMessage = z.infer<typeof speechEndMessage>;
export type TranscriptMessage = z.infer<typeof transcriptMessage>;
export type TranslationMessage = z.infer<typeof translationMessage>;
export type AudioStartMessage = z.infer<typeof audioStartMessage>;
export type AudioEndMessage = z.infer<typeof audioEndMessage>;
export type ClearMessage = z.infer<typeof clearMessage>;
export type SegmentMetricsMessage = z.infer<typeof segmentMetricsMessage>;
export type ErrorMessage = z.infer<typeof errorMessage>;
export type EndMessage = z.infer<typeof endMessage>;
export type EndReason = (typeof END_REASONS)[number];
export type RoomJoinedMessage = z.infer<typeof roomJoinedMessage>;
export type PeerJoinedMessage = z.infer<typeof peerJoinedMessage>;
export type PeerLeftMessage = z.infer<typeof peerLeftMessage>;
export type PeerTranscriptMessage = z.infer<typeof peerTranscriptMessage>;
export type PeerTranslationMessage = z.infer<typeof peerTranslationMessage>;
export type ServerMessage = z.infer<typeof serverMessage>;
