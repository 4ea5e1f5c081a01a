/** Entry point (`npm start`): load config, start the server, shut down gracefully on signals. */
import { startServer } from './app.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';

const config = loadConfig();
const logger = createLogger(config.logLevel);
const server = await startServer(config, { logger });

let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  // A second signal means "now": skip the grace period.
  if (++signals > 1) process.exit(1);
  logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
  server.close().then(
    () => process.exit(0),
    (err) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
