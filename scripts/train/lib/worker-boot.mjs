// Entry point of training worker threads. Node 20 does not carry tsx's loader hooks into
// worker threads reliably, so TypeScript entries are loaded through tsx's scoped tsImport.
import { workerData } from 'node:worker_threads';

const entry = workerData.entry;
if (entry.endsWith('.ts')) {
  const { tsImport } = await import('tsx/esm/api');
  await tsImport(entry, import.meta.url);
} else {
  await import(entry);
}
