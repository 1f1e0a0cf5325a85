/**
 * Structured JSON logs, one object per line. Never pass plaintext, key material, tokens or
 * request bodies: log what happened and to which object (by hash or index), not its content.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: Level, message: string, fields?: Readonly<Record<string, unknown>>): void;
}

export function jsonLogger(write: (line: string) => void = (line) => process.stderr.write(line), minimum: Level = 'info'): Logger {
  const order: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  return {
    log(level, message, fields = {}) {
      if (order[level] < order[minimum]) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);
    },
  };
}

/**
 * The same events as one readable line each (`time level message key=value …`), for a person
 * at a console; values are JSON-encoded so a line stays one line whatever a field holds.
 */
export function textLogger(write: (line: string) => void = (line) => process.stderr.write(line), minimum: Level = 'info'): Logger {
  const order: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  return {
    log(level, message, fields = {}) {
      if (order[level] < order[minimum]) return;
      const pairs = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' && /^[\w.:/@-]+$/.test(v) ? v : JSON.stringify(v)}`);
      write(`${new Date().toISOString()} ${level} ${message}${pairs.length === 0 ? '' : ` ${pairs.join(' ')}`}\n`);
    },
  };
}

export const silentLogger: Logger = { log: () => undefined };
