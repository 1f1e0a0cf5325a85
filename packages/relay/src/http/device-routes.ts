/** Registration, revocation, lookup and login of devices. */
import { fromBase64, toHex } from '@hotline/log';
import { badRequest, notFound, unauthorized } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Sessions } from '../sessions.js';
import type { AccessSnapshot } from '../storage/access.js';
import type { DirectoryStore } from '../storage/interfaces.js';
import type { Sequenced } from '../storage/records.js';
import { receiptJson } from '../submissions.js';
import { HEX32, hexParam } from './hex.js';
import type { Reply, Request, Route } from './router.js';

/** What devices need: registration and revocation (directory.ts), lookup, login. */
export interface DeviceRouteDeps {
  readonly register: (certificate: Uint8Array) => Promise<Sequenced>;
  readonly revoke: (revocation: Uint8Array) => Promise<Sequenced>;
  readonly directory: Pick<DirectoryStore, 'device' | 'revocation'>;
  readonly access: Pick<AccessSnapshot, 'isActive'>;
  readonly sessions: Pick<Sessions, 'challenge' | 'login'>;
  /** The log's origin: login challenges are signed for this relay only. */
  readonly origin: string;
  readonly logger: Logger;
}

async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  const bytes = await request.body();
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw badRequest('malformed_json', 'body must be a JSON object');
  }
}

function base64Field(body: Record<string, unknown>, name: string, size: number): Uint8Array {
  const value = body[name];
  const bytes = typeof value === 'string' ? fromBase64(value) : undefined;
  if (bytes === undefined || bytes.length !== size) throw badRequest('malformed_json', `"${name}" must be the base64 of ${size} bytes`);
  return bytes;
}

async function register(request: Request, ctx: DeviceRouteDeps): Promise<Reply> {
  const placed = await ctx.register(await request.body());
  return { status: placed.duplicate ? 200 : 201, json: receiptJson(placed) };
}

async function revoke(request: Request, ctx: DeviceRouteDeps): Promise<Reply> {
  const placed = await ctx.revoke(await request.body());
  return { status: placed.duplicate ? 200 : 201, json: receiptJson(placed) };
}

async function lookup(request: Request, ctx: DeviceRouteDeps): Promise<Reply> {
  const device = await ctx.directory.device(hexParam(request.params[0], 32, 'device key'));
  if (device === undefined) throw notFound('unknown_device', 'no device with this key is registered');
  return { headers: { 'content-type': 'application/octet-stream' }, body: device.certificate };
}

/** A logged revocation's bytes by its item hash: public, as certificates are (the log record names the hash). */
async function revocation(request: Request, ctx: DeviceRouteDeps): Promise<Reply> {
  const bytes = await ctx.directory.revocation(hexParam(request.params[0], 32, 'revocation hash'));
  if (bytes === undefined) throw notFound('unknown_revocation', 'no revocation with this hash is logged');
  return { headers: { 'content-type': 'application/octet-stream' }, body: bytes };
}

async function challenge(request: Request, ctx: DeviceRouteDeps): Promise<Reply> {
  const body = await jsonBody(request);
  const deviceKey = base64Field(body, 'deviceKey', 32);
  if (!ctx.access.isActive(deviceKey)) throw unauthorized('device is not registered, revoked or outside its certificate validity');
  const issued = ctx.sessions.challenge(deviceKey);
  return { json: { origin: ctx.origin, challenge: Buffer.from(issued.challenge).toString('base64'), expiresAt: issued.expiresAt } };
}

async function login(request: Request, ctx: DeviceRouteDeps): Promise<Reply> {
  const body = await jsonBody(request);
  const deviceKey = base64Field(body, 'deviceKey', 32);
  const signed = base64Field(body, 'challenge', 32);
  const signature = base64Field(body, 'signature', 64);
  if (!ctx.access.isActive(deviceKey)) throw unauthorized('device is not registered, revoked or outside its certificate validity');
  const session = ctx.sessions.login(deviceKey, signed, signature);
  ctx.logger.log('info', 'device logged in', { device: toHex(deviceKey).slice(0, 16) });
  return { json: session };
}

export function deviceRoutes(deps: DeviceRouteDeps): Route[] {
  return [
    { method: 'POST', pattern: /^\/v1\/devices$/, name: 'register', handler: (r) => register(r, deps) },
    { method: 'POST', pattern: /^\/v1\/revocations$/, name: 'revoke', handler: (r) => revoke(r, deps) },
    { method: 'GET', pattern: new RegExp(`^/v1/devices/${HEX32}$`), name: 'device', handler: (r) => lookup(r, deps) },
    // Any last segment, so a malformed hash gets 400 malformed_path rather than a 404 route miss.
    { method: 'GET', pattern: /^\/v1\/revocations\/([^/]+)$/, name: 'revocation', handler: (r) => revocation(r, deps) },
    { method: 'POST', pattern: /^\/v1\/login\/challenge$/, name: 'challenge', handler: (r) => challenge(r, deps) },
    { method: 'POST', pattern: /^\/v1\/login$/, name: 'login', handler: (r) => login(r, deps) },
  ];
}
