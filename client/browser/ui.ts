/**
 * The page's DOM: one small view object per region, no framework. Views only render what they
 * are told; app.ts decides what happens. State that a test (or a curious person with devtools)
 * may want is mirrored in data-* attributes: body[data-state], #vad[data-vad], .turn[data-segment].
 */
import type {
  PeerTranscriptMessage,
  ReadyMessage,
  SegmentMetricsMessage,
  Stage,
  TranscriptMessage,
  TranslationMessage,
} from '../../server/protocol/messages.ts';

/** Turns kept on the page; older ones are removed (a looping fake mic makes endless turns). */
const MAX_TURNS = 60;

const STAGE_LABELS: Record<Stage, string> = {
  frontend: 'Voice detection',
  asr: 'Speech recognition',
  mt: 'Translation',
  tts: 'Translated speech',
};

export const LANGUAGE_NAMES: Record<string, string> = { en: 'English', es: 'Spanish' };

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page is missing #${id}`);
  return el as T;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms: number) => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;

export type PageState = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'stopping' | 'error';

export class PageView {
  readonly source = byId<HTMLSelectElement>('source');
  readonly target = byId<HTMLSelectElement>('target');
  readonly swap = byId<HTMLButtonElement>('swap');
  readonly toggle = byId<HTMLButtonElement>('toggle');
  private readonly status = byId('status');
  private readonly level = byId('level');
  private readonly levelText = byId('level-db');
  private readonly vad = byId('vad');
  private readonly partial = byId('partial');
  private readonly stages = byId('stages');
  private readonly speechNote = byId('speech-note');
  private readonly alert = byId('alert');
  private readonly roomNote = byId('room-note');
  private readonly turns = byId<HTMLOListElement>('turns');
  private readonly emptyTurns = byId('turns-empty');
  private readonly session = byId('session');
  private readonly turnViews = new Map<string, TurnView>();
  readonly roomCreate = byId<HTMLButtonElement>('room-create');
  readonly roomName = byId<HTMLInputElement>('room-name');
  readonly roomCopy = byId<HTMLButtonElement>('room-copy');
  private readonly roomCard = byId('room');
  private readonly roomShare = byId('room-share');
  private readonly roomLink = byId<HTMLInputElement>('room-link');
  private readonly roomPeople = byId<HTMLUListElement>('room-people');

  setState(state: PageState, text: string): void {
    document.body.dataset.state = state;
    this.status.dataset.state = state;
    this.status.textContent = text;
    const running = state !== 'idle' && state !== 'error';
    this.toggle.textContent = state === 'stopping' ? 'Stopping…' : running ? 'Stop' : 'Start';
    this.toggle.dataset.running = String(running);
    this.toggle.disabled = state === 'stopping';
    for (const control of [this.source, this.target, this.swap, this.roomCreate, this.roomName]) {
      control.disabled = running;
    }
    // In a room the peer's language is the target: only "I speak" is a choice.
    if (this.roomCard.dataset.mode === 'room') {
      this.target.disabled = true;
      this.swap.disabled = true;
      this.roomCreate.disabled = true;
    }
  }

  /** Room mode: the shareable link, the target picker off (the peer's language is the target). */
  showRoomLink(link: string): void {
    this.roomCard.dataset.mode = 'room';
    this.roomShare.hidden = false;
    this.roomLink.value = link;
    this.roomCreate.disabled = true;
    this.roomCreate.textContent = 'Conversation room';
    this.target.disabled = true;
    this.swap.disabled = true;
    document.body.dataset.room = 'true';
  }

  selectRoomLink(): void {
    this.roomLink.select();
  }

  /** Who is in the room: this page first, then the peers with the language each speaks. */
  showPeople(people: { name: string; language: string; self?: boolean }[]): void {
    this.roomPeople.hidden = people.length === 0;
    this.roomPeople.replaceChildren(
      ...people.map((p) => {
        const li = el(
          'li',
          undefined,
          `${p.name}${p.self ? ' (you)' : ''} · ${LANGUAGE_NAMES[p.language] ?? p.language}`,
        );
        li.dataset.self = String(Boolean(p.self));
        return li;
      }),
    );
    document.body.dataset.roomPeers = String(people.filter((p) => !p.self).length);
  }

  setSessionInfo(text: string): void {
    this.session.textContent = text;
  }

  /** Input level in dBFS, shown on a −60…0 dB scale. */
  setLevel(db: number): void {
    const fraction = Math.max(0, Math.min(1, (db + 60) / 60));
    this.level.style.transform = `scaleX(${fraction.toFixed(3)})`;
    this.level.dataset.hot = String(db > -3);
    this.levelText.textContent = db <= -100 ? '−∞ dB' : `${Math.round(db)} dB`;
  }

  setVad(speaking: boolean, segmentId?: number): void {
    this.vad.dataset.vad = speaking ? 'speech' : 'silence';
    this.vad.textContent = speaking ? `Speech (segment ${segmentId})` : 'Silence';
    if (speaking) this.vad.dataset.seen = 'true';
  }

  setPartial(text: string): void {
    this.partial.textContent = text;
    if (text) this.partial.dataset.seen = 'true';
    this.partial.hidden = text === '';
  }

  /** What the server offers before a session starts (GET /v1/models). */
  showServerStages(stages: Stage[]): void {
    this.renderStages(
      (Object.keys(STAGE_LABELS) as Stage[]).map((stage) => ({
        stage,
        ok: stages.includes(stage),
        note: stages.includes(stage) ? 'loaded on the server' : 'not loaded on the server',
      })),
    );
    this.setSpeechAvailable(stages.includes('tts'), 'No voice model is loaded on the server yet.');
  }

  /** What this session runs (`ready.stages`), and why the rest does not. */
  showSessionStages(ready: ReadyMessage): void {
    const why = new Map((ready.unavailable ?? []).map((u) => [u.stage, u.message]));
    this.renderStages(
      (Object.keys(STAGE_LABELS) as Stage[]).map((stage) => {
        const ok = ready.stages.includes(stage);
        return { stage, ok, note: ok ? 'running' : (why.get(stage) ?? 'not available on this server') };
      }),
    );
    const target = LANGUAGE_NAMES[ready.target] ?? ready.target;
    this.setSpeechAvailable(
      ready.stages.includes('tts'),
      why.get('tts') ?? `No ${target} voice is loaded on the server; translations are shown as text only.`,
    );
  }

  private renderStages(rows: { stage: Stage; ok: boolean; note: string }[]): void {
    this.stages.replaceChildren(
      ...rows.map(({ stage, ok, note }) => {
        const li = el('li', ok ? 'stage on' : 'stage off');
        li.dataset.stage = stage;
        li.dataset.available = String(ok);
        li.append(el('span', 'stage-name', STAGE_LABELS[stage]), el('span', 'stage-note', note));
        return li;
      }),
    );
  }

  private setSpeechAvailable(available: boolean, reason: string): void {
    this.speechNote.hidden = available;
    this.speechNote.textContent = available ? '' : `Translated speech is unavailable. ${reason}`;
  }

  showAlert(text: string, kind: 'error' | 'warning' = 'error'): void {
    this.alert.hidden = false;
    this.alert.dataset.kind = kind;
    this.alert.textContent = text;
  }

  /** A note that stays while the page is open (unlike alerts, which Start clears). */
  showNote(text: string): void {
    this.roomNote.hidden = false;
    this.roomNote.textContent = text;
  }

  clearAlert(): void {
    this.alert.hidden = true;
    this.alert.textContent = '';
  }

  /** The view of one segment, created on first use. `session` keeps ids unique across reconnects. */
  turn(session: number, segmentId: number, peer?: { participantId: string; name: string }): TurnView {
    const key = turnKey(session, segmentId, peer?.participantId);
    let view = this.turnViews.get(key);
    if (!view) {
      const stickToBottom = this.turns.scrollHeight - this.turns.scrollTop - this.turns.clientHeight < 40;
      view = new TurnView(session, segmentId, peer);
      this.turnViews.set(key, view);
      this.turns.append(view.root);
      this.emptyTurns.hidden = true;
      while (this.turnViews.size > MAX_TURNS) {
        const [oldest, old] = this.turnViews.entries().next().value as [string, TurnView];
        old.root.remove();
        this.turnViews.delete(oldest);
      }
      if (stickToBottom) this.turns.scrollTop = this.turns.scrollHeight;
    }
    return view;
  }

  /** A room peer's segment (their own segment ids), shown beside this page's own turns. */
  peerTurn(session: number, participantId: string, name: string, segmentId: number): TurnView {
    return this.turn(session, segmentId, { participantId, name });
  }

  /** Marks the turn whose speech is audible (`key` as TurnView.key), or none. */
  markPlaying(key: string | undefined): void {
    for (const view of this.turnViews.values()) view.setPlaying(view.key === key);
  }
}

/** Turns are per socket session; a peer's segment ids are theirs, so they get their own keys. */
export function turnKey(session: number, segmentId: number, participantId?: string): string {
  return participantId ? `${session}:${participantId}:${segmentId}` : `${session}:${segmentId}`;
}

export class TurnView {
  readonly root = el('li', 'turn');
  readonly key: string;
  private readonly time = el('span', 'turn-time');
  private readonly badges = el('span', 'turn-badges');
  private readonly sourceText = el('p', 'turn-source pending', '…');
  private readonly targetText = el('p', 'turn-target');
  private readonly latency = el('dl', 'turn-latency');

  constructor(
    readonly session: number,
    readonly segmentId: number,
    peer?: { participantId: string; name: string },
  ) {
    this.key = turnKey(session, segmentId, peer?.participantId);
    this.root.dataset.session = String(session);
    this.root.dataset.segment = String(segmentId);
    const head = el('div', 'turn-head');
    if (peer) {
      this.root.classList.add('peer');
      this.root.dataset.peer = peer.participantId;
      head.append(el('span', 'turn-who', peer.name));
    }
    head.append(el('span', 'turn-id', `#${segmentId}`), this.time, this.badges);
    this.targetText.hidden = true;
    this.latency.hidden = true;
    this.root.append(head, this.sourceText, this.targetText, this.latency);
  }

  started(streamMs: number): void {
    this.time.textContent = `${seconds(streamMs)} –`;
    this.root.dataset.phase = 'speaking';
  }

  ended(streamMs: number): void {
    this.time.textContent = `${this.time.textContent?.replace(/ –$/, '') ?? ''} – ${seconds(streamMs)}`;
    this.root.dataset.phase = 'processing';
  }

  /** A peer's final transcript: its times are the peer's stream times. */
  peerTranscript(message: PeerTranscriptMessage): void {
    this.time.textContent = `${seconds(message.startMs)} – ${seconds(message.endMs)}`;
    this.root.dataset.phase = 'done';
    this.transcript({ ...message, final: true });
  }

  transcript(message: Pick<TranscriptMessage, 'text' | 'final' | 'confidence'>): void {
    if (!message.final) return;
    this.sourceText.classList.remove('pending');
    this.sourceText.classList.add('final');
    this.sourceText.textContent = message.text || '(no words recognized)';
    this.sourceText.classList.toggle('empty', message.text === '');
    if (message.confidence !== undefined) this.badge(`conf ${Math.round(message.confidence * 100)}%`, 'info');
  }

  /** No recognizer for this session: say so instead of waiting for a transcript. */
  noTranscript(reason: string): void {
    this.sourceText.classList.remove('pending');
    this.sourceText.classList.add('empty');
    this.sourceText.textContent = reason;
  }

  translation(message: Pick<TranslationMessage, 'text' | 'target' | 'engine' | 'fallback'>): void {
    this.targetText.hidden = false;
    this.targetText.lang = message.target;
    this.targetText.textContent = message.text;
    this.targetText.classList.add('translation');
    if (message.engine) this.badge(message.engine, 'engine');
    if (message.fallback) this.badge(`fallback: ${message.fallback.reason.replaceAll('_', ' ')}`, 'fallback');
  }

  error(text: string): void {
    this.badge(text, 'error');
  }

  speech(state: 'queued' | 'cleared'): void {
    this.badge(state === 'queued' ? 'speech' : 'speech cleared', state === 'queued' ? 'speech' : 'fallback');
  }

  setPlaying(playing: boolean): void {
    this.root.classList.toggle('playing', playing);
  }

  metrics(message: SegmentMetricsMessage): void {
    this.root.dataset.phase = 'done';
    const rows: [string, number | undefined][] = [
      ['transcript', message.transcriptLatencyMs],
      ['translation', message.translationLatencyMs],
      ['first audio', message.firstAudioLatencyMs],
      ['endpoint', message.endpointLatencyMs],
    ];
    const items: HTMLElement[] = [];
    const pair = (label: string, value: string) => {
      const item = el('div');
      item.dataset.metric = label;
      item.append(el('dt', undefined, label), el('dd', undefined, value));
      items.push(item);
    };
    for (const [label, ms] of rows) if (ms !== undefined) pair(label, millis(ms));
    const compute = Object.entries(message.stageMs)
      .map(([stage, ms]) => `${stage} ${millis(ms)}`)
      .join(' · ');
    if (compute) pair('compute', compute);
    this.latency.replaceChildren(...items);
    this.latency.hidden = false;
    this.latency.title = 'Wall-clock ms after speech end; compute = time spent in each stage on this segment';
  }

  private badge(text: string, kind: string): void {
    const existing = [...this.badges.children].find((b) => (b as HTMLElement).dataset.kind === kind);
    const badge = (existing as HTMLElement | undefined) ?? el('span', `badge badge-${kind}`);
    badge.dataset.kind = kind;
    badge.textContent = text;
    if (!existing) this.badges.append(badge);
  }
}
