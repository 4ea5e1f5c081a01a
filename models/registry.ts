/**
 * Model registry: scans TOLK_MODELS_DIR for `<id>/model.json` and reports what each folder
 * holds (kind, languages, version, graph files). It loads no weights: engines load the models
 * they need from these entries. GET /v1/models and GET /readyz read from here.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const MODEL_KINDS = ['asr', 'mt', 'tts', 'vocoder', 'lm'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** The fields the registry needs from model.json; everything else is kept as-is in `card`. */
const modelCard = z
  .object({
    id: z.string().optional(),
    kind: z.enum(MODEL_KINDS),
    languages: z.union([z.array(z.string()).min(1), z.object({ source: z.string(), target: z.string() })]),
    version: z.union([z.string(), z.number()]).optional(),
  })
  .loose();

export interface ModelEntry {
  id: string;
  kind: ModelKind;
  /** Languages as written: a list (ASR/TTS) or a source → target pair (MT). */
  languages: string[] | { source: string; target: string };
  version?: string;
  dir: string;
  /** ONNX graphs found in the folder. */
  graphs: string[];
}

export interface InvalidModel {
  id: string;
  dir: string;
  error: string;
}

export type RegistryState = 'loading' | 'ready' | 'failed';

export interface ModelRegistrySnapshot {
  state: RegistryState;
  dir: string;
  models: ModelEntry[];
  invalid: InvalidModel[];
  error?: string;
}

export class ModelRegistry {
  readonly dir: string;
  private state: RegistryState = 'loading';
  private models: ModelEntry[] = [];
  private invalid: InvalidModel[] = [];
  private error?: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  /** Scans the directory. A missing directory means "no models", not a failure. */
  async load(): Promise<void> {
    try {
      const found = await scanModels(this.dir);
      this.models = found.models;
      this.invalid = found.invalid;
      this.state = 'ready';
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      this.state = 'failed';
    }
  }

  find(id: string): ModelEntry | undefined {
    return this.models.find((m) => m.id === id);
  }

  byKind(kind: ModelKind): ModelEntry[] {
    return this.models.filter((m) => m.kind === kind);
  }

  snapshot(): ModelRegistrySnapshot {
    return {
      state: this.state,
      dir: this.dir,
      models: [...this.models],
      invalid: [...this.invalid],
      ...(this.error ? { error: this.error } : {}),
    };
  }
}

async function scanModels(dir: string): Promise<{ models: ModelEntry[]; invalid: InvalidModel[] }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { models: [], invalid: [] };
    throw err;
  }
  const models: ModelEntry[] = [];
  const invalid: InvalidModel[] = [];
  for (const name of names.sort()) {
    const modelDir = join(dir, name);
    if (!(await stat(modelDir)).isDirectory()) continue;
    let text: string;
    try {
      text = await readFile(join(modelDir, 'model.json'), 'utf8');
    } catch {
      continue; // not a model folder (code such as models/asr/ lives next to model folders)
    }
    try {
      const card = modelCard.parse(JSON.parse(text));
      const files = await readdir(modelDir);
      models.push({
        id: card.id ?? name,
        kind: card.kind,
        languages: card.languages,
        ...(card.version !== undefined ? { version: String(card.version) } : {}),
        dir: modelDir,
        graphs: files.filter((f) => f.endsWith('.onnx')).sort(),
      });
    } catch (err) {
      const error = err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message;
      invalid.push({ id: name, dir: modelDir, error });
    }
  }
  return { models, invalid };
}
