/** Starts a real tolk server on 127.0.0.1:0 with the energy front-end double. */
import { type RunningServer, type ServerDeps, startServer } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { createEnergyFrontend } from './energy-frontend.ts';

export interface TestServer {
  server: RunningServer;
  url: string;
  httpUrl: string;
}

export async function startTestServer(
  env: Record<string, string> = {},
  deps: ServerDeps = {},
): Promise<TestServer> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    TOLK_MODELS_DIR: '/nonexistent-tolk-models',
    TOLK_SPEECH_START_MS: '50',
    TOLK_HANGOVER_MS: '200',
    ...env,
  });
  const server = await startServer(config, { createFrontend: createEnergyFrontend, ...deps });
  return {
    server,
    url: `ws://127.0.0.1:${server.port}/v1/stream`,
    httpUrl: `http://127.0.0.1:${server.port}`,
  };
}
