/**
 * `npm run eval -- mt --pairs <file.jsonl> --source en --target es [--engine neural,apertium]
 *   [--beam N] [--limit N] [--reverse] [--written] [--verbose] [--json] [--record]`
 *
 * Translates each pair's source with each named engine (comma-separated, measured one after
 * the other on the same pairs; `served` is the server's router — neural, handing sentences it
 * is unsure of or that hold unknown words to apertium, with the server's config thresholds) and prints corpus chrF and BLEU
 * (sacreBLEU-compatible, scripts/eval/metrics) and latency. Pairs are JSON Lines with at
 * least {src, tgt}; when `src_spoken` is present (ASR-style: lower case, no punctuation,
 * numbers as words) it is the source, because that is what the server translates. `--reverse`
 * evaluates the opposite direction from the same file (source `tgt_spoken` or `tgt`,
 * reference `src`); `--written` uses the written source instead of the spoken one.
 * `--record` stores every engine's figures of this run in the neural model's model.json under
 * evaluation["<file> <src>-<tgt>"], with the command and date.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../../server/config.ts';
import { PipelineError } from '../../server/errors.ts';
import { APERTIUM_INSTALL_HINT } from '../../server/stages/mt/apertium-engine.ts';
import { createMtRouter, routerOptionsFromConfig } from '../../server/stages/mt/create-router.ts';
import type { EngineName, LanguagePair, MtEngine } from '../../server/stages/mt/engine.ts';
import { neuralModelFolders } from '../../server/stages/mt/neural/load.ts';
import { type LoadMtEngineOptions, loadMtEngine } from '../../server/stages/mt/registry.ts';
import { corpusBleu } from './metrics/bleu.ts';
import { corpusChrf } from './metrics/chrf.ts';
import { percentile } from './metrics/percentile.ts';
import { recordFigures } from './record-card.ts';

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

/** The engines, plus `served`: what the server answers with (router over both). */
export type EvalEngineName = EngineName | 'served';

export interface MtEvalReport {
  engine: EvalEngineName;
  source: string;
  target: string;
  sentences: number;
  chrf: number;
  bleu: number;
  ms_per_sentence: number;
  p95_ms: number;
  errors: number;
  /** Sentences the served router answered with its fallback engine (0 for a single engine). */
  fallbacks: number;
  spoken_source: boolean;
}

/** Something that translates like an engine: one engine, or the served router under a name. */
export interface EvalTranslator {
  readonly name: EvalEngineName;
  translate: MtEngine['translate'];
  close(): Promise<void>;
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
  engine: EvalTranslator,
  pairs: EvalPair[],
  pair: LanguagePair,
  onSentence?: (p: EvalPair, hypothesis: string, ms: number) => void,
): Promise<Omit<MtEvalReport, 'spoken_source'>> {
  // The first call may start a process or warm caches; keep it out of the latency figures.
  if (pairs.length) await engine.translate(pairs[0].source, pair).catch(() => undefined);
  const hypotheses: string[] = [];
  const times: number[] = [];
  let errors = 0;
  let fallbacks = 0;
  for (const p of pairs) {
    const started = performance.now();
    let hypothesis = '';
    try {
      const result = await engine.translate(p.source, pair);
      hypothesis = result.text;
      if (result.fallback) fallbacks++;
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
    fallbacks,
  };
}

/** Loads one engine, or for `served` the router exactly as the server builds it. */
export async function loadTranslator(
  name: EvalEngineName,
  pairs: LanguagePair[],
  neural: LoadMtEngineOptions['neural'],
): Promise<EvalTranslator> {
  const config = loadConfig();
  if (name !== 'served') return loadMtEngine(name, { modelsDir: config.models.dir, pairs, neural });
  const { router, notes } = await createMtRouter({ ...routerOptionsFromConfig(config), pairs, onnx: neural });
  for (const note of notes) console.error(`eval mt: served: ${note}`);
  if (!router.languagePairs().length) throw new Error('no MT engine is installed');
  return {
    name: 'served',
    translate: (text, options) => router.translate(text, options),
    close: () => router.close(),
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
      record: { type: 'boolean', default: false },
    },
  });
  if (!values.pairs || !values.source || !values.target) {
    console.error(
      'usage: npm run eval -- mt --pairs <file.jsonl> --source en --target es [--engine neural,apertium,served] [--beam N] [--limit N] [--reverse] [--written] [--verbose] [--json]',
    );
    process.exitCode = 2;
    return;
  }
  const engineNames = values.engine.split(',').map((e) => e.trim());
  const unknown = engineNames.filter((e) => e !== 'apertium' && e !== 'neural' && e !== 'served');
  if (unknown.length || !engineNames.length) {
    console.error(`unknown --engine ${unknown.join(',')}; use neural, apertium, served or a list of them`);
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

  const reports: MtEvalReport[] = [];
  for (const engineName of engineNames as EvalEngineName[]) {
    let engine: EvalTranslator;
    try {
      engine = await loadTranslator(engineName, [pair], neural);
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
          `${full.fallbacks ? `, ${full.fallbacks} answered by the fallback` : ''}` +
          `${full.errors ? `, ${full.errors} failed` : ''}${spoken ? ' (spoken-style source)' : ''}`,
      );
      if (values.json) console.log(JSON.stringify(full));
      reports.push(full);
    } finally {
      await engine.close();
    }
  }
  if (values.record && reports.length) {
    // The folder serving `pair`: the shared `mt/` model, else `mt-<src>-<tgt>/`.
    const [modelDir] = neuralModelFolders(loadConfig().models.dir, [pair]);
    if (!modelDir) throw new Error('--record: no neural model folder to record into');
    const key = `${basename(values.pairs).replace(/\.jsonl?$/i, '')} ${pair.source}-${pair.target}`;
    recordFigures(modelDir, key, {
      pairs: values.pairs,
      date: new Date().toISOString(),
      command: `npm run eval -- mt ${args.join(' ')}`,
      engines: reports,
    });
    console.log(`recorded as evaluation["${key}"] in ${join(modelDir, 'model.json')}`);
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
