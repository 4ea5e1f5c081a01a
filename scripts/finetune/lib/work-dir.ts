/**
 * A fine-tune's work dir (checkpoints, logs, caches): a run never silently continues or wipes
 * an earlier one — an existing checkpoint needs `--resume` (continue) or `--force` (start over).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hasCheckpoint } from '../../train/lib/checkpoint.ts';
import { FinetuneUsageError } from './model-folders.ts';

/** `checkpointDirs`: the training runs kept in the work dir, relative to it (e.g. "acoustic"). */
export function prepareWorkDir(
  workDir: string,
  opts: { resume: boolean; force: boolean; checkpointDirs?: string[] },
): void {
  const runs = opts.checkpointDirs ?? ['.'];
  const holdsCheckpoint = runs.some((d) => hasCheckpoint(join(workDir, d, 'last')));
  if (holdsCheckpoint && !opts.resume && !opts.force)
    throw new FinetuneUsageError(
      `${workDir} holds a checkpoint; pass --resume to continue it or --force to start over`,
    );
  if (opts.force && !opts.resume) rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
}
