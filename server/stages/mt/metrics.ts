/**
 * MT metrics. The registry is injected (the server passes its own, tests pass a fresh one);
 * without one they go on prom-client's default registry, reusing metrics already registered
 * there so that creating two routers in one process does not throw.
 */
import { Counter, register as defaultRegistry, Histogram, type Registry } from 'prom-client';

export interface MtMetrics {
  /** Seconds per engine call, by engine, pair ("en-es") and outcome (ok | error | timeout). */
  latency: Histogram<'engine' | 'pair' | 'outcome'>;
  /** Calls answered by the fallback engine, by reason. */
  fallbacks: Counter<'reason'>;
}

const LATENCY_NAME = 'tolk_mt_translate_seconds';
const FALLBACKS_NAME = 'tolk_mt_fallbacks_total';

export function createMtMetrics(registry: Registry = defaultRegistry): MtMetrics {
  const existingLatency = registry.getSingleMetric(LATENCY_NAME);
  const existingFallbacks = registry.getSingleMetric(FALLBACKS_NAME);
  return {
    latency:
      (existingLatency as Histogram<'engine' | 'pair' | 'outcome'> | undefined) ??
      new Histogram({
        name: LATENCY_NAME,
        help: 'Machine translation latency per call',
        labelNames: ['engine', 'pair', 'outcome'],
        // Sentence MT should stay well under 25 ms; the tail buckets catch restarts.
        buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [registry],
      }),
    fallbacks:
      (existingFallbacks as Counter<'reason'> | undefined) ??
      new Counter({
        name: FALLBACKS_NAME,
        help: 'Translations answered by the fallback engine, by reason',
        labelNames: ['reason'],
        registers: [registry],
      }),
  };
}
