/**
 * Debian apertium as an MtEngine: one persistent null-flush pipeline per direction (no
 * process per sentence), fed directly from the pair's mode file so that each request is one
 * NUL-framed round trip. It is the out-of-domain fallback and the peer the neural engine is
 * measured against.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PipelineError } from '../../errors.ts';
import { fromApertiumStream, toApertiumStream } from './apertium-text.ts';
import { restoreAsrCasing } from './asr-casing.ts';
import type { LanguagePair, MtEngine, TranslateOptions, TranslationResult } from './engine.ts';
import { pairKey } from './engine.ts';
import { translateWithGlossary } from './glossary.ts';
import { NulFlushProcess } from './nul-flush-process.ts';

const execFileAsync = promisify(execFile);

export const APERTIUM_INSTALL_HINT = 'sudo apt-get install apertium apertium-eng-spa';

/** Apertium names modes with ISO 639-3 codes (eng-spa); the protocol uses ISO 639-1. */
const ISO3_TO_1: Record<string, string> = {
  eng: 'en',
  spa: 'es',
  cat: 'ca',
  por: 'pt',
  fra: 'fr',
  ita: 'it',
  glg: 'gl',
  deu: 'de',
  oci: 'oc',
  eus: 'eu',
  ron: 'ro',
  nld: 'nl',
};

export interface ApertiumEngineOptions {
  /** Apertium data directory holding modes/ (default /usr/share/apertium or /usr/local/...). */
  dataDir?: string;
  /** Per-sentence deadline; on expiry the pipeline is killed and restarted. */
  timeoutMs?: number;
  /** Requests allowed to wait per direction behind the one in flight. */
  maxQueue?: number;
  /** Only serve these directions (default: every installed one we can name). */
  pairs?: LanguagePair[];
  /** Start the pipelines now instead of on first use. */
  warm?: boolean;
  /** Capitalise "i" and the first letter of ASR-style input before apertium sees it (default true). */
  restoreCasing?: boolean;
}

interface Direction {
  pair: LanguagePair;
  mode: string;
  proc: NulFlushProcess;
}

export class ApertiumEngine implements MtEngine {
  readonly name = 'apertium' as const;
  private readonly directions: Map<string, Direction>;
  private requestId = 0;

  private readonly restoreCasing: boolean;

  constructor(directions: Direction[], options: { restoreCasing?: boolean } = {}) {
    this.directions = new Map(directions.map((d) => [pairKey(d.pair), d]));
    this.restoreCasing = options.restoreCasing ?? true;
  }

  languagePairs(): LanguagePair[] {
    return [...this.directions.values()].map((d) => d.pair);
  }

  /** Pid of the direction's running pipeline (undefined before first use or after a kill). */
  pid(pair: LanguagePair): number | undefined {
    return this.directions.get(pairKey(pair))?.proc.pid;
  }

  async translate(text: string, options: TranslateOptions): Promise<TranslationResult> {
    const dir = this.directions.get(pairKey(options));
    if (!dir) {
      throw new PipelineError('unsupported_language', 'mt', {
        message: `apertium has no ${pairKey(options)} mode (installed: ${[...this.directions.keys()].join(', ')})`,
      });
    }
    if (!text.trim()) throw new PipelineError('empty_text', 'mt');
    return translateWithGlossary(text, options.glossary, options, async (protectedText) => {
      const input = this.restoreCasing ? restoreAsrCasing(protectedText, dir.pair.source) : protectedText;
      const reply = await dir.proc.request(toApertiumStream(input, ++this.requestId), options.signal);
      return { text: fromApertiumStream(reply), engine: 'apertium' };
    });
  }

  /** Sends one short sentence through every direction so the first real call is not slower. */
  async warmUp(): Promise<void> {
    await Promise.all(
      [...this.directions.values()].map((d) =>
        d.proc.request(toApertiumStream(d.pair.source === 'es' ? 'Hola.' : 'Hello.')),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.directions.values()].map((d) => d.proc.close()));
  }
}

export async function createApertiumEngine(options: ApertiumEngineOptions = {}): Promise<ApertiumEngine> {
  const dataDir = options.dataDir ?? defaultDataDir();
  const modesDir = dataDir ? join(dataDir, 'modes') : undefined;
  if (!modesDir || !existsSync(modesDir)) throw unavailable('no apertium modes directory found');
  const modes = listModes(modesDir).filter(
    (m) =>
      !options.pairs || options.pairs.some((p) => p.source === m.pair.source && p.target === m.pair.target),
  );
  if (modes.length === 0) throw unavailable(`no usable translation modes in ${modesDir}`);

  const directions: Direction[] = [];
  for (const { mode, pair } of modes) {
    const pipeline = await nullFlushPipeline(join(modesDir, `${mode}.mode`));
    directions.push({
      pair,
      mode,
      proc: new NulFlushProcess({
        // $1 = -n: generate without unknown-word marks (the wrapper's -u); $2: tagger option.
        command: 'bash',
        args: ['-c', pipeline, 'apertium', '-n', ''],
        env: { ...process.env, LC_ALL: 'C.UTF-8' },
        timeoutMs: options.timeoutMs ?? 5000,
        maxQueue: options.maxQueue ?? 64,
        label: `apertium ${mode}`,
        installHint: APERTIUM_INSTALL_HINT,
        acceptReply: (reply, payload) => reply.includes(payload.slice(payload.lastIndexOf('[tolk-'))),
      }),
    });
  }
  const engine = new ApertiumEngine(directions, { restoreCasing: options.restoreCasing });
  if (options.warm) await engine.warmUp();
  return engine;
}

/**
 * True when the apertium command is on PATH and the given modes are installed (used by tests
 * and scripts to skip or explain).
 */
export function hasApertium(modes: string[] = ['eng-spa', 'spa-eng']): boolean {
  const onPath = (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, 'apertium')));
  const dataDir = defaultDataDir();
  return onPath && !!dataDir && modes.every((m) => existsSync(join(dataDir, 'modes', `${m}.mode`)));
}

function defaultDataDir(): string | undefined {
  return ['/usr/share/apertium', '/usr/local/share/apertium'].find((d) => existsSync(join(d, 'modes')));
}

function listModes(modesDir: string): { mode: string; pair: LanguagePair }[] {
  const out: { mode: string; pair: LanguagePair }[] = [];
  for (const file of readdirSync(modesDir)) {
    // Plain "src-tgt" modes only; variants (spa-eng_US) and debug modes are skipped.
    const m = /^([a-z]{2,3})-([a-z]{2,3})\.mode$/.exec(file);
    if (!m) continue;
    const source = ISO3_TO_1[m[1]] ?? (m[1].length === 2 ? m[1] : undefined);
    const target = ISO3_TO_1[m[2]] ?? (m[2].length === 2 ? m[2] : undefined);
    if (source && target) out.push({ mode: `${m[1]}-${m[2]}`, pair: { source, target } });
  }
  return out.sort((a, b) => a.mode.localeCompare(b.mode));
}

/** The mode's shell pipeline with -z on every stage (apertium-wblank-mode rewrites it). */
async function nullFlushPipeline(modeFile: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync('apertium-wblank-mode', ['-z', modeFile]);
    return stdout.trim();
  } catch (err) {
    throw unavailable(`cannot read ${modeFile} with apertium-wblank-mode: ${(err as Error).message}`, err);
  }
}

function unavailable(detail: string, cause?: unknown): PipelineError {
  return new PipelineError('engine_unavailable', 'mt', {
    message: `apertium: ${detail} (${APERTIUM_INSTALL_HINT})`,
    recoverable: false,
    cause,
  });
}
