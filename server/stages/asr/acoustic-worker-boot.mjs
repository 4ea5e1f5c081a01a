// Entry of the acoustic-model worker thread. Node 20 does not carry tsx's loader hooks into
// worker threads reliably, so the TypeScript entry is loaded through tsx's scoped tsImport.
const { tsImport } = await import('tsx/esm/api');
await tsImport(new URL('./acoustic-worker.ts', import.meta.url).href, import.meta.url);
