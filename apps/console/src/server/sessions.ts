/**
 * Console sessions (docs/spec/console-api.md §1): a session is 32 random bytes, shown as 64 hex.
 * `hotline console` gets one from the running terminal over the home's local socket (which only
 * the home's owner can reach), so holding a token means holding the home. The page trades it
 * for an HttpOnly, SameSite=Strict cookie once; after that the token is in no URL.
 *
 * Sessions live in this process only: a restarted terminal knows none, and the page must get a
 * new one — a token copied from an old terminal's output opens nothing.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Cookies are scoped by host, not port: every console on 127.0.0.1 would share one cookie name
 * and log the others out. The port in the name keeps each console's session to itself.
 */
export function cookieName(port: number): string {
  return `hotline_console_${port}`;
}
const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

export class Sessions {
  private readonly tokens: Buffer[] = [];

  /** A new session's token (64 hex). */
  create(): string {
    const token = randomBytes(32);
    this.tokens.push(token);
    return token.toString('hex');
  }

  /** True if `token` is one this process issued; compared in constant time. */
  valid(token: string | undefined): boolean {
    if (token === undefined || !TOKEN_PATTERN.test(token)) return false;
    const candidate = Buffer.from(token, 'hex');
    let found = false;
    for (const t of this.tokens) found = timingSafeEqual(t, candidate) || found;
    return found;
  }
}

/** The session token a request carries: the cookie, or `Authorization: Bearer` (tools, tests). */
export function presentedToken(headers: { cookie?: string | undefined; authorization?: string | undefined }, port: number): string | undefined {
  const bearer = /^Bearer ([0-9a-f]{64})$/.exec(headers.authorization ?? '');
  if (bearer !== null) return bearer[1];
  for (const part of (headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === cookieName(port)) return value;
  }
  return undefined;
}

/** The Set-Cookie value that holds a session for the page of the console on `port`. */
export function sessionCookie(token: string, port: number): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
