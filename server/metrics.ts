/**
 * Typed Prometheus metrics. One Registry per server instance (no prom-client global registry),
 * so tests can run several servers in one process.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ErrorCode } from './errors.ts';

export interface Metrics {
  registry: Registry;
  activeSessions: Gauge<never>;
  sessionsTotal: Counter<'outcome'>;
  framesTotal: Counter<'direction'>;
  bytesTotal: Counter<'direction'>;
  audioInSeconds: Counter<never>;
  dropsTotal: Counter<'reason'>;
  errorsTotal: Counter<'code'>;
  stageLatency: Histogram<'stage'>;
  queueDelay: Histogram<never>;
  upgradesRejected: Counter<'code'>;
  inputPauses: Counter<never>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'tolk_' });
  const registers = [registry];
  return {
    registry,
    activeSessions: new Gauge({
      name: 'tolk_active_sessions',
      help: 'WebSocket sessions currently open',
      registers,
    }),
    sessionsTotal: new Counter({
      name: 'tolk_sessions_total',
      help: 'Sessions ended, by end reason',
      labelNames: ['outcome'],
      registers,
    }),
    framesTotal: new Counter({
      name: 'tolk_audio_frames_total',
      help: 'Binary audio frames received (in) and sent (out)',
      labelNames: ['direction'],
      registers,
    }),
    bytesTotal: new Counter({
      name: 'tolk_audio_bytes_total',
      help: 'Binary audio bytes received (in) and sent (out)',
      labelNames: ['direction'],
      registers,
    }),
    audioInSeconds: new Counter({
      name: 'tolk_audio_in_seconds_total',
      help: 'Seconds of client audio accepted for processing',
      registers,
    }),
    dropsTotal: new Counter({
      name: 'tolk_drops_total',
      help: 'Audio frames dropped, by reason',
      labelNames: ['reason'],
      registers,
    }),
    errorsTotal: new Counter({
      name: 'tolk_errors_total',
      help: 'Protocol error messages sent and upgrades refused, by error code',
      labelNames: ['code'],
      registers,
    }),
    stageLatency: new Histogram({
      name: 'tolk_stage_latency_seconds',
      help: 'Wall time of one stage call (one queued audio chunk through the front-end)',
      labelNames: ['stage'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    queueDelay: new Histogram({
      name: 'tolk_queue_delay_seconds',
      help: 'Time a received audio frame waited in the session queue before processing',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    upgradesRejected: new Counter({
      name: 'tolk_upgrades_rejected_total',
      help: 'WebSocket upgrades refused before a session started, by error code',
      labelNames: ['code'],
      registers,
    }),
    inputPauses: new Counter({
      name: 'tolk_input_pauses_total',
      help: 'Times a session paused reading its socket because its audio queue was full (backpressure)',
      registers,
    }),
  };
}

export function countError(metrics: Metrics, code: ErrorCode): void {
  metrics.errorsTotal.inc({ code });
}
