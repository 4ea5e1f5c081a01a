/** server/main.ts as `npm start` runs it: config from env, JSON logs, graceful exit on SIGTERM. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { connect } from '../../client/node/client.ts';
import { CLOSE_CODES } from '../../server/protocol/close-codes.ts';
import { collect } from './helpers/session-run.ts';

const MAIN = join(import.meta.dirname, '../../server/main.ts');

describe('server/main.ts', () => {
  it('starts from env, then on SIGTERM ends live sessions with shutting_down and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        TOLK_MODELS_DIR: '/nonexistent',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const lines = createInterface({ input: child.stdout! });
      let port = 0;
      for await (const line of lines) {
        const log = JSON.parse(line) as { msg?: string; port?: number };
        if (log.msg === 'tolk listening') {
          port = log.port!;
          break;
        }
      }
      expect(port).toBeGreaterThan(0);
      const stream = await connect(`ws://127.0.0.1:${port}/v1/stream`, { sampleRate: 16_000 });
      const events = collect(stream);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const all = await events;
      expect(all.at(-1)).toMatchObject({ type: 'end', reason: 'shutting_down' });
      expect((await stream.closed).code).toBe(CLOSE_CODES.goingAway);
      expect((await exited)[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
