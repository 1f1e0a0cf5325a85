/**
 * `--log-format json|text` for the long-running commands (relay, witness, terminal): JSON lines
 * for machines (the default: what a supervisor collects), or one readable line per event.
 * Either way the logs carry what happened and to which object — never plaintext, key material,
 * tokens or request bodies.
 */
import { jsonLogger, textLogger, type Logger } from '@hotline/relay';
import { UsageError, type OptionSpec, type ParsedArgs } from './args.js';

export const LOG_FORMAT_OPTION: OptionSpec = { name: 'log-format', type: 'string', placeholder: 'F', default: 'json', description: 'json (one object per line) or text, on standard error' };

export function serverLogger(args: ParsedArgs): Logger {
  const format = args.values.get('log-format') ?? 'json';
  if (format === 'json') return jsonLogger();
  if (format === 'text') return textLogger();
  throw new UsageError(`--log-format must be json or text, got ${JSON.stringify(format)}`);
}
