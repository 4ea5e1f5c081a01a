/**
 * One streaming session: the protocol state machine for one connection. It owns its stages
 * (the audio front-end and the translation pipeline: ASR → MT → TTS), its audio queue and its
 * timers, and disposes all of them when it ends. It never touches the socket directly: the
 * transport hands it a SessionSink.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ModelRegistry } from '../../models/registry.ts';
import type { Config } from '../config.ts';
import { type ErrorCode, PipelineError, toPipelineError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { decodePcm, encodeAudioFrame, samplesToMs } from '../protocol/audio-codec.ts';
import { CLOSE_CODES, type CloseCode } from '../protocol/close-codes.ts';
import {
  AUDIO_CHANNELS,
  CLIENT_MESSAGE_TYPES,
  type ConfigMessage,
  clientMessage,
  ENCODINGS,
  type Encoding,
  type EndReason,
  MAX_SAMPLE_RATE,
  MIN_SAMPLE_RATE,
  type ServerMessage,
  type StartMessage,
} from '../protocol/messages.ts';
import type { RoomMember } from '../rooms/room-member.ts';
import type { RoomRegistry } from '../rooms/room-registry.ts';
import type { AudioFrontend, FrontendEvent, FrontendOptions } from '../stages/frontend/types.ts';
import { AudioQueue, type QueuedAudio } from './audio-queue.ts';
import { type PipelineOutput, SessionPipeline } from './pipeline.ts';
import type { PipelineEngines } from './pipeline-types.ts';
import { checkRequestedRecognizer, enginesWithRequestedRecognizer } from './requested-model.ts';

/** What a session needs from its connection. */
export interface SessionSink {
  sendJson(message: ServerMessage): void;
  /** Sends a binary frame; returns false when it was dropped because the client reads too slowly. */
  sendBinary(frame: Uint8Array): boolean;
  close(code: CloseCode, reason: string): void;
  /** Stop / restart reading client frames (TCP backpressure). */
  pauseInput(): void;
  resumeInput(): void;
}

export type CreateFrontend = (options: FrontendOptions) => Promise<AudioFrontend>;

export interface SessionDeps {
  config: Config;
  metrics: Metrics;
  logger: Logger;
  registry: ModelRegistry;
  createFrontend: CreateFrontend;
  /** The server's loaded engines; resolves once start-up loading has finished. */
  engines: () => Promise<PipelineEngines>;
  /** Conversation rooms (`start.room`); without it `room` is only echoed. */
  rooms?: RoomRegistry;
}

type State = 'awaiting_start' | 'starting' | 'streaming' | 'stopping' | 'ended';

/** Longest a drain turn may hold the event loop before yielding to other sessions. */
const DRAIN_SLICE_MS = 8;

interface Stream {
  sampleRate: number;
  encoding: Encoding;
  frontend?: AudioFrontend;
  pipeline?: SessionPipeline;
  queue: AudioQueue;
  /** Samples handed to the front-end so far (stream time). */
  processedSamples: number;
  denoisedStarted: boolean;
  denoisedDropped: number;
  start: StartMessage;
}

interface OpenSegment {
  id: number;
  startMs: number;
  frontendMs: number;
}

export class Session {
  readonly id = randomUUID();
  private state: State = 'awaiting_start';
  private stream?: Stream;
  private segment?: OpenSegment;
  private segments = 0;
  private inputPaused = false;
  private drainScheduled = false;
  private idleTimer?: NodeJS.Timeout;
  private lifetimeTimer?: NodeJS.Timeout;
  private graceTimer?: NodeJS.Timeout;
  private draining = false;
  /** Set while end() flushes, so nested failures cannot end the session twice. */
  private ending = false;
  /** The front-end has been flushed (stop waits for the pipeline after this). */
  private flushed = false;
  private finishingStop = false;
  private sessionConfig: Omit<ConfigMessage, 'type'> = {};
  /** This session's place in a conversation room. */
  private room?: RoomMember;
  private readonly log: Logger;
  private endedResolve!: () => void;
  /** Resolves once the session has ended and released everything it owns. */
  readonly ended: Promise<void> = new Promise((resolve) => (this.endedResolve = resolve));

  constructor(
    private readonly sink: SessionSink,
    private readonly deps: SessionDeps,
  ) {
    this.log = deps.logger.child({ session: this.id });
    const { limits } = deps.config;
    this.lifetimeTimer = setTimeout(
      () => this.fail(new PipelineError('session_too_long', 'session', { recoverable: false })),
      limits.maxSessionMs,
    );
    this.lifetimeTimer.unref();
    this.touch();
    deps.metrics.activeSessions.inc();
  }

  get isEnded(): boolean {
    return this.state === 'ended';
  }

  /** Client configuration from `config` messages (hotwords, glossary, voice). */
  get options(): Readonly<Omit<ConfigMessage, 'type'>> {
    return this.sessionConfig;
  }

  // ------------------------------------------------------------------ input from the transport

  handleText(text: string): void {
    if (this.state === 'ended') return;
    this.touch();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.reportError(new PipelineError('bad_json', 'transport'));
      return;
    }
    const type = (json as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !(CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)) {
      this.reportError(
        new PipelineError('unknown_message_type', 'transport', {
          message: `Unknown message type ${JSON.stringify(type ?? null)}; expected one of ${CLIENT_MESSAGE_TYPES.join(', ')}`,
        }),
      );
      return;
    }
    const parsed = clientMessage.safeParse(json);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.') || type}: ${i.message}`).join('; ');
      this.reportError(new PipelineError('bad_message', 'transport', { message: detail }));
      return;
    }
    const message = parsed.data;
    if (message.type === 'start') this.start(message);
    else if (message.type === 'config') this.applyConfig(message);
    else this.stop();
  }

  handleBinary(bytes: Uint8Array): void {
    if (this.state === 'ended') return;
    this.touch();
    const { metrics, config } = this.deps;
    metrics.framesTotal.inc({ direction: 'in' });
    metrics.bytesTotal.inc({ direction: 'in' }, bytes.byteLength);
    if (this.state === 'awaiting_start' || !this.stream) {
      metrics.dropsTotal.inc({ reason: 'audio_before_start' });
      this.reportError(new PipelineError('audio_before_start', 'transport'));
      return;
    }
    if (this.state === 'stopping') return; // audio after stop is ignored; the session is flushing
    if (bytes.byteLength > config.limits.maxFrameBytes) {
      metrics.dropsTotal.inc({ reason: 'frame_too_large' });
      this.reportError(
        new PipelineError('frame_too_large', 'transport', {
          message: `Frame of ${bytes.byteLength} bytes exceeds the ${config.limits.maxFrameBytes}-byte limit; frame dropped`,
        }),
      );
      return;
    }
    let samples: Float32Array;
    try {
      samples = decodePcm(bytes, this.stream.encoding);
    } catch (err) {
      metrics.dropsTotal.inc({ reason: 'bad_frame' });
      this.reportError(toPipelineError(err, 'transport'));
      return;
    }
    if (samples.length === 0) return;
    metrics.audioInSeconds.inc(samples.length / this.stream.sampleRate);
    this.stream.queue.push({ samples, receivedAt: performance.now() });
    if (!this.inputPaused && this.stream.queue.aboveHighWater) {
      this.inputPaused = true;
      metrics.inputPauses.inc();
      this.sink.pauseInput();
    }
    this.scheduleDrain();
  }

  /** The socket closed without `stop` (client vanished, network died). */
  handleClientGone(): void {
    if (this.state === 'ended') return;
    this.end('client_gone', { notify: false });
  }

  /**
   * Graceful shutdown: keep processing until the open segment ends (speech_end) or `graceMs`
   * passes, then end with `shutting_down`. A session not inside speech ends at once.
   */
  shutdown(graceMs: number): Promise<void> {
    if (this.state === 'ended') return this.ended;
    this.draining = true;
    if (!this.segment || this.state !== 'streaming') {
      this.fail(new PipelineError('shutting_down', 'session', { recoverable: false }));
    } else {
      this.graceTimer = setTimeout(
        () => this.fail(new PipelineError('shutting_down', 'session', { recoverable: false })),
        graceMs,
      );
    }
    return this.ended;
  }

  // ------------------------------------------------------------------ protocol handlers

  private start(message: StartMessage): void {
    if (this.state !== 'awaiting_start') {
      this.reportError(new PipelineError('already_started', 'transport'));
      return;
    }
    const { sampleRate, encoding } = message;
    if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
      this.reportError(
        new PipelineError('unsupported_sample_rate', 'transport', {
          message: `Sample rate ${sampleRate} Hz is outside ${MIN_SAMPLE_RATE}..${MAX_SAMPLE_RATE} Hz`,
        }),
      );
      return;
    }
    if (!(ENCODINGS as readonly string[]).includes(encoding)) {
      this.reportError(
        new PipelineError('unsupported_encoding', 'transport', {
          message: `Encoding ${JSON.stringify(encoding)} is not one of ${ENCODINGS.join(', ')}`,
        }),
      );
      return;
    }
    const { limits } = this.deps.config;
    this.state = 'starting';
    // Audio sent right after `start` waits here until the stages are up.
    this.stream = {
      sampleRate,
      encoding: encoding as Encoding,
      queue: new AudioQueue(sampleRate, limits.queueMaxMs, limits.queueMaxMs / 2),
      processedSamples: 0,
      denoisedStarted: false,
      denoisedDropped: 0,
      start: message,
    };
    if (message.model !== undefined && !this.deps.registry.ready) {
      // The models dir is still being scanned (the server just started): check once it has been.
      void this.deps
        .engines()
        .catch(() => undefined)
        .then(() => this.admit(message));
    } else this.admit(message);
  }

  /**
   * The checks that need the model registry or the rooms, then the stages. A refusal leaves the
   * session waiting for a corrected `start`.
   */
  private admit(message: StartMessage): void {
    if (this.state !== 'starting' && this.state !== 'stopping') return;
    const { sampleRate, encoding } = message;
    const model = message.model === undefined ? undefined : this.deps.registry.find(message.model);
    if (message.model !== undefined && !model) {
      this.refuseStart(
        new PipelineError('model_not_found', 'models', {
          message: `Model ${JSON.stringify(message.model)} is not available (see GET /v1/models)`,
        }),
      );
      return;
    }
    const wrongLanguage = model && checkRequestedRecognizer(model, message.source);
    if (wrongLanguage) {
      this.refuseStart(wrongLanguage);
      return;
    }
    if (message.room !== undefined && this.deps.rooms) {
      const member = this.deps.rooms.join(
        { room: message.room, name: message.name, source: message.source, target: message.target },
        {
          sendJson: (m) => this.send(m),
          sendBinary: (frame) => this.sendSpeechFrame(frame),
          sampleRate,
          encoding: encoding as Encoding,
        },
      );
      if (member instanceof PipelineError) {
        this.refuseStart(member);
        return;
      }
      this.room = member;
    }
    const { frontend } = this.deps.config;
    // Promise.resolve().then: a factory that throws synchronously still ends in the rejection path.
    const frontendReady = Promise.resolve().then(() =>
      this.deps.createFrontend({
        inputSampleRate: sampleRate,
        denoise: frontend.denoise,
        returnDenoised: message.returnDenoised,
        vadAggressiveness: frontend.vadAggressiveness,
        vadFrameMs: frontend.vadFrameMs,
        speechStartMs: frontend.speechStartMs,
        hangoverMs: frontend.hangoverMs,
      }),
    );
    const pipelineReady = Promise.resolve()
      .then(() => this.deps.engines())
      .then((engines) => enginesWithRequestedRecognizer(engines, model, message.source))
      .then((engines) => this.createPipeline(engines, message, encoding as Encoding));
    Promise.all([frontendReady, pipelineReady]).then(
      ([fe, pipeline]) => this.onStagesReady(fe, pipeline),
      (err) => {
        // Whichever half did come up must not leak.
        void frontendReady.then(
          (fe) => fe.close(),
          () => undefined,
        );
        void pipelineReady.then(
          (p) => p.close(),
          () => undefined,
        );
        // A requested recognizer that cannot load says so; anything else is a stage failure.
        const loadFailed = err instanceof PipelineError && err.code === 'model_load_failed';
        if (loadFailed) this.log.error({ err: err.cause ?? err, model: message.model }, err.message);
        this.fail(
          loadFailed
            ? err
            : new PipelineError('stage_failed', 'frontend', { recoverable: false, cause: err }),
        );
      },
    );
  }

  /** Back to waiting for `start`; audio queued for the refused start is dropped. */
  private refuseStart(error: PipelineError): void {
    const stopRequested = this.state === 'stopping';
    this.stream = undefined;
    this.state = 'awaiting_start';
    if (this.inputPaused) {
      this.inputPaused = false;
      this.sink.resumeInput();
    }
    this.reportError(error);
    if (stopRequested) this.end('stop');
  }

  private createPipeline(
    engines: PipelineEngines,
    start: StartMessage,
    encoding: Encoding,
  ): Promise<SessionPipeline> {
    const own: PipelineOutput = {
      send: (message) => this.send(message),
      sendBinary: (frame) => this.sendSpeechFrame(frame),
      error: (error, segmentId) => this.reportError(error, segmentId),
    };
    return SessionPipeline.create(
      engines,
      {
        source: start.source,
        // In a room the speech goes to the peer, in the peer's language.
        target: this.room?.currentTarget ?? start.target,
        partials: start.partials,
        sampleRate: start.sampleRate,
        encoding,
        hotwords: this.sessionConfig.hotwords,
        ...(this.room ? { selfBargeIn: false } : {}),
      },
      this.deps.config,
      this.room ? this.room.output(own) : own,
      this.log,
      () => this.scheduleDrain(),
    );
  }

  private onStagesReady(frontend: AudioFrontend, pipeline: SessionPipeline): void {
    const stream = this.stream!;
    if (this.state === 'ended') {
      // The client left while the stages were being created.
      frontend.close();
      pipeline.close();
      return;
    }
    stream.frontend = frontend;
    stream.pipeline = pipeline;
    // Config that arrived while the stages were being created (cheap to apply twice).
    if (this.sessionConfig.hotwords) pipeline.setHotwords(this.sessionConfig.hotwords);
    if (this.sessionConfig.glossary) this.applyGlossary(pipeline, this.sessionConfig.glossary);
    const stopRequested = this.state === 'stopping';
    if (!stopRequested) this.state = 'streaming';
    const { limits, frontend: fe } = this.deps.config;
    const start = stream.start;
    this.send({
      type: 'ready',
      protocol: 1,
      sessionId: this.id,
      sampleRate: stream.sampleRate,
      encoding: stream.encoding,
      source: start.source,
      target: this.room?.currentTarget ?? start.target,
      stages: pipeline.stages,
      ...(pipeline.unavailable.length ? { unavailable: pipeline.unavailable } : {}),
      denoise: fe.denoise,
      returnDenoised: start.returnDenoised,
      ...(start.model ? { model: start.model } : {}),
      ...(start.room ? { room: start.room } : {}),
      limits: {
        maxFrameBytes: limits.maxFrameBytes,
        maxSessionMs: limits.maxSessionMs,
        idleTimeoutMs: limits.idleTimeoutMs,
        queueMaxMs: limits.queueMaxMs,
      },
    });
    this.log.info(
      { sampleRate: stream.sampleRate, encoding: stream.encoding, stages: pipeline.stages },
      'session started',
    );
    this.room?.activate(pipeline);
    this.scheduleDrain();
  }

  private applyConfig(message: ConfigMessage): void {
    const { type: _type, ...rest } = message;
    this.sessionConfig = { ...this.sessionConfig, ...rest };
    // Before the pipeline exists the stored config is applied when it is created.
    const pipeline = this.stream?.pipeline;
    if (!pipeline) return;
    if (rest.hotwords) pipeline.setHotwords(rest.hotwords);
    if (rest.glossary) this.applyGlossary(pipeline, rest.glossary);
  }

  private applyGlossary(pipeline: SessionPipeline, terms: Record<string, string>): void {
    try {
      pipeline.setGlossary(terms);
    } catch (err) {
      this.reportError(
        new PipelineError('bad_message', 'mt', {
          message: `glossary: ${(err as Error).message}`,
          cause: err,
        }),
      );
    }
  }

  private stop(): void {
    if (this.state === 'awaiting_start') {
      this.end('stop');
      return;
    }
    if (this.state === 'stopping') return;
    this.state = 'stopping';
    this.scheduleDrain();
  }

  // ------------------------------------------------------------------ processing

  private scheduleDrain(): void {
    if (this.drainScheduled || this.state === 'ended') return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  /** Runs queued audio through the front-end for at most DRAIN_SLICE_MS, then yields. */
  private drain(): void {
    const stream = this.stream;
    if (!stream?.frontend || this.state === 'ended') return;
    const sliceEnd = performance.now() + DRAIN_SLICE_MS;
    this.touch(); // working through a backlog is activity even while the socket is paused
    // While the recognizer is behind, audio stays queued (and the socket backpressured);
    // the pipeline reschedules the drain once it has caught up.
    let waitingForAsr = false;
    try {
      while (stream.queue.length > 0 && performance.now() < sliceEnd) {
        if (stream.pipeline?.busy) {
          waitingForAsr = true;
          break;
        }
        this.process(stream, stream.queue.shift()!);
        if (this.isEnded) return;
      }
    } catch (err) {
      this.fail(new PipelineError('stage_failed', 'frontend', { recoverable: false, cause: err }));
      return;
    }
    if (this.inputPaused && stream.queue.belowLowWater) {
      this.inputPaused = false;
      this.sink.resumeInput();
    }
    if (stream.queue.length > 0) {
      if (!waitingForAsr) this.scheduleDrain();
    } else if (this.state === 'stopping') void this.finishStop(stream);
  }

  /** `stop`: flush the front-end, let the pipeline finish every segment, then end. */
  private async finishStop(stream: Stream): Promise<void> {
    if (this.finishingStop) return;
    this.finishingStop = true;
    try {
      this.flushFrontend(stream);
    } catch (err) {
      this.fail(new PipelineError('stage_failed', 'frontend', { recoverable: false, cause: err }));
      return;
    }
    await stream.pipeline?.idle();
    this.end('stop');
  }

  private flushFrontend(stream: Stream): void {
    if (this.flushed || !stream.frontend) return;
    this.flushed = true;
    while (stream.queue.length > 0) this.process(stream, stream.queue.shift()!);
    this.handleEvents(stream, stream.frontend.flush(), performance.now());
  }

  private process(stream: Stream, item: QueuedAudio): void {
    const { metrics } = this.deps;
    const t0 = performance.now();
    metrics.queueDelay.observe((t0 - item.receivedAt) / 1000);
    const events = stream.frontend!.push(item.samples);
    const elapsedMs = performance.now() - t0;
    metrics.stageLatency.observe({ stage: 'frontend' }, elapsedMs / 1000);
    stream.processedSamples += item.samples.length;
    if (this.segment) this.segment.frontendMs += elapsedMs;
    this.handleEvents(stream, events, item.receivedAt);
  }

  private handleEvents(stream: Stream, events: FrontendEvent[], receivedAt: number): void {
    for (const event of events) {
      if (this.isEnded) return;
      switch (event.type) {
        case 'speech_start':
          this.segments++;
          this.segment = { id: this.segments, startMs: event.streamMs, frontendMs: 0 };
          this.send({ type: 'speech_start', segmentId: this.segment.id, streamMs: event.streamMs });
          stream.pipeline?.speechStart(this.segment.id, event.streamMs);
          this.room?.speechStarted();
          break;
        case 'speech_end': {
          const segment = this.segment;
          if (!segment) break;
          this.segment = undefined;
          this.send({ type: 'speech_end', segmentId: segment.id, streamMs: event.streamMs });
          // The pipeline sends the segment's transcript, translation, speech and then `metrics`.
          stream.pipeline?.speechEnd(segment.id, event.streamMs, {
            frontendMs: segment.frontendMs,
            endpointLatencyMs: performance.now() - receivedAt,
          });
          // Graceful shutdown waits for exactly this moment (and the segment's results).
          if (this.draining) {
            void (stream.pipeline?.idle() ?? Promise.resolve()).then(() =>
              this.fail(new PipelineError('shutting_down', 'session', { recoverable: false })),
            );
          }
          break;
        }
        case 'speech_audio':
          stream.pipeline?.speechAudio(event.samples, event.streamMs);
          break;
        case 'denoised_audio':
          this.sendDenoised(stream, event.samples, event.sampleRate);
          break;
      }
    }
  }

  private sendSpeechFrame(frame: Uint8Array): boolean {
    if (this.state === 'ended') return false;
    const sent = this.sink.sendBinary(frame);
    if (sent) {
      this.deps.metrics.framesTotal.inc({ direction: 'out' });
      this.deps.metrics.bytesTotal.inc({ direction: 'out' }, frame.byteLength);
    } else this.deps.metrics.dropsTotal.inc({ reason: 'send_backpressure' });
    return sent;
  }

  private sendDenoised(stream: Stream, samples: Float32Array, sampleRate: number): void {
    if (!stream.start.returnDenoised || samples.length === 0) return;
    const channel = AUDIO_CHANNELS.denoised;
    if (!stream.denoisedStarted) {
      stream.denoisedStarted = true;
      this.send({ type: 'audio_start', stream: 'denoised', channel, sampleRate, encoding: stream.encoding });
    }
    const frame = encodeAudioFrame(channel, samples, stream.encoding);
    if (this.sink.sendBinary(frame)) {
      this.deps.metrics.framesTotal.inc({ direction: 'out' });
      this.deps.metrics.bytesTotal.inc({ direction: 'out' }, frame.byteLength);
    } else {
      stream.denoisedDropped++;
      this.deps.metrics.dropsTotal.inc({ reason: 'send_backpressure' });
    }
  }

  // ------------------------------------------------------------------ ending

  private touch(): void {
    clearTimeout(this.idleTimer);
    if (this.state === 'ended') return;
    this.idleTimer = setTimeout(
      () => this.fail(new PipelineError('idle_timeout', 'session', { recoverable: false })),
      this.deps.config.limits.idleTimeoutMs,
    );
    this.idleTimer.unref();
  }

  private reportError(error: PipelineError, segmentId?: number): void {
    this.deps.metrics.errorsTotal.inc({ code: error.code });
    this.send({
      type: 'error',
      code: error.code,
      message: error.message,
      recoverable: error.recoverable,
      stage: error.stage,
      ...(segmentId !== undefined ? { segmentId } : {}),
    });
  }

  /** Ends the session because of a non-recoverable error. */
  private fail(error: PipelineError): void {
    if (this.state === 'ended' || this.ending) return;
    if (error.code === 'internal' || error.code === 'stage_failed') {
      this.log.error({ err: error.cause ?? error }, 'session failed');
    }
    this.end(endReasonFor(error.code), { error });
  }

  /** Flushes what can be flushed, sends `end`, closes the socket and disposes everything. */
  private end(reason: EndReason, options: { notify?: boolean; error?: PipelineError } = {}): void {
    if (this.state === 'ended' || this.ending) return;
    this.ending = true;
    const notify = options.notify ?? true;
    const stream = this.stream;
    // Audio already received is still processed and the open segment closed, except when the
    // client is gone (nobody to tell) or the front-end itself broke.
    if (notify && stream?.frontend && reason !== 'error') {
      try {
        this.flushFrontend(stream);
      } catch (err) {
        this.log.warn({ err }, 'front-end flush failed');
      }
      if (stream.denoisedStarted) {
        this.send({
          type: 'audio_end',
          stream: 'denoised',
          channel: AUDIO_CHANNELS.denoised,
          droppedFrames: stream.denoisedDropped,
        });
      }
    }
    // The fatal error comes after the flushed events, right before `end`.
    if (options.error) this.reportError(options.error);
    this.state = 'ended';
    clearTimeout(this.idleTimer);
    clearTimeout(this.lifetimeTimer);
    clearTimeout(this.graceTimer);
    stream?.queue.clear();
    stream?.frontend?.close();
    // Results still in flight are dropped; speech stops now (its audio_end still reaches a peer).
    stream?.pipeline?.close();
    this.room?.leave();
    // A paused socket would never read the client's close frame.
    if (this.inputPaused) {
      this.inputPaused = false;
      this.sink.resumeInput();
    }
    if (notify) {
      const streamMs = stream ? round(samplesToMs(stream.processedSamples, stream.sampleRate)) : 0;
      this.sink.sendJson({ type: 'end', reason, streamMs, segments: this.segments });
      this.sink.close(closeCodeFor(reason), reason);
    }
    this.deps.metrics.activeSessions.dec();
    this.deps.metrics.sessionsTotal.inc({ outcome: reason });
    this.log.info({ reason, segments: this.segments }, 'session ended');
    this.endedResolve();
  }

  private send(message: ServerMessage): void {
    if (this.state !== 'ended') this.sink.sendJson(message);
  }
}

function endReasonFor(code: ErrorCode): EndReason {
  if (code === 'session_too_long' || code === 'idle_timeout' || code === 'shutting_down') return code;
  return 'error';
}

function closeCodeFor(reason: EndReason): CloseCode {
  switch (reason) {
    case 'stop':
    case 'client_gone':
      return CLOSE_CODES.normal;
    case 'shutting_down':
      return CLOSE_CODES.goingAway;
    case 'session_too_long':
      return CLOSE_CODES.sessionTooLong;
    case 'idle_timeout':
      return CLOSE_CODES.idleTimeout;
    case 'error':
      return CLOSE_CODES.internalError;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
