/**
 * `npm run eval -- mt --pairs <file.jsonl> --source en --target es [--engine neural,apertium]
 *   [--beam N] [--limit N] [--reverse] [--written] [--verbose] [--json]`
 *
 * Translates each pair's source with each named engine (comma-separated, measured one after
 * the other on the same pairs) and prints corpus chrF and BLEU
 * (sacreBLEU-compatible, scripts/eval/metrics) and latency. Pairs are JSON Lines with at
 * least {src, tgt}; when `src_spoken` is present (ASR-style: lower case, no punctuation,
 * numbers as words) it is the source, because that is what the server translates. `--reverse`
 * evaluates the opposite direction from the same file (source `tgt_spoken` or `tgt`,
 * reference `src`); `--written` uses the written source instead of the spoken one.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../../server/config.ts';
import { PipelineError } from '../../server/errors.ts';
import { APERTIUM_INSTALL_HINT } from '../../server/stages/mt/apertium-engine.ts';
import type { EngineName, LanguagePair, MtEngine } from '../../server/stages/mt/engine.ts';
import { loadMtEngine } from '../../server/stages/mt/registry.ts';
import { corpusBleu } from './metrics/bleu.ts';
import { corpusChrf } from './metrics/chrf.ts';

const pairSchema = z
  .object({
    src: z.string(),
    tgt: z.string(),
    src_spoken: z.string().optional(),
    tgt_spoken: z.string().optional(),
  })
  .loose();

export interface EvalPair {
  source: string;
  reference: string;
}

export interface MtEvalReport {
  engine: EngineName;
  source: string;
  target: string;
  sentences: number;
  chrf: number;
  bleu: number;
  ms_per_sentence: number;
  p95_ms: number;
  errors: number;
  spoken_source: boolean;
}

export async function readPairs(
  path: string,
  options: { reverse?: boolean; written?: boolean; limit?: number } = {},
): Promise<{ pairs: EvalPair[]; spoken: boolean }> {
  const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim());
  let spoken = false;
  const pairs = lines.slice(0, options.limit ?? lines.length).map((line, i) => {
    let row: z.infer<typeof pairSchema>;
    try {
      row = pairSchema.parse(JSON.parse(line));
    } catch (err) {
      throw new Error(`${path}:${i + 1}: not a {src, tgt} pair: ${(err as Error).message}`);
    }
    const spokenSource = options.written ? undefined : options.reverse ? row.tgt_spoken : row.src_spoken;
    if (spokenSource) spoken = true;
    return options.reverse
      ? { source: spokenSource ?? row.tgt, reference: row.src }
      : { source: spokenSource ?? row.src, reference: row.tgt };
  });
  return { pairs, spoken };
}

/** Translates every pair one at a time (so latency is per sentence) and scores the corpus. */
export async function evaluateMt(
  engine: MtEngine,
  pairs: EvalPair[],
  pair: LanguagePair,
  onSentence?: (p: EvalPair, hypothesis: string, ms: number) => void,
): Promise<Omit<MtEvalReport, 'spoken_source'>> {
  // The first call may start a process or warm caches; keep it out of the latency figures.
  if (pairs.length) await engine.translate(pairs[0].source, pair).catch(() => undefined);
  const hypotheses: string[] = [];
  const times: number[] = [];
  let errors = 0;
  for (const p of pairs) {
    const started = performance.now();
    let hypothesis = '';
    try {
      hypothesis = (await engine.translate(p.source, pair)).text;
    } catch (err) {
      // A failed sentence scores as an empty hypothesis, and is counted.
      errors++;
      if (!(err instanceof PipelineError)) throw err;
    }
    const ms = performance.now() - started;
    times.push(ms);
    hypotheses.push(hypothesis);
    onSentence?.(p, hypothesis, ms);
  }
  const references = [pairs.map((p) => p.reference)];
  const sorted = [...times].sort((a, b) => a - b);
  return {
    engine: engine.name,
    source: pair.source,
    target: pair.target,
    sentences: pairs.length,
    chrf: round(corpusChrf(hypotheses, references), 2),
    bleu: round(corpusBleu(hypotheses, references).score, 2),
    ms_per_sentence: round(times.reduce((a, b) => a + b, 0) / Math.max(1, times.length), 2),
    p95_ms: round(percentile(sorted, 0.95), 2),
    errors,
  };
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      pairs: { type: 'string' },
      source: { type: 'string' },
      target: { type: 'string' },
      engine: { type: 'string', default: 'apertium' },
      beam: { type: 'string' },
      limit: { type: 'string' },
      reverse: { type: 'boolean', default: false },
      written: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.pairs || !values.source || !values.target) {
    console.error(
      'usage: npm run eval -- mt --pairs <file.jsonl> --source en --target es [--engine neural,apertium] [--beam N] [--limit N] [--reverse] [--written] [--verbose] [--json]',
    );
    process.exitCode = 2;
    return;
  }
  const engineNames = values.engine.split(',').map((e) => e.trim());
  const unknown = engineNames.filter((e) => e !== 'apertium' && e !== 'neural');
  if (unknown.length || !engineNames.length) {
    console.error(`unknown --engine ${unknown.join(',')}; use neural, apertium or neural,apertium`);
    process.exitCode = 2;
    return;
  }
  const limit = values.limit ? Number.parseInt(values.limit, 10) : undefined;
  const pair = { source: values.source, target: values.target };
  const { pairs, spoken } = await readPairs(values.pairs, {
    reverse: values.reverse,
    written: values.written,
    limit,
  });
  const neural = values.beam ? { decoding: { beamSize: Number.parseInt(values.beam, 10) } } : undefined;

  for (const engineName of engineNames as EngineName[]) {
    let engine: MtEngine;
    try {
      engine = await loadMtEngine(engineName, {
        modelsDir: loadConfig().models.dir,
        pairs: [pair],
        neural,
      });
    } catch (err) {
      const hint = engineName === 'apertium' ? `\ninstall it with: ${APERTIUM_INSTALL_HINT}` : '';
      console.error(`eval mt: cannot load ${engineName} engine: ${(err as Error).message}${hint}`);
      process.exitCode = 1;
      continue;
    }
    try {
      const report = await evaluateMt(engine, pairs, pair, (p, hyp, ms) => {
        if (values.verbose)
          console.log(
            `${ms.toFixed(1).padStart(7)} ms  ${p.source}\n           → ${hyp}\n           = ${p.reference}`,
          );
      });
      const full: MtEvalReport = { ...report, spoken_source: spoken };
      console.log(
        `${full.engine} ${full.source}→${full.target}: chrF ${full.chrf}  BLEU ${full.bleu}  ` +
          `${full.ms_per_sentence} ms/sentence (p95 ${full.p95_ms})  ${full.sentences} sentences` +
          `${full.errors ? `, ${full.errors} failed` : ''}${spoken ? ' (spoken-style source)' : ''}`,
      );
      if (values.json) console.log(JSON.stringify(full));
    } finally {
      await engine.close();
    }
  }
}

function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
