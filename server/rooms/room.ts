/**
 * One conversation room: up to `maxParticipants` sessions, at most two languages. Each
 * participant's speech is translated into the other language and spoken to the participants
 * who speak it. The room only routes (who hears whom, in which language); the sessions keep
 * running their own stages.
 */
import { PipelineError } from '../errors.ts';
import type { ServerMessage } from '../protocol/messages.ts';
import { baseLanguage } from '../session/pipeline-types.ts';
import { type MemberEndpoint, RoomMember } from './room-member.ts';

export interface JoinRequest {
  room: string;
  name?: string;
  /** The language the participant speaks (and hears). */
  source: string;
  /** Where their speech goes while nobody speaking another language is in the room. */
  target: string;
}

export class Room {
  /** In joining order. */
  private readonly members: RoomMember[] = [];
  private joins = 0;

  constructor(
    readonly id: string,
    readonly maxParticipants: number,
    /** Called once the last participant has left. */
    private readonly onEmpty: () => void,
  ) {}

  get size(): number {
    return this.members.length;
  }

  /** Reserves a place (the participant is visible to the others once activated). */
  add(request: JoinRequest, endpoint: MemberEndpoint): RoomMember | PipelineError {
    if (this.members.length >= this.maxParticipants) {
      return new PipelineError('room_full', 'session', {
        message: `Room ${request.room} already has ${this.maxParticipants} participants`,
      });
    }
    const languages = new Set([...this.members.map((m) => m.language), baseLanguage(request.source)]);
    if (languages.size > 2) {
      return new PipelineError('unsupported_language', 'session', {
        message: `Room ${request.room} is a conversation in ${[...languages].slice(0, 2).join(' and ')}; a third language cannot join`,
      });
    }
    this.joins++;
    const participantId = `p${this.joins}`;
    const member = new RoomMember(this, {
      participantId,
      name: request.name ?? `Guest ${this.joins}`,
      language: baseLanguage(request.source),
      defaultTarget: baseLanguage(request.target),
      endpoint,
    });
    this.members.push(member);
    return member;
  }

  /** The participant's session is ready: tell everyone, and route speech to the new language. */
  activate(member: RoomMember): void {
    member.active = true;
    this.retarget();
    member.endpoint.sendJson({
      type: 'room_joined',
      room: this.id,
      participantId: member.participantId,
      name: member.name,
      participants: this.peersOf(member).map((p) => p.describe()),
      maxParticipants: this.maxParticipants,
      ...member.routing(),
    });
    for (const peer of this.peersOf(member)) {
      peer.endpoint.sendJson({ type: 'peer_joined', ...member.describe(), ...peer.routing() });
    }
  }

  remove(member: RoomMember): void {
    const at = this.members.indexOf(member);
    if (at < 0) return;
    this.members.splice(at, 1);
    if (member.active) {
      member.active = false;
      this.retarget();
      for (const peer of this.peersOf(member)) {
        peer.endpoint.sendJson({
          type: 'peer_left',
          participantId: member.participantId,
          name: member.name,
          ...peer.routing(),
        });
      }
    }
    if (this.members.length === 0) this.onEmpty();
  }

  /** The other participants whose sessions are ready. */
  peersOf(member: RoomMember): RoomMember[] {
    return this.members.filter((m) => m !== member && m.active);
  }

  /** The language `member`'s speech is translated into: the other language of the room. */
  targetFor(member: RoomMember): string {
    return this.peersOf(member).find((p) => p.language !== member.language)?.language ?? member.defaultTarget;
  }

  /** Who hears `member`'s translated speech: the peers who speak the target language. */
  listenersOf(member: RoomMember): RoomMember[] {
    const target = this.targetFor(member);
    if (target === member.language) return [];
    return this.peersOf(member).filter((p) => p.language === target);
  }

  /** Sends a text message to every ready peer of `member`. */
  toPeers(member: RoomMember, message: ServerMessage): void {
    for (const peer of this.peersOf(member)) peer.endpoint.sendJson(message);
  }

  /** `member` started talking: whoever's speech is playing to them stops (barge-in). */
  speechStarted(member: RoomMember): void {
    for (const peer of this.peersOf(member)) {
      if (peer.isSpeakingTo(member)) peer.interrupt();
    }
  }

  private retarget(): void {
    for (const m of this.members) m.retarget(this.targetFor(m));
  }
}
