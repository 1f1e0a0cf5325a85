/** The console's reads (docs/spec/console-api.md §2): typed views of the terminal, as JSON. */
import type { ServerResponse } from 'node:http';
import type { ConsoleBackend } from './backend.js';
import { failure, json } from './http-answers.js';

const CHANNEL = /^\/api\/channels\/([^/]+)\/transcript$/;
const EVIDENCE = /^\/api\/channels\/([^/]+)\/statements\/(\d{1,15})\/evidence$/;

function wholeNumber(url: URL, name: string, min: number, max: number): number | undefined | string {
  const v = url.searchParams.get(name);
  if (v === null) return undefined;
  if (!/^\d{1,15}$/.test(v) || Number(v) < min || Number(v) > max) return `${name} must be a whole number from ${min} to ${max}`;
  return Number(v);
}

/** Answers a GET under /api/ (other than the event stream); false if no route matches. */
export function readRoute(url: URL, backend: ConsoleBackend, res: ServerResponse): boolean {
  if (url.pathname === '/api/session') return (json(res, 200, backend.session()), true);
  if (url.pathname === '/api/board') return (json(res, 200, backend.board()), true);
  const transcript = CHANNEL.exec(url.pathname);
  if (transcript !== null) {
    const last = wholeNumber(url, 'last', 1, 1000);
    const before = wholeNumber(url, 'before', 1, Number.MAX_SAFE_INTEGER);
    const bad = [last, before].find((v) => typeof v === 'string');
    if (bad !== undefined) return (failure(res, 400, 'bad_request', bad as string), true);
    const view = backend.transcript(decodeURIComponent(transcript[1]!), {
      ...(last === undefined ? {} : { last: last as number }),
      ...(before === undefined ? {} : { before: before as number }),
      all: url.searchParams.get('all') === '1',
    });
    if (view === undefined) return (failure(res, 404, 'channel_not_found', `this terminal has no channel ${JSON.stringify(decodeURIComponent(transcript[1]!))}`), true);
    return (json(res, 200, view), true);
  }
  const evidence = EVIDENCE.exec(url.pathname);
  if (evidence !== null) {
    const view = backend.evidence(decodeURIComponent(evidence[1]!), Number(evidence[2]));
    if (view === undefined) return (failure(res, 404, 'not_found', `this terminal archived no statement at seq ${evidence[2]} of ${JSON.stringify(decodeURIComponent(evidence[1]!))}`), true);
    return (json(res, 200, view), true);
  }
  return false;
}
