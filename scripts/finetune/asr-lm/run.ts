/**
 * Text-only adaptation of a recognizer: a new model folder with the base's acoustic model
 * (model.onnx copied byte for byte), a domain LM rebuilt from the general domain text plus the
 * customer's sentences (weighted by repetition), and hotwords drawn from the customer's text
 * (model.json `hotwords`, also hotwords.txt). With a dev manifest it reports before/after.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildNgramLm } from '../../../server/stages/asr/lm-builder.ts';
import type { AsrLanguage } from '../../../server/stages/asr/vocabulary.ts';
import { readManifest } from '../../data/lib/manifest.ts';
import { comparisonRows, evaluateSet, formatComparison, type SetComparison } from '../asr/before-after.ts';
import {
  checkOutputFolder,
  FinetuneUsageError,
  modelIdOf,
  publishModelFolder,
  stagingFolder,
} from '../lib/model-folders.ts';
import { extractHotwords, type HotwordOptions } from './hotwords.ts';
import { baseCorpusText, readTextLines } from './text.ts';

export interface AsrLmOptions {
  baseDir: string;
  outDir: string;
  force: boolean;
  /** The customer's sentences (.txt, or .jsonl with `text`). */
  text: string;
  /** General domain text; undefined = the base corpus's, when found; null = none. */
  generalText?: string | null;
  /** Each customer sentence counts this many times in the LM (default 3). */
  textWeight: number;
  /** n-gram order (default: the base LM's, else 3). */
  order?: number;
  hotwords: HotwordOptions;
  dev?: string;
  command: string;
}

interface Card {
  id: string;
  languages: AsrLanguage[];
  lm?: ({ file: string; order?: number } & Record<string, unknown>) | null;
  training?: Record<string, unknown>;
  [k: string]: unknown;
}

export async function runAsrLmAdapt(o: AsrLmOptions, log: (s: string) => void = (s) => console.log(s)) {
  if (!existsSync(join(o.baseDir, 'model.json')) || !existsSync(join(o.baseDir, 'model.onnx')))
    throw new FinetuneUsageError(`--base ${o.baseDir}: no model.json and model.onnx there`);
  checkOutputFolder(o.outDir, o.baseDir, o.force);
  if (!(o.textWeight >= 1 && Number.isInteger(o.textWeight)))
    throw new FinetuneUsageError(`--text-weight ${o.textWeight}: a whole number ≥ 1`);
  const base = JSON.parse(readFileSync(join(o.baseDir, 'model.json'), 'utf8')) as Card;
  const lang = base.languages[0];
  const outId = modelIdOf(o.outDir);

  const customer = readTextLines(o.text, lang);
  if (customer.length === 0) throw new FinetuneUsageError(`--text ${o.text}: no sentences`);
  const generalPath = o.generalText === undefined ? baseCorpusText(base) : o.generalText;
  const general = generalPath ? readTextLines(generalPath, lang) : [];
  log(
    `customer text: ${customer.length} sentences from ${o.text}; general text: ${
      generalPath
        ? `${general.length} sentences from ${generalPath}`
        : 'none (LM from the customer text alone)'
    }`,
  );
  const order = o.order ?? base.lm?.order ?? 3;
  const lines = [...general];
  for (let k = 0; k < o.textWeight; k++) lines.push(...customer);
  const lm = buildNgramLm(lines, { order, lang });
  const hotwords = extractHotwords(customer, general, lang, o.hotwords);
  log(
    `LM: order ${order}, ${lm.vocab.length - 3} words; hotwords (${hotwords.length}): ${hotwords.map((h) => h.word).join(', ') || '-'}`,
  );

  const staging = stagingFolder(o.outDir);
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(staging, { recursive: true });
    copyFileSync(join(o.baseDir, 'model.onnx'), join(staging, 'model.onnx'));
    writeFileSync(join(staging, 'lm.json'), JSON.stringify(lm.toJSON()));
    writeFileSync(join(staging, 'hotwords.txt'), hotwords.map((h) => `${h.word}\n`).join(''));
    const card: Card = {
      ...base,
      id: outId,
      version: new Date().toISOString().slice(0, 10),
      // α/β tuned for the base LM are kept as a start; retune on customer dev with eval --tune-lm.
      lm: {
        ...(base.lm ?? {}),
        alphaBetaFrom: base.id,
        file: 'lm.json',
        order,
        sentences: lines.length,
        customerSentences: customer.length,
        generalSentences: general.length,
        textWeight: o.textWeight,
      },
      hotwords: hotwords.map((h) => h.word),
      training: { ...(base.training ?? {}) },
      evaluation: {},
      finetune: {
        kind: 'text-only',
        base: { id: base.id, dir: o.baseDir },
        command: o.command,
        text: { customer: o.text, general: generalPath ?? null, textWeight: o.textWeight },
        hotwords,
      },
    };
    writeFileSync(join(staging, 'model.json'), `${JSON.stringify(card, null, 2)}\n`);

    let comparisons: SetComparison[] = [];
    if (o.dev) {
      const set = { name: 'dev', manifest: o.dev, entries: readManifest(o.dev) };
      const opts = { progress: false } as const;
      const before = await evaluateSet(o.baseDir, set, opts);
      const after = await evaluateSet(staging, set, opts);
      comparisons = [{ name: 'dev', manifest: o.dev, decoder: after.decoder, before, after }];
      const rows = comparisonRows(comparisons);
      log(`\nbefore (${base.id}) → after (${outId}), ${after.decoder} decoding:\n${formatComparison(rows)}`);
      (card.finetune as Record<string, unknown>).comparison = { rows, sets: comparisons };
      card.evaluation = { finetune_dev: after };
      writeFileSync(join(staging, 'model.json'), `${JSON.stringify(card, null, 2)}\n`);
    }
    publishModelFolder(staging, o.outDir);
    log(`new model ${outId} in ${o.outDir} (acoustic model of ${base.id}, new LM and hotwords)`);
    return { modelDir: o.outDir, card, hotwords, comparisons };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
