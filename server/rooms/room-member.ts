/**
 * One participant of a room, as its session sees it: the session hands over its socket
 * (endpoint) and its pipeline, and gets back the pipeline output that routes its results
 * (transcripts and translations to everyone, translated speech only to its listeners).
 */
import type { Encoding, ServerMessage, Stage } from '../protocol/messages.ts';
import type { PipelineOutput } from '../session/pipeline.ts';
import type { Room } from './room.ts';

/** The participant's own socket, through its session (sends stop once that session ended). */
export interface MemberEndpoint {
  sendJson(message: ServerMessage): void;
  /** False when the frame was dropped (client reads too slowly, or gone). */
  sendBinary(frame: Uint8Array): boolean;
  /** The participant's negotiated audio format: peer speech to them is made in it. */
  sampleRate: number;
  encoding: Encoding;
}

/** What the room needs from a participant's translation pipeline. */
export interface MemberPipeline {
  readonly stages: Stage[];
  setTarget(target: string): void;
  interrupt(): void;
}

export interface MemberInit {
  participantId: string;
  name: string;
  /** Base language spoken (and heard). */
  language: string;
  defaultTarget: string;
  endpoint: MemberEndpoint;
}

export class RoomMember {
  readonly participantId: string;
  readonly name: string;
  readonly language: string;
  readonly defaultTarget: string;
  readonly endpoint: MemberEndpoint;
  /** Visible to the others (its session sent `ready`). */
  active = false;
  private pipeline?: MemberPipeline;
  private target: string;
  /** Who gets the speech stream in progress (fixed at its audio_start, kept for a late `clear`). */
  private speechListeners: RoomMember[] = [];
  /** The speech stream between its audio_start and audio_end, if any. */
  private openSpeech?: { segmentId?: number; channel: number };
  private left = false;

  constructor(
    readonly room: Room,
    init: MemberInit,
  ) {
    this.participantId = init.participantId;
    this.name = init.name;
    this.language = init.language;
    this.defaultTarget = init.defaultTarget;
    this.endpoint = init.endpoint;
    this.target = room.targetFor(this);
  }

  /** The language this participant's speech is translated into right now. */
  get currentTarget(): string {
    return this.target;
  }

  describe(): { participantId: string; name: string; language: string } {
    return { participantId: this.participantId, name: this.name, language: this.language };
  }

  routing(): { target: string; stages: Stage[] } {
    return { target: this.target, stages: this.pipeline?.stages ?? [] };
  }

  /** The session's stages are up: join the conversation. */
  activate(pipeline: MemberPipeline): void {
    if (this.left) return;
    this.pipeline = pipeline;
    pipeline.setTarget(this.target);
    this.room.activate(this);
  }

  retarget(target: string): void {
    this.target = target;
    this.pipeline?.setTarget(target);
  }

  /** This participant started talking. */
  speechStarted(): void {
    if (this.active) this.room.speechStarted(this);
  }

  isSpeakingTo(member: RoomMember): boolean {
    return this.speechListeners.includes(member);
  }

  interrupt(): void {
    this.pipeline?.interrupt();
  }

  /** Leaves the room (session ended); safe to call twice. */
  leave(): void {
    if (this.left) return;
    this.left = true;
    this.pipeline = undefined;
    // Close speech in flight for the listeners before they hear that this participant left
    // (the pipeline's own audio_end comes later, asynchronously, and is no longer routed).
    if (this.openSpeech) {
      const { segmentId, channel } = this.openSpeech;
      for (const l of this.speechListeners) {
        l.endpoint.sendJson({
          type: 'audio_end',
          stream: 'speech',
          channel,
          participantId: this.participantId,
          droppedFrames: 0,
          ...(segmentId !== undefined ? { segmentId } : {}),
        });
      }
    }
    this.openSpeech = undefined;
    this.speechListeners = [];
    this.room.remove(this);
  }

  /** Wraps the session's own output so results reach the room. */
  output(own: PipelineOutput): PipelineOutput {
    const toListeners = (message: ServerMessage) => {
      for (const l of this.speechListeners) l.endpoint.sendJson(message);
    };
    return {
      send: (message) => {
        switch (message.type) {
          case 'transcript':
            own.send(message);
            if (message.final) {
              this.room.toPeers(this, {
                type: 'peer_transcript',
                participantId: this.participantId,
                name: this.name,
                segmentId: message.segmentId,
                text: message.text,
                language: this.language,
                startMs: message.startMs,
                endMs: message.endMs,
                ...(message.confidence !== undefined ? { confidence: message.confidence } : {}),
              });
            }
            return;
          case 'translation':
            own.send(message);
            this.room.toPeers(this, {
              type: 'peer_translation',
              participantId: this.participantId,
              segmentId: message.segmentId,
              text: message.text,
              source: message.source,
              target: message.target,
              ...(message.engine ? { engine: message.engine } : {}),
              ...(message.fallback ? { fallback: message.fallback } : {}),
            });
            return;
          case 'audio_start':
          case 'audio_end':
          case 'clear':
            if (message.stream !== 'speech') break;
            // Translated speech is for the listeners only, never back to the speaker.
            if (this.left) return;
            if (message.type === 'audio_start') {
              this.speechListeners = this.room.listenersOf(this);
              this.openSpeech = { segmentId: message.segmentId, channel: message.channel };
            } else if (message.type === 'audio_end') this.openSpeech = undefined;
            toListeners({ ...message, participantId: this.participantId });
            return;
        }
        own.send(message);
      },
      sendBinary: (frame) => {
        let all = this.speechListeners.length > 0;
        for (const l of this.speechListeners) all = l.endpoint.sendBinary(frame) && all;
        return all;
      },
      error: (error, segmentId) => own.error(error, segmentId),
      speechFormat: () => {
        const [first] = this.room.listenersOf(this);
        return first ? { sampleRate: first.endpoint.sampleRate, encoding: first.endpoint.encoding } : null;
      },
    };
  }
}
