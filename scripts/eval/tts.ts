/**
 * `npm run eval -- tts --text <file> --lang en|es [--model-dir models/tts-<lang>] [--refs <manifest>]
 *    [--limit N] [--gl-iters N] [--no-peers] [--copy-synthesis] [--write-wavs <dir>] [--json]`
 *
 * Speaks every sentence with the tolk voice (acoustic model + Griffin-Lim through the serving
 * driver) and with the peers espeak-ng and flite (English only) in the same run, and reports per
 * system: RTF, first_chunk_ms, round-trip WER (English: pocketsphinx en-us and asr-en; Spanish:
 * asr-es when models/asr-es exists) and MCD against the training voice's held-out recordings.
 *
 * --text: one sentence per line, or a JSONL manifest (`text` per row; its `audio_filepath`
 * recordings become the MCD references, e.g. data/tts-es/test.jsonl). --refs: another manifest
 * whose recordings are matched to the sentences by text. --write-wavs: keeps every WAV and an
 * index.html listening page (reference, tolk, peers side by side). --json: one JSON line last.
 * --copy-synthesis: also vocodes the reference recordings' own mels with the same vocoder, which
 * splits the gap to the recordings into the vocoder's share and the acoustic model's.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { runtimeOptionsFromConfig } from '../../models/onnx-session.ts';
import { loadConfig } from '../../server/config.ts';
import { loadOnnxMelGenerator } from '../../server/stages/tts/load-voices.ts';
import { ModelSynthesizer } from '../../server/stages/tts/model-synthesizer.ts';
import { normalizeText } from '../../server/stages/tts/text-normalize.ts';
import { griffinLimVocoder } from '../../server/stages/tts/vocoder.ts';
import type { Lang } from '../../server/text/number-words.ts';
import { POCKETSPHINX_INSTALL } from './peers/pocketsphinx.ts';
import { hasPeer, peerSupports, TTS_PEERS_INSTALL, type TtsPeer } from './peers/tts-peers.ts';
import { type EvalSentence, evaluateTts, formatTtsReport } from './tts/evaluate.ts';
import { pocketsphinxRecognizer, projectAsrRecognizer, type Recognizer } from './tts/recognizers.ts';
import { copySynthesisSystem, peerSystem, synthesizerSystem, type TtsSystem } from './tts/systems.ts';

const USAGE = `usage: npm run eval -- tts --text <file.txt|manifest.jsonl> --lang en|es [--model-dir DIR]
  [--refs <manifest.jsonl>] [--limit N] [--gl-iters N] [--no-peers] [--copy-synthesis]
  [--write-wavs DIR] [--json]`;

interface TextRow {
  text: string;
  audio_filepath?: string;
  text_normalized?: string;
}

/** Plain text (one sentence a line) or JSONL rows with `text` (and maybe `audio_filepath`). */
export function readSentences(path: string): EvalSentence[] {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const isManifest = path.endsWith('.jsonl') || lines[0]?.startsWith('{');
  if (!isManifest) return lines.map((text) => ({ text }));
  const base = dirname(resolve(path));
  return lines.map((line, i) => {
    const row = JSON.parse(line) as TextRow;
    if (typeof row.text !== 'string') throw new Error(`${path}:${i + 1}: no "text"`);
    const audio = row.audio_filepath;
    return {
      text: row.text,
      ...(audio ? { refPath: isAbsolute(audio) ? audio : resolve(base, audio) } : {}),
    };
  });
}

/** Attaches recordings from `refsPath` to sentences with the same text (written or normalised). */
export function attachReferences(sentences: EvalSentence[], refsPath: string, lang: Lang): number {
  const byText = new Map<string, string>();
  for (const r of readSentences(refsPath)) {
    if (!r.refPath) continue;
    byText.set(r.text, r.refPath);
    byText.set(normalizeText(r.text, lang), r.refPath);
  }
  let found = 0;
  for (const s of sentences) {
    const ref = byText.get(s.text) ?? byText.get(normalizeText(s.text, lang));
    if (ref) {
      s.refPath = ref;
      found++;
    }
  }
  return found;
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      text: { type: 'string' },
      lang: { type: 'string' },
      'model-dir': { type: 'string' },
      refs: { type: 'string' },
      limit: { type: 'string' },
      'gl-iters': { type: 'string' },
      'no-peers': { type: 'boolean', default: false },
      'copy-synthesis': { type: 'boolean', default: false },
      'write-wavs': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const lang = values.lang;
  if (values.help || !values.text || (lang !== 'en' && lang !== 'es')) {
    console.error(USAGE);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  const runtime = runtimeOptionsFromConfig(config.models);
  const modelDir = resolve(values['model-dir'] ?? join(config.models.dir, `tts-${lang}`));
  const iterations = values['gl-iters'] ? Number(values['gl-iters']) : config.tts.griffinLimIterations;
  const limit = values.limit ? Number(values.limit) : undefined;
  const sentences = readSentences(resolve(values.text)).slice(0, limit);
  const notes: string[] = [];
  if (values.refs) {
    const n = attachReferences(sentences, resolve(values.refs), lang);
    if (n < sentences.length) notes.push(`${sentences.length - n} sentences have no reference recording`);
  }

  const systems: TtsSystem[] = [];
  const recognizers: Recognizer[] = [];
  let generator: Awaited<ReturnType<typeof loadOnnxMelGenerator>> | undefined;
  const wavDir = values['write-wavs']
    ? resolve(values['write-wavs'])
    : mkdtempSync(join(tmpdir(), 'tolk-eval-tts-'));
  try {
    try {
      generator = await loadOnnxMelGenerator(modelDir, { runtime });
    } catch (err) {
      console.error(
        `eval tts: no usable TTS model in ${modelDir}: ${(err as Error).message}\n` +
          `  train one with: npm run train -- tts --data data/tts-${lang} --lang ${lang}`,
      );
      process.exitCode = 1;
      return;
    }
    const vocoder = griffinLimVocoder({ iterations });
    const synth = new ModelSynthesizer(generator, vocoder, { speed: config.tts.speed });
    const ours = synthesizerSystem(`tolk ${generator.id} gl${iterations}`, synth, lang);
    await ours.synthesize(lang === 'es' ? 'Hola.' : 'Hello.'); // first ORT runs plan and allocate
    systems.push(ours);
    if (values['copy-synthesis']) {
      const recordings = new Map(sentences.flatMap((s) => (s.refPath ? [[s.text, s.refPath] as const] : [])));
      if (recordings.size === 0) notes.push('--copy-synthesis: no reference recordings to vocode');
      else systems.push(copySynthesisSystem(vocoder, (text) => recordings.get(text)));
    }

    if (!values['no-peers']) {
      for (const peer of ['espeak-ng', 'flite'] as TtsPeer[]) {
        if (!peerSupports(peer, lang)) notes.push(`${peer}: no ${lang} voice`);
        else if (!hasPeer(peer)) notes.push(`${peer} not installed (${TTS_PEERS_INSTALL})`);
        else systems.push(peerSystem(peer, lang));
      }
    }

    if (lang === 'en') {
      const ps = pocketsphinxRecognizer();
      if (ps) recognizers.push(ps);
      else notes.push(`pocketsphinx not installed (${POCKETSPHINX_INSTALL})`);
    }
    const asr = await projectAsrRecognizer(config.models.dir, lang, runtime).catch((err) => {
      notes.push(`asr-${lang} not loaded: ${(err as Error).message}`);
      return null;
    });
    if (asr) recognizers.push(asr);
    else if (!notes.some((n) => n.startsWith(`asr-${lang}`))) notes.push(`asr-${lang} not available`);

    const bar = new cliProgress.SingleBar(
      { format: 'tts {bar} {value}/{total} | {system} | ETA {eta_formatted}', stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    bar.start(sentences.length * systems.length, 0, { system: '' });
    const report = await evaluateTts({
      lang,
      sentences,
      systems,
      recognizers,
      wavDir,
      listeningPage: Boolean(values['write-wavs']),
      notes,
      onProgress: (system) => bar.increment(1, { system }),
    });
    bar.stop();
    console.log(formatTtsReport(report));
    if (values['write-wavs']) console.log(`listening page: ${join(wavDir, 'index.html')}`);
    if (values.json)
      console.log(
        JSON.stringify({ model: generator.id, model_dir: modelDir, gl_iterations: iterations, ...report }),
      );
  } finally {
    for (const s of systems) await s.close?.();
    for (const r of recognizers) await r.close?.();
    await generator?.dispose();
    if (!values['write-wavs']) rmSync(wavDir, { recursive: true, force: true });
  }
}
