/**
 * The server's open rooms, bounded: at most `maxRooms` at once, `maxParticipants` each. A room
 * is created by its first participant and disappears with its last one. Ids are chosen by the
 * client (the demo page uses 96 random bits), so a room is as private as its link.
 */
import { PipelineError } from '../errors.ts';
import { ROOM_ID_PATTERN } from '../protocol/messages.ts';
import { type JoinRequest, Room } from './room.ts';
import type { MemberEndpoint, RoomMember } from './room-member.ts';

export interface RoomLimits {
  maxRooms: number;
  maxParticipants: number;
}

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();

  constructor(private readonly limits: RoomLimits) {}

  /** Open rooms right now. */
  get size(): number {
    return this.rooms.size;
  }

  participants(roomId: string): number {
    return this.rooms.get(roomId)?.size ?? 0;
  }

  /** Reserves a place in the room (creating it); errors are recoverable `start` failures. */
  join(request: JoinRequest, endpoint: MemberEndpoint): RoomMember | PipelineError {
    if (!ROOM_ID_PATTERN.test(request.room)) {
      return new PipelineError('invalid_room', 'session', {
        message: `Room id ${JSON.stringify(request.room.slice(0, 80))} is not 8-64 characters of A-Z, a-z, 0-9, _ or -`,
      });
    }
    let room = this.rooms.get(request.room);
    const created = !room;
    if (!room) {
      if (this.rooms.size >= this.limits.maxRooms) {
        return new PipelineError('too_many_rooms', 'session', {
          message: `The server has its maximum of ${this.limits.maxRooms} open rooms`,
        });
      }
      const id = request.room;
      room = new Room(id, this.limits.maxParticipants, () => {
        if (this.rooms.get(id) === room) this.rooms.delete(id);
      });
      this.rooms.set(id, room);
    }
    const member = room.add(request, endpoint);
    if (member instanceof PipelineError && created) this.rooms.delete(request.room);
    return member;
  }
}
