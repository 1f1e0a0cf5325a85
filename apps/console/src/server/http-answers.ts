/** Small helpers for the console's answers: every one carries the security headers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from './guards.js';

export function answer(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers });
  res.end(body);
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  answer(res, status, { 'content-type': 'application/json; charset=utf-8' }, `${JSON.stringify(body)}\n`);
}

export function failure(res: ServerResponse, status: number, code: string, error: string): void {
  json(res, status, { error, code });
}

/** A request body is at most one message's text and a few fields: 256 KiB is far beyond them. */
const MAX_BODY_BYTES = 256 * 1024;

/** The JSON object a POST carries, or a string saying what is wrong with it. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown> | string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) return `the request body is over ${MAX_BODY_BYTES} bytes`;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return 'the request body is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the request body must be a JSON object';
  return value as Record<string, unknown>;
}
