/** pino logger factory; the level comes from Config, never from env here. */
import { type Logger, pino } from 'pino';
import type { Config } from './config.ts';

export type { Logger };

export function createLogger(level: Config['logLevel']): Logger {
  return pino({ level, base: { service: 'tolk' } });
}
