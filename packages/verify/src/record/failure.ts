/**
 * How a check stops: each step is straight-line code that calls `stop(...)` at the first thing
 * wrong, and verifyRecordBundle turns that one exception into the typed failure. Only
 * RecordStop is caught there; anything else is a bug and is rethrown.
 */
import type { RecordFailure, RecordStep } from './types.js';

export class RecordStop extends Error {
  constructor(readonly failure: RecordFailure) {
    super(failure.message);
  }
}

/** Fails the bundle at `step`, naming `item`; `detail` says what is wrong with it. */
export function stop(step: RecordStep, item: string, code: string, detail: string): never {
  throw new RecordStop({ step, item, code, message: `${item}: ${detail}` });
}
