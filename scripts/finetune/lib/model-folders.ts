/**
 * Where fine-tuning reads and writes models. `--base` / `--out` take a model id (a folder under
 * the models dir, TOLK_MODELS_DIR) or a path. The base folder is never written: the output must
 * be a different folder that neither contains nor sits inside the base, an existing output is
 * refused unless `--force`, and the new model appears in one rename when it is complete.
 */
import { existsSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';

export class FinetuneUsageError extends Error {}

/** An id ("asr-en") names a folder in `modelsDir`; anything with a slash or a leading dot is a path. */
export function resolveModelRef(ref: string, modelsDir: string): string {
  const isPath = ref.includes('/') || ref.includes(sep) || ref.startsWith('.');
  return isPath ? resolve(ref) : resolve(modelsDir, ref);
}

/** The id the new model's card carries: its folder name. */
export function modelIdOf(dir: string): string {
  return basename(resolve(dir));
}

function real(p: string): string {
  return existsSync(p) ? realpathSync(p) : resolve(p);
}

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Throws FinetuneUsageError when writing `outDir` could touch `baseDir` or an existing model. */
export function checkOutputFolder(outDir: string, baseDir: string, force: boolean): void {
  const out = real(outDir);
  const base = real(baseDir);
  if (inside(out, base) || inside(base, out))
    throw new FinetuneUsageError(
      `--out ${outDir} would overwrite the base model ${baseDir}; fine-tuning writes a new folder (pick another --out)`,
    );
  if (existsSync(out) && !force)
    throw new FinetuneUsageError(`--out ${outDir} already exists; pass --force to replace it`);
}

/**
 * Moves the finished folder `tmpDir` to `outDir` (replacing an old one, which the caller has
 * checked with checkOutputFolder). Readers see the old model or the new one, never half of one.
 */
export function publishModelFolder(tmpDir: string, outDir: string): void {
  const old = `${outDir}.old-${process.pid}`;
  if (existsSync(outDir)) renameSync(outDir, old);
  renameSync(tmpDir, outDir);
  rmSync(old, { recursive: true, force: true });
}

/** A sibling scratch folder for building the new model before publishing it. */
export function stagingFolder(outDir: string): string {
  return join(resolve(outDir, '..'), `.${basename(outDir)}.tmp-${process.pid}`);
}
