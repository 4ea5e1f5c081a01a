/**
 * Picks the fastest TensorFlow.js backend this host can load: tfjs-node-gpu (CUDA hosts),
 * then tfjs-node (libtensorflow on CPU), else the wasm backend with SIMD. The two native
 * packages are optional dependencies whose install step downloads libtensorflow, so on hosts
 * without network they are simply absent and we fall back without failing.
 */
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  /** The package that provided the backend. */
  pkg: string;
  /** For wasm: whether SIMD is in use; threads are never available for wasm in Node. */
  simd?: boolean;
  /** Why the preferred native packages were skipped, for the start-up line. */
  skipped: string[];
}

export interface BackendOptions {
  /** Force a backend instead of trying the native ones first (tests pin `wasm`). */
  prefer?: 'auto' | 'wasm' | 'cpu';
  /** Print the one-line choice to stderr (default true). */
  announce?: boolean;
}

let current: Promise<BackendInfo> | undefined;

/** Idempotent: the first call decides, later calls return the same choice. */
export function initBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  current ??= choose(opts);
  return current;
}

async function tryNative(pkg: string, backend: string, skipped: string[]): Promise<boolean> {
  try {
    // A variable specifier keeps the type checker and bundlers from requiring the package.
    const spec: string = pkg;
    await import(spec);
  } catch (err) {
    skipped.push(`${pkg}: ${firstLine(err)}`);
    return false;
  }
  // The native package registers into its own copy of tfjs-core when versions differ;
  // then our `tf` never sees it and using it would silently run on another engine.
  if (!tf.findBackend(backend)) {
    skipped.push(`${pkg}: loaded but registered into a different @tensorflow/tfjs-core copy`);
    return false;
  }
  return tf.setBackend(backend);
}

async function choose(opts: BackendOptions): Promise<BackendInfo> {
  const prefer = opts.prefer ?? (process.env.TOLK_TRAIN_BACKEND as BackendOptions['prefer']) ?? 'auto';
  const skipped: string[] = [];
  let info: BackendInfo | undefined;
  if (prefer === 'auto') {
    if (await tryNative('@tensorflow/tfjs-node-gpu', 'tensorflow', skipped)) {
      info = { name: 'tensorflow-gpu', pkg: '@tensorflow/tfjs-node-gpu', skipped };
    } else if (await tryNative('@tensorflow/tfjs-node', 'tensorflow', skipped)) {
      info = { name: 'tensorflow', pkg: '@tensorflow/tfjs-node', skipped };
    }
  }
  if (!info && prefer !== 'cpu') {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      info = { name: 'wasm', pkg: '@tensorflow/tfjs-backend-wasm', simd, skipped };
    }
  }
  if (!info) {
    await tf.setBackend('cpu');
    info = { name: 'cpu', pkg: '@tensorflow/tfjs-backend-cpu', skipped };
  }
  await tf.ready();
  if (opts.announce ?? true) process.stderr.write(`[train] ${describeBackend(info)}\n`);
  return info;
}

export function describeBackend(info: BackendInfo): string {
  const extra = info.name === 'wasm' ? ` (SIMD ${info.simd ? 'on' : 'off'}, 1 thread per worker)` : '';
  const why =
    info.skipped.length && info.name !== 'tensorflow-gpu' ? `; skipped ${info.skipped.join('; ')}` : '';
  return `backend ${info.name} via ${info.pkg}${extra}${why}`;
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0].slice(0, 160);
}
