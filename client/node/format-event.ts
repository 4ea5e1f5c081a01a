/** Turns client events into the CLI's human lines or JSON lines. */
import type { ClientEvent } from './client.ts';

const s = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

/** One JSON-serialisable object per event; audio is summarised (sample count, not samples). */
export function eventToJson(event: ClientEvent): Record<string, unknown> {
  if (event.type === 'audio') {
    const { samples, ...rest } = event;
    return { ...rest, samples: samples.length };
  }
  return { ...event };
}

/** A short human line, or undefined for events the human view does not show (audio frames). */
export function eventToText(event: ClientEvent): string | undefined {
  switch (event.type) {
    case 'ready':
      return `ready   session ${event.sessionId} · ${event.sampleRate} Hz ${event.encoding} · ${event.source}→${event.target} · stages: ${event.stages.join(', ')}`;
    case 'speech_start':
      return `[${s(event.streamMs)}] ▶ speech #${event.segmentId}`;
    case 'speech_end':
      return `[${s(event.streamMs)}] ■ speech #${event.segmentId} ended`;
    case 'transcript':
      return `[${s(event.endMs)}] ${event.final ? 'final  ' : 'partial'} #${event.segmentId}: ${event.text}`;
    case 'translation':
      return `          → #${event.segmentId} (${event.target}): ${event.text}`;
    case 'metrics':
      return `          segment #${event.segmentId} ${s(event.startMs)}–${s(event.endMs)} · endpoint latency ${event.endpointLatencyMs} ms · ${Object.entries(
        event.stageMs,
      )
        .map(([k, v]) => `${k} ${v} ms`)
        .join(', ')}`;
    case 'audio_start':
      return `audio   ${event.stream} stream on channel ${event.channel} (${event.sampleRate} Hz ${event.encoding})${event.participantId ? ` from ${event.participantId}` : ''}`;
    case 'audio_end':
      return `audio   ${event.stream} stream ended${event.droppedFrames ? ` (${event.droppedFrames} frames dropped)` : ''}`;
    case 'clear':
      return `clear   ${event.stream}`;
    case 'error':
      return `error   ${event.code}${event.recoverable ? ' (recoverable)' : ''}: ${event.message}`;
    case 'end':
      return `end     ${event.reason} at ${s(event.streamMs)}, ${event.segments} segment(s)`;
    case 'room_joined':
      return `room    ${event.room} as ${event.name} (${event.participantId}) · with: ${event.participants.map((p) => `${p.name} (${p.language})`).join(', ') || 'nobody yet'} · your speech → ${event.target}`;
    case 'peer_joined':
      return `room    ${event.name} (${event.participantId}, ${event.language}) joined · your speech → ${event.target}`;
    case 'peer_left':
      return `room    ${event.name} (${event.participantId}) left`;
    case 'peer_transcript':
      return `[peer ${s(event.endMs)}] ${event.name} #${event.segmentId}: ${event.text}`;
    case 'peer_translation':
      return `          → ${event.participantId} #${event.segmentId} (${event.target}): ${event.text}`;
    case 'invalid':
      return `invalid server frame: ${event.issues}`;
    case 'audio':
      return undefined;
  }
}
