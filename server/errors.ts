/**
 * The one error type of the pipeline. Every failure that reaches a client is a PipelineError
 * with a stable `code` (documented in docs/protocol.md); the transport turns it into one
 * protocol `error` message.
 */
export const ERROR_CODES = {
  // transport / protocol
  bad_json: 'Text frame is not valid JSON',
  bad_message: 'Message does not match the protocol schema',
  unknown_message_type: 'Message type is not part of the protocol',
  audio_before_start: 'Binary audio arrived before a start message',
  already_started: 'A start message arrived for a session that is already started',
  unsupported_sample_rate: 'Sample rate outside 8000..48000 Hz',
  unsupported_encoding: 'Encoding is not s16le or f32le',
  bad_frame_length: 'Binary frame length is not a whole number of samples',
  frame_too_large: 'Binary frame exceeds the maximum frame size',
  queue_overflow: 'Too much audio queued; oldest audio was dropped',
  rate_limited: 'Audio arrives faster than real time allows',
  session_too_long: 'Session exceeded its maximum length',
  idle_timeout: 'No audio or message within the idle timeout',
  server_full: 'The server is at its maximum number of sessions',
  unauthorized: 'Missing or invalid API key',
  forbidden_origin: 'Origin is not in the allowlist',
  shutting_down: 'The server is shutting down',
  // conversation rooms
  invalid_room: 'Room id must be 8-64 characters of A-Z, a-z, 0-9, _ or -',
  room_full: 'The room has its maximum number of participants',
  too_many_rooms: 'The server has its maximum number of open rooms',
  // models and stages
  model_not_found: 'Requested model is not available',
  model_load_failed: 'A model file is missing or unreadable',
  unsupported_language: 'Language or language pair is not supported',
  bad_wav: 'WAV data is truncated or malformed',
  stage_failed: 'A pipeline stage failed',
  text_too_long: 'Text exceeds the maximum length',
  empty_text: 'Text is empty',
  engine_unavailable: 'A required engine is not installed or not running',
  timeout: 'An operation did not finish in time',
  internal: 'Internal error',
  engine_busy: 'The engine has too many requests queued',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export type StageName = 'transport' | 'session' | 'frontend' | 'asr' | 'mt' | 'tts' | 'models' | 'data';

export class PipelineError extends Error {
  readonly code: ErrorCode;
  readonly stage: StageName;
  /** True when the session can continue after this error. */
  readonly recoverable: boolean;

  constructor(
    code: ErrorCode,
    stage: StageName,
    options: { message?: string; recoverable?: boolean; cause?: unknown } = {},
  ) {
    super(options.message ?? ERROR_CODES[code], { cause: options.cause });
    this.name = 'PipelineError';
    this.code = code;
    this.stage = stage;
    this.recoverable = options.recoverable ?? true;
  }
}

/** Wraps any thrown value so callers only ever see PipelineError. */
export function toPipelineError(err: unknown, stage: StageName): PipelineError {
  if (err instanceof PipelineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new PipelineError('internal', stage, { message, recoverable: false, cause: err });
}
