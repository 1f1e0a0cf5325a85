/**
 * What every request to the console must pass before anything else looks at it
 * (docs/spec/console-api.md §1): the Host header names this console (a page on another name
 * that resolves to 127.0.0.1 — DNS rebinding — is refused), and a POST comes from this
 * console's own origin with a JSON body (a form on another site can send neither).
 */
import type { IncomingHttpHeaders } from 'node:http';

/** The origins a page of this console has: http://127.0.0.1:PORT and http://localhost:PORT. */
export function ownOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

export function hostAllowed(headers: IncomingHttpHeaders, port: number): boolean {
  return headers.host !== undefined && ownOrigins(port).includes(`http://${headers.host.toLowerCase()}`);
}

/** Why a POST is refused, or undefined if it may go on. */
export function postRefusal(headers: IncomingHttpHeaders, port: number): string | undefined {
  const origin = headers.origin;
  if (origin === undefined) return 'a POST must carry an Origin header';
  if (!ownOrigins(port).includes(origin.toLowerCase())) return `a POST from origin ${JSON.stringify(origin)} is not this console's`;
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return 'a POST must have Content-Type: application/json';
  return undefined;
}

/** No inline script or style, no eval, nothing fetched from anywhere but this console. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'self' data:",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers every answer carries, whatever its status. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
};
