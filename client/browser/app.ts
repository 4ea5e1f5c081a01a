/**
 * tolk demo page: microphone → /v1/stream → live VAD, partial and final transcripts,
 * translations, per-turn latency, and translated speech when the server has a voice.
 *
 * Modules: audio-capture.ts (mic + AudioWorklet → s16le frames), tolk-connection.ts (protocol
 * session with reconnect and backoff), playback.ts (channel-2 speech through Web Audio),
 * ui.ts (DOM), room-link.ts (room ids and links). This file wires them together.
 *
 * Conversation rooms: `/?room=<id>` joins (or "Start a conversation room" makes a link with a
 * random id); each side picks the language it speaks, the peer's language is the target, and the
 * peer's turns (their transcript and its translation) appear beside this page's own, with their
 * translated speech played through the same playback path.
 */
import type { ReadyMessage, ServerMessage, Stage } from '../../server/protocol/messages.ts';
import { AudioCapture, type CapturedFrame, CaptureError } from './audio-capture.ts';
import { type PlaybackState, SpeechPlayer } from './playback.ts';
import { newRoomId, roomIdFrom, roomLink } from './room-link.ts';
import { type ConnectionStatus, TolkConnection } from './tolk-connection.ts';
import { LANGUAGE_NAMES, PageView, turnKey } from './ui.ts';

/** Frame length sent to the server (the protocol allows up to 100 ms). */
const FRAME_MS = 40;
/** Meter fall-back per frame, dB (a peak meter that decays, so short syllables stay visible). */
const METER_DECAY_DB = 2;

interface Run {
  context: AudioContext;
  capture: AudioCapture;
  player: SpeechPlayer;
  connection: TolkConnection;
  stages: Stage[];
  ready?: ReadyMessage;
  /** Room peers by participant id (names for their turns). */
  peers: Map<string, { name: string; language: string }>;
  meterDb: number;
  watchdog: ReturnType<typeof setInterval>;
  stopping: boolean;
}

const view = new PageView();
const params = new URLSearchParams(location.search);
let audioContext: AudioContext | undefined;
let run: Run | undefined;
/** True while start() waits for the microphone (run is not set yet). */
let starting = false;
/** The conversation room this page is in, if any (from ?room= or the create button). */
let roomId: string | undefined;

const languageName = (tag: string) => LANGUAGE_NAMES[tag] ?? tag;

function streamUrl(): string {
  const url = new URL('/v1/stream', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // Servers with TOLK_API_KEYS: browsers cannot set headers on a WebSocket, so the key rides in the URL.
  const token = params.get('token');
  if (token) url.searchParams.set('token', token);
  return url.href;
}

/** The page's AudioContext at the device's own rate, within the protocol's 8–48 kHz. */
async function getAudioContext(): Promise<AudioContext> {
  if (!audioContext) {
    audioContext = new AudioContext({ latencyHint: 'interactive' });
    if (audioContext.sampleRate > 48_000 || audioContext.sampleRate < 8000) {
      await audioContext.close();
      audioContext = new AudioContext({ latencyHint: 'interactive', sampleRate: 48_000 });
    }
  }
  // Created or resumed inside the click handler, so autoplay policies allow playback.
  await audioContext.resume();
  return audioContext;
}

// ------------------------------------------------------------------ languages

function initLanguages(): void {
  const source = params.get('source') ?? localStorage.getItem('tolk.source') ?? 'en';
  const target = params.get('target') ?? localStorage.getItem('tolk.target') ?? 'es';
  if (source in LANGUAGE_NAMES) view.source.value = source;
  if (target in LANGUAGE_NAMES) view.target.value = target;
  if (view.source.value === view.target.value) view.target.value = view.source.value === 'en' ? 'es' : 'en';
  const keepApart = (changed: HTMLSelectElement, other: HTMLSelectElement) => {
    if (changed.value === other.value) other.value = changed.value === 'en' ? 'es' : 'en';
    localStorage.setItem('tolk.source', view.source.value);
    localStorage.setItem('tolk.target', view.target.value);
  };
  view.source.addEventListener('change', () => keepApart(view.source, view.target));
  view.target.addEventListener('change', () => keepApart(view.target, view.source));
  view.swap.addEventListener('click', () => {
    [view.source.value, view.target.value] = [view.target.value, view.source.value];
    keepApart(view.source, view.target);
  });
}

// ------------------------------------------------------------------ start / stop

async function start(): Promise<void> {
  starting = true;
  try {
    await startRun();
  } finally {
    starting = false;
  }
}

async function startRun(): Promise<void> {
  view.clearAlert();
  view.setState('connecting', 'Opening the microphone…');
  const context = await getAudioContext();
  let capture: AudioCapture;
  try {
    capture = await AudioCapture.start(context, onFrame, { frameMs: FRAME_MS });
  } catch (err) {
    const message = err instanceof CaptureError ? err.message : `Microphone failed: ${String(err)}`;
    view.setState(
      'error',
      err instanceof CaptureError && err.code === 'mic_denied' ? 'Microphone blocked' : 'No microphone',
    );
    view.showAlert(message);
    return;
  }
  const source = view.source.value;
  const target = view.target.value;
  const name = view.roomName.value.trim() || undefined;
  if (name) localStorage.setItem('tolk.name', name);
  const player = new SpeechPlayer(context, onPlayback);
  const connection = new TolkConnection(
    streamUrl(),
    {
      sampleRate: context.sampleRate,
      encoding: 's16le',
      source,
      target,
      partials: true,
      returnDenoised: false,
      ...(roomId ? { room: roomId, ...(name ? { name } : {}) } : {}),
    },
    {
      status: onStatus,
      message: onMessage,
      speech: (pcm) => run?.player.push(pcm),
      warning: (t) => view.showAlert(t, 'warning'),
    },
  );
  run = {
    context,
    capture,
    player,
    connection,
    stages: [],
    peers: new Map(),
    meterDb: -100,
    stopping: false,
    watchdog: setInterval(() => {
      if (run && !run.stopping && run.capture.ended) {
        view.showAlert('The microphone stopped (unplugged, or the permission was revoked).');
        void stop();
      }
    }, 1000),
  };
  view.setSessionInfo(
    roomId
      ? `${capture.deviceLabel || 'microphone'} · ${context.sampleRate} Hz · room ${roomId} · you speak ${languageName(source)}`
      : `${capture.deviceLabel || 'microphone'} · ${context.sampleRate} Hz · ${languageName(source)} → ${languageName(target)}`,
  );
  connection.open();
}

async function stop(): Promise<void> {
  const current = run;
  if (!current || current.stopping) return;
  current.stopping = true;
  clearInterval(current.watchdog);
  current.capture.stop();
  await current.connection.stop();
}

function teardown(reason: string): void {
  const current = run;
  if (!current) return;
  clearInterval(current.watchdog);
  current.capture.stop();
  run = undefined;
  view.setVad(false);
  view.setPartial('');
  view.setLevel(-100);
  view.setState('idle', reason === 'stopped' ? 'Stopped' : reason);
}

// ------------------------------------------------------------------ events

function onFrame(frame: CapturedFrame): void {
  const current = run;
  if (!current) return;
  current.meterDb = Math.max(frame.peakDb, current.meterDb - METER_DECAY_DB);
  view.setLevel(current.meterDb);
  current.connection.sendAudio(frame.pcm);
}

function onStatus(status: ConnectionStatus): void {
  switch (status.kind) {
    case 'connecting':
      view.setState(
        'connecting',
        status.attempt > 1 ? `Connecting… (attempt ${status.attempt})` : 'Connecting…',
      );
      break;
    case 'starting':
      view.setState('connecting', 'Starting a session…');
      break;
    case 'ready': {
      const { ready } = status;
      if (run) {
        run.stages = ready.stages;
        run.ready = ready;
        run.peers.clear();
      }
      if (document.body.dataset.state === 'reconnecting') view.clearAlert();
      view.showSessionStages(ready);
      view.setState(
        'ready',
        roomId
          ? `In the room — speak ${languageName(ready.source)}`
          : `Listening — speak ${languageName(ready.source)}`,
      );
      document.body.dataset.sessionStages = ready.stages.join(' ');
      break;
    }
    case 'reconnecting': {
      run?.player.clear();
      view.setVad(false);
      view.setPartial('');
      const inS = (status.inMs / 1000).toFixed(1);
      view.setState('reconnecting', `Reconnecting in ${inS} s…`);
      view.showAlert(
        `Not connected: ${status.reason}. Retrying (attempt ${status.attempt}, next in ${inS} s).`,
        'warning',
      );
      break;
    }
    case 'stopping':
      view.setState('stopping', 'Finishing the last segment…');
      break;
    case 'stopped':
      teardown(status.reason);
      break;
    case 'idle':
      break;
  }
}

function onMessage(message: ServerMessage, session: number): void {
  const current = run;
  if (!current) return;
  switch (message.type) {
    case 'speech_start':
      view.setVad(true, message.segmentId);
      view.turn(session, message.segmentId).started(message.streamMs);
      break;
    case 'speech_end': {
      view.setVad(false);
      view.setPartial('');
      const turn = view.turn(session, message.segmentId);
      turn.ended(message.streamMs);
      if (!current.stages.includes('asr')) {
        turn.noTranscript(
          `No ${languageName(view.source.value)} recognizer on the server: speech detected, not transcribed.`,
        );
      }
      break;
    }
    case 'transcript':
      if (message.final) {
        view.setPartial('');
        view.turn(session, message.segmentId).transcript(message);
      } else {
        view.setPartial(message.text);
      }
      break;
    case 'translation':
      view.turn(session, message.segmentId).translation(message);
      break;
    case 'audio_start':
      if (message.stream === 'speech') {
        const key =
          message.segmentId === undefined
            ? undefined
            : turnKey(session, message.segmentId, message.participantId);
        current.player.begin(message, key);
        if (message.segmentId !== undefined)
          speechTurn(session, message.segmentId, message.participantId)?.speech('queued');
      }
      break;
    case 'audio_end':
      if (message.stream === 'speech') current.player.end();
      break;
    case 'clear':
      if (message.stream === 'speech') {
        current.player.clear();
        if (message.segmentId !== undefined)
          speechTurn(session, message.segmentId, message.participantId)?.speech('cleared');
      }
      break;
    case 'metrics':
      view.turn(session, message.segmentId).metrics(message);
      break;
    case 'error':
      if (message.segmentId !== undefined) {
        view.turn(session, message.segmentId).error(`${message.stage ?? 'stage'} failed: ${message.code}`);
      } else if (message.recoverable) {
        view.showAlert(`Server: ${message.message} (${message.code})`, 'warning');
      }
      // Fatal errors end the socket; the connection reports them with its reconnect.
      break;
    case 'room_joined':
      for (const p of message.participants) current.peers.set(p.participantId, p);
      showPeople(current, message.name);
      updateRouting(current, message);
      break;
    case 'peer_joined':
      current.peers.set(message.participantId, message);
      showPeople(current);
      updateRouting(current, message);
      view.clearAlert();
      break;
    case 'peer_left':
      current.peers.delete(message.participantId);
      showPeople(current);
      updateRouting(current, message);
      view.showAlert(`${message.name} left the room.`, 'warning');
      break;
    case 'peer_transcript':
      view.peerTurn(session, message.participantId, message.name, message.segmentId).peerTranscript(message);
      break;
    case 'peer_translation': {
      const name = current.peers.get(message.participantId)?.name ?? message.participantId;
      view.peerTurn(session, message.participantId, name, message.segmentId).translation(message);
      break;
    }
    case 'ready':
    case 'end':
      break;
  }
}

/** The turn a speech stream belongs to: this page's own, or a room peer's. */
function speechTurn(session: number, segmentId: number, participantId: string | undefined) {
  if (!participantId) return view.turn(session, segmentId);
  const name = run?.peers.get(participantId)?.name ?? participantId;
  return view.peerTurn(session, participantId, name, segmentId);
}

let selfName = '';
function showPeople(current: Run, name?: string): void {
  if (name) selfName = name;
  view.showPeople([
    { name: selfName, language: view.source.value, self: true },
    ...[...current.peers.values()].map((p) => ({ name: p.name, language: p.language })),
  ]);
}

/** In a room the target follows the peer's language; show what this session now runs. */
function updateRouting(current: Run, routing: { target: string; stages: Stage[] }): void {
  current.stages = routing.stages;
  document.body.dataset.sessionStages = routing.stages.join(' ');
  if (current.ready) {
    view.showSessionStages({
      ...current.ready,
      target: routing.target,
      stages: routing.stages,
      unavailable: [],
    });
  }
  const peers = [...current.peers.values()];
  view.setState(
    'ready',
    peers.length
      ? `Talking with ${peers.map((p) => p.name).join(', ')} — speak ${languageName(view.source.value)}`
      : 'In the room — waiting for the other person to join',
  );
}

function onPlayback(state: PlaybackState): void {
  const current = run;
  if (!current) return;
  view.markPlaying(state.playingKey);
  document.body.dataset.speechSamples = String(state.receivedSamples);
  document.body.dataset.speechLoudSamples = String(state.loudSamples);
}

// ------------------------------------------------------------------ page start-up

async function showServer(): Promise<void> {
  try {
    const res = await fetch('/v1/models', { cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = (await res.json()) as { stages: Stage[] };
    view.showServerStages(body.stages);
  } catch (err) {
    view.showAlert(
      `The tolk server is not answering (${(err as Error).message}). Start it and reload the page.`,
    );
  }
}

function init(): void {
  initLanguages();
  view.setState('idle', 'Press Start and speak');
  view.setVad(false);
  view.setLevel(-100);
  view.setPartial('');
  view.roomName.value = localStorage.getItem('tolk.name') ?? '';
  if (params.has('room')) {
    roomId = roomIdFrom(params.get('room'));
    if (roomId) view.showRoomLink(roomLink(location.href, roomId));
    else
      view.showNote(
        'This room link is not valid (a room id is 8–64 letters, digits, _ or -). Start a new room.',
      );
  }
  view.roomCreate.addEventListener('click', () => {
    roomId = newRoomId();
    history.replaceState(null, '', roomLink(location.href, roomId, true));
    view.showRoomLink(roomLink(location.href, roomId));
  });
  view.roomCopy.addEventListener('click', () => {
    if (!roomId) return;
    const link = roomLink(location.href, roomId);
    navigator.clipboard?.writeText(link).then(
      () => {
        view.roomCopy.textContent = 'Copied';
        setTimeout(() => (view.roomCopy.textContent = 'Copy link'), 1500);
      },
      () => view.selectRoomLink(), // no clipboard permission: select it for Ctrl-C
    ) ?? view.selectRoomLink();
  });
  view.toggle.addEventListener('click', () => {
    if (starting) return;
    if (run) void stop();
    else
      void start().catch((err) => {
        view.setState('error', 'Could not start');
        view.showAlert(String(err));
      });
  });
  window.addEventListener('pagehide', () => void stop());
  void showServer();
}

init();
