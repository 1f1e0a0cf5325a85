/** A file the command was pointed at, or a coded error naming it (exit 2), never a stack trace. */
import { readFileSync } from 'node:fs';
import { CliError } from '../failures.js';

export function readBytes(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new CliError('unreadable_file', `cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
