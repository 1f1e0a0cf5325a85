/**
 * A reference client for the relay's HTTP and WebSocket API, used by the tests, the benchmark
 * and the CLI. It checks nothing the relay says — verification belongs to the terminal — but it
 * turns every non-2xx answer into a `RelayRequestError` carrying the relay's error code.
 */
import { fromBase64, toBase64, toHex } from '@hotline/log';
import {
  ClientFrameType,
  decodeDeliveries,
  decodeRelayFrame,
  encodeClientFrame,
  RelayFrameType,
  signLogin,
  type Delivery,
  type RelayFrame,
  type Signer,
} from '@hotline/protocol';
import { WebSocket } from 'ws';

/** How long one HTTP request may take, start to last byte of the headers. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** The relay answered with an error: its HTTP status and its own code (RelayErrorCode, relay-api.md). */
export class RelayRequestError extends Error {
  override readonly name = 'RelayRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The relay's base URL, when the client knows it. */
    readonly url?: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

/**
 * The relay gave no answer: it could not be reached (`unreachable`: connection refused or
 * reset, DNS) or did not answer within the request timeout (`timeout`). Nothing was refused.
 */
export class RelayUnreachableError extends Error {
  override readonly name = 'RelayUnreachableError';
  constructor(
    readonly transport: 'unreachable' | 'timeout',
    readonly url: string,
    cause: unknown,
  ) {
    super(transport === 'timeout' ? `${url} did not answer in time` : `cannot reach ${url}`, { cause });
  }
}

/** fetch's failures, named: a TypeError is a connection that failed; an abort is the timeout. */
function transportFailure(url: string, error: unknown): unknown {
  if (error instanceof TypeError) return new RelayUnreachableError('unreachable', url, error);
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return new RelayUnreachableError('timeout', url, error);
  return error;
}

export interface Receipt {
  readonly seq: number;
  readonly logIndex: number;
  readonly chainHash: Uint8Array;
  readonly receivedAt: number;
  readonly duplicate: boolean;
}

function receiptFrom(json: Record<string, unknown>): Receipt {
  return {
    seq: json['seq'] as number,
    logIndex: json['logIndex'] as number,
    chainHash: fromBase64(json['chainHash'] as string)!,
    receivedAt: json['receivedAt'] as number,
    duplicate: json['duplicate'] as boolean,
  };
}

export class RelayClient {
  token: string | undefined;

  constructor(readonly url: string) {}

  async request(method: string, path: string, body?: Uint8Array | object, auth = true): Promise<Response> {
    const headers: Record<string, string> = {};
    if (auth && this.token !== undefined) headers['authorization'] = `Bearer ${this.token}`;
    let payload: Uint8Array | string | undefined;
    if (body instanceof Uint8Array) {
      headers['content-type'] = 'application/octet-stream';
      payload = body;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    // Bounded: a relay that stops answering must not hang a terminal (or hold its home's lock).
    const send = () => fetch(`${this.url}${path}`, { method, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...(payload === undefined ? {} : { body: payload }) });
    let response: Response;
    try {
      try {
        response = await send();
      } catch (error) {
        // A kept-alive connection the server closed just as it was reused fails the request
        // outright; a read is safe to repeat once on a fresh connection.
        if (method !== 'GET' || !(error instanceof TypeError)) throw error;
        response = await send();
      }
    } catch (error) {
      throw transportFailure(this.url, error);
    }
    if (!response.ok) {
      const text = await response.text();
      let code = 'http_error';
      let message = text;
      try {
        const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
        code = parsed.error?.code ?? code;
        message = parsed.error?.message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new RelayRequestError(response.status, code, message, this.url);
    }
    return response;
  }

  async registerDevice(certificate: Uint8Array): Promise<Receipt> {
    return receiptFrom((await (await this.request('POST', '/v1/devices', certificate, false)).json()) as Record<string, unknown>);
  }

  async revokeDevice(revocation: Uint8Array): Promise<Receipt> {
    return receiptFrom((await (await this.request('POST', '/v1/revocations', revocation, false)).json()) as Record<string, unknown>);
  }

  async login(device: Signer): Promise<void> {
    const deviceKey = toBase64(device.publicKey);
    const issued = (await (await this.request('POST', '/v1/login/challenge', { deviceKey }, false)).json()) as { origin: string; challenge: string };
    const challenge = fromBase64(issued.challenge)!;
    const signature = signLogin(issued.origin, challenge, device);
    const session = (await (await this.request('POST', '/v1/login', { deviceKey, challenge: issued.challenge, signature: toBase64(signature) }, false)).json()) as { token: string };
    this.token = session.token;
  }

  async putMembership(channelId: Uint8Array, membership: Uint8Array): Promise<void> {
    await this.request('PUT', `/v1/channels/${toHex(channelId)}`, membership);
  }

  async submit(channelId: Uint8Array, envelope: Uint8Array): Promise<Receipt> {
    return receiptFrom((await (await this.request('POST', `/v1/channels/${toHex(channelId)}/envelopes`, envelope)).json()) as Record<string, unknown>);
  }

  async envelopes(channelId: Uint8Array, from = 1, limit = 1000): Promise<Delivery[]> {
    const response = await this.request('GET', `/v1/channels/${toHex(channelId)}/envelopes?from=${from}&limit=${limit}`);
    const decoded = decodeDeliveries(new Uint8Array(await response.arrayBuffer()));
    if (!decoded.ok) throw new Error(decoded.error.message);
    return decoded.value;
  }

  async text(path: string): Promise<string> {
    return (await this.request('GET', path, undefined, false)).text();
  }

  async bytes(path: string): Promise<Uint8Array> {
    return new Uint8Array(await (await this.request('GET', path, undefined, false)).arrayBuffer());
  }

  /** Opens the WebSocket (after `login`). */
  connect(): Promise<RelaySocket> {
    return RelaySocket.open(this.url.replace(/^http/, 'ws') + '/v1/ws', this.token);
  }
}

/** Request/response over the relay WebSocket, with deliveries pushed to `onDelivery`. */
export class RelaySocket {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (frame: RelayFrame) => void; reject: (error: Error) => void }>();
  onDelivery: (frame: Extract<RelayFrame, { type: typeof RelayFrameType.delivery }>) => void = () => undefined;
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.onMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of this.waiting.values()) w.reject(new Error(`socket closed ${code} ${reason.toString()}`));
      this.waiting.clear();
    });
  }

  static open(url: string, token: string | undefined): Promise<RelaySocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
      ws.once('open', () => resolve(new RelaySocket(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new RelayRequestError(res.statusCode ?? 0, 'upgrade_refused', `WebSocket upgrade refused with ${res.statusCode}`, url)));
      ws.once('error', (error) => reject(new RelayUnreachableError('unreachable', url, error)));
    });
  }

  private onMessage(bytes: Uint8Array): void {
    const frame = decodeRelayFrame(bytes);
    if (!frame.ok) {
      // Thrown here it would kill the process from inside an event handler: a relay must not
      // be able to do that. Close the socket (1002: protocol error); callers see the close.
      this.ws.close(1002, 'malformed frame');
      return;
    }
    const f = frame.value;
    if (f.type === RelayFrameType.delivery) {
      this.onDelivery(f);
      return;
    }
    const waiter = this.waiting.get(f.requestId);
    if (waiter === undefined) return;
    this.waiting.delete(f.requestId);
    if (f.type === RelayFrameType.error) waiter.reject(new RelayRequestError(f.status, f.code, f.message));
    else waiter.resolve(f);
  }

  private call(build: (requestId: number) => Uint8Array): Promise<RelayFrame> {
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(requestId, { resolve, reject });
      this.ws.send(build(requestId));
    });
  }

  async submit(envelope: Uint8Array): Promise<Receipt> {
    const frame = await this.call((requestId) => encodeClientFrame({ type: ClientFrameType.submit, requestId, envelope }));
    if (frame.type !== RelayFrameType.receipt) throw new Error(`expected a receipt, got frame type ${frame.type}`);
    return frame;
  }

  /**
   * Sends an already-encoded SUBMIT frame (type byte first), writing a fresh request id into
   * bytes 1–4 in place. For load generators that reuse frame buffers.
   */
  async submitFrame(frame: Uint8Array): Promise<Receipt> {
    const reply = await this.call((requestId) => {
      new DataView(frame.buffer, frame.byteOffset, frame.byteLength).setUint32(1, requestId);
      return frame;
    });
    if (reply.type !== RelayFrameType.receipt) throw new Error(`expected a receipt, got frame type ${reply.type}`);
    return reply;
  }

  async subscribe(channelId: Uint8Array, fromSeq: number): Promise<number> {
    const frame = await this.call((requestId) => encodeClientFrame({ type: ClientFrameType.subscribe, requestId, channelId, fromSeq }));
    if (frame.type !== RelayFrameType.subscribed) throw new Error(`expected subscribed, got frame type ${frame.type}`);
    return frame.lastSeq;
  }

  close(): Promise<void> {
    if (this.ws.readyState === this.ws.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
