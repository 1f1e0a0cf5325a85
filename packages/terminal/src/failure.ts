/**
 * Any error a terminal operation throws, read as a coded one (errors.ts): what the CLI's one
 * code → exit status table and the console look up. Anything left undefined is a bug, not a
 * failure with a code: the caller lets it surface as one.
 */
import { CatchUpError, HotlineError } from './errors.js';
import { relayFailure } from './relay-api.js';
import { homeBusy, isSqliteBusy } from './store/terminal-db.js';

export function codedError(error: unknown): HotlineError<string> | undefined {
  if (error instanceof CatchUpError) return codedError(error.cause);
  if (error instanceof HotlineError) return error;
  // A write outside Exclusive.run (which names it itself) that waited out the busy timeout.
  if (isSqliteBusy(error)) return homeBusy(error);
  return relayFailure(error);
}
