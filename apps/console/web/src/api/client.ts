/**
 * The page's only way out: same-origin fetches to its terminal (CSP connect-src 'self'). The
 * session cookie goes with every request; POSTs carry JSON, which with the browser's Origin
 * header is what the server's CSRF check wants (console-api.md §1).
 */
import type { Board, Evidence, Language, Session, TranscriptPage } from './types.js';

/** A refusal or failure in words, with the server's code when it gave one. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
  }
}

async function readError(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`.trim();
  let code: string | null = null;
  try {
    const body = (await response.json()) as { error?: unknown; code?: unknown };
    if (typeof body.error === 'string') message = body.error;
    if (typeof body.code === 'string') code = body.code;
  } catch {
    // Not JSON (a 401's plain text): the status says enough.
  }
  return new ApiError(message, response.status, code);
}

export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!response.ok) throw await readError(response);
  return (await response.json()) as T;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await readError(response);
  return (await response.json()) as T;
}

export const getSession = () => getJson<Session>('/api/session');
export const getBoard = () => getJson<Board>('/api/board');

export function getTranscript(channel: string, options: { last?: number; before?: number; all?: boolean } = {}): Promise<TranscriptPage> {
  const q = new URLSearchParams();
  if (options.last !== undefined) q.set('last', String(options.last));
  if (options.before !== undefined) q.set('before', String(options.before));
  if (options.all === true) q.set('all', '1');
  const query = q.toString();
  return getJson<TranscriptPage>(`/api/channels/${encodeURIComponent(channel)}/transcript${query === '' ? '' : `?${query}`}`);
}

export const getEvidence = (channel: string, seq: number) => getJson<Evidence>(`/api/channels/${encodeURIComponent(channel)}/statements/${seq}/evidence`);

export type CommandName = 'send' | 'draft' | 'approve' | 'ack' | 'freeze' | 'unfreeze' | 'edit' | 'close' | 'read' | 'export';

/** Runs a terminal command; resolves to its --json result, rejects with its error in words. */
export async function command(name: CommandName, body: Record<string, unknown>): Promise<unknown> {
  const answer = await postJson<{ exit: number; result?: unknown }>(`/api/commands/${name}`, body);
  return answer.result ?? null;
}

export const setLanguage = (language: Language) => postJson<unknown>('/api/preferences', { language });

export const exportUrl = (file: string) => `/api/exports/${encodeURIComponent(file)}`;
