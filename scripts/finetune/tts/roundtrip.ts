/** `--roundtrip`'s recognizers: pocketsphinx for English and the models dir's asr-<lang>. */
import { join } from 'node:path';
import { runtimeOptionsFromConfig } from '../../../models/onnx-session.ts';
import { loadConfig } from '../../../server/config.ts';
import type { Lang } from '../../../server/stages/tts/text-normalize.ts';
import { POCKETSPHINX_INSTALL } from '../../eval/peers/pocketsphinx.ts';
import { pocketsphinxRecognizer, projectAsrRecognizer, type Recognizer } from '../../eval/tts/recognizers.ts';

/** The recognizers that are there; each missing one is logged, none is fatal. */
export async function roundTripRecognizers(
  lang: Lang,
  modelsDir: string,
  log: (s: string) => void,
): Promise<Recognizer[]> {
  const recognizers: Recognizer[] = [];
  if (lang === 'en') {
    const ps = pocketsphinxRecognizer();
    if (ps) recognizers.push(ps);
    else log(`roundtrip: pocketsphinx not installed (${POCKETSPHINX_INSTALL})`);
  }
  const asr = await projectAsrRecognizer(
    modelsDir,
    lang,
    runtimeOptionsFromConfig(loadConfig().models),
  ).catch((err) => {
    log(`roundtrip: asr-${lang} not loaded: ${(err as Error).message}`);
    return null;
  });
  if (asr) recognizers.push(asr);
  else log(`roundtrip: no ${join(modelsDir, `asr-${lang}`)}`);
  return recognizers;
}
