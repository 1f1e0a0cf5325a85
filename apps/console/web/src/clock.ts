/**
 * The terminal's clock as the page reads it: countdowns and alarm timers are drawn from the
 * terminal's `now` (session, then each board) plus the time elapsed on the page since — never
 * from the page's clock alone (console-api.md §2, issue 13 item 4).
 */
import { useEffect, useState } from 'preact/hooks';

let offset = 0;

/** Records a terminal time just received: offset = terminal now − page now. */
export function syncClock(terminalNow: number): void {
  if (Number.isFinite(terminalNow)) offset = terminalNow - Date.now();
}

/** The terminal's clock now, as far as the page can tell. */
export function terminalNow(): number {
  return Date.now() + offset;
}

/** Page milliseconds until the terminal's clock reads `at` (negative if past). */
export function msUntil(at: number): number {
  return at - terminalNow();
}

/** The terminal's time, re-rendering every `everyMs` while `active`. */
export function useTerminalNow(everyMs: number, active = true): number {
  const [now, setNow] = useState(terminalNow);
  useEffect(() => {
    if (!active) return undefined;
    setNow(terminalNow());
    const timer = setInterval(() => setNow(terminalNow()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs, active]);
  return now;
}
