/**
 * HTTP transport for `/info` and `/exchange` (used when the socket is down, by the stop
 * activities, and by the reconciler). Every response is parsed with zod before anyone sees it;
 * anything else is a typed error that names what went wrong.
 */
import { z } from 'zod';
import { formatZodError } from '../../config/zod-error';
import {
  infoRequest,
  infoResponseSchemas,
  type AllMids,
  type ClearinghouseState,
  type Fill,
  type FrontendOpenOrder,
  type InfoRequest,
  type InfoRequestType,
  type InfoResponseFor,
  type L2Book,
  type Meta,
  type MetaAndAssetCtxs,
  type OpenOrder,
  type OrderStatusResponse,
} from './schemas/info';
import { exchangeResponseSchema } from './schemas/actions';

// ---------------------------------------------------------------- errors

/** A non-2xx answer. `body` is the (truncated) text the venue sent. */
export class VenueHttpError extends Error {
  override name = 'VenueHttpError';
  constructor(
    readonly status: number,
    readonly body: string,
    what = 'venue request',
  ) {
    super(`${what}: HTTP ${status}${body ? ` ${body.slice(0, 200)}` : ''}`);
  }
}

/** HTTP 429 (IP weight exceeded) or a WS post answered `429 Too Many Requests`. Retry later, slower. */
export class RateLimitedError extends VenueHttpError {
  override name = 'RateLimitedError';
  constructor(body: string, what = 'venue request') {
    super(429, body, what);
  }
}

/** No answer within the deadline; for actions the outcome is unknown (reconcile by cloid). */
export class VenueTimeoutError extends Error {
  override name = 'VenueTimeoutError';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what}: no answer within ${timeoutMs} ms`);
  }
}

/** A 2xx answer that is not valid JSON or does not match the schema; the message names the field. */
export class VenueResponseError extends Error {
  override name = 'VenueResponseError';
  constructor(
    readonly what: string,
    readonly detail: string,
  ) {
    super(`${what}: unexpected response: ${detail}`);
  }
}

// ---------------------------------------------------------------- /exchange envelope

const signatureSchema = z.object({
  r: z.string().regex(/^0x[0-9a-fA-F]{1,64}$/),
  s: z.string().regex(/^0x[0-9a-fA-F]{1,64}$/),
  v: z.union([z.literal(27), z.literal(28)]),
});

/**
 * The signed /exchange body: `{action, nonce, signature, vaultAddress?, expiresAfter?}`. Only the
 * envelope is checked here (cheap, on the order path); the action itself was built by our builders.
 */
export const exchangeRequestSchema = z.object({
  action: z.looseObject({ type: z.string().min(1) }),
  nonce: z.number().int().nonnegative(),
  signature: signatureSchema,
  vaultAddress: z.string().regex(/^0x[0-9a-fA-F]{40}$/).nullable().optional(),
  expiresAfter: z.number().int().nonnegative().nullable().optional(),
});
export type ExchangeRequest = z.infer<typeof exchangeRequestSchema>;

/**
 * The /exchange (and WS post `action`) answer, as the foundation defines it (schemas/actions.ts).
 * A rejected order still comes back `status:"ok"` with the error inside `statuses[i]`;
 * `status:"err"` carries one text for the whole action.
 */
export { exchangeResponseSchema };
export type ExchangeResponse = z.infer<typeof exchangeResponseSchema>;

export function parseExchangeResponse(json: unknown, what = 'exchange'): ExchangeResponse {
  const r = exchangeResponseSchema.safeParse(json);
  if (!r.success) throw new VenueResponseError(what, formatZodError(r.error));
  return r.data;
}

export function parseInfoResponse<T extends InfoRequestType>(type: T, json: unknown): InfoResponseFor<T> {
  const schema = infoResponseSchemas[type] as unknown as z.ZodType<InfoResponseFor<T>>;
  const r = schema.safeParse(json);
  if (!r.success) throw new VenueResponseError(`info ${type}`, formatZodError(r.error));
  return r.data;
}

export function validateInfoRequest(req: unknown): InfoRequest {
  const r = infoRequest.safeParse(req);
  if (!r.success) throw new TypeError(`info request: ${formatZodError(r.error)}`);
  return r.data;
}

export function validateExchangeRequest(body: unknown): ExchangeRequest {
  const r = exchangeRequestSchema.safeParse(body);
  if (!r.success) throw new TypeError(`exchange request: ${formatZodError(r.error)}`);
  return r.data;
}

// ---------------------------------------------------------------- client

export interface HttpClientOpts {
  /** per request, default 10 s */
  timeoutMs?: number;
}

export type InfoRequestOf<T extends InfoRequestType> = Extract<InfoRequest, { type: T }>;

/** The typed info helpers; implemented over HTTP here and over WS-or-HTTP by VenueClient. */
export abstract class InfoApi {
  abstract info<T extends InfoRequestType>(req: InfoRequestOf<T>, opts?: { timeoutMs?: number }): Promise<InfoResponseFor<T>>;

  meta(): Promise<Meta> {
    return this.info({ type: 'meta' });
  }
  metaAndAssetCtxs(): Promise<MetaAndAssetCtxs> {
    return this.info({ type: 'metaAndAssetCtxs' });
  }
  clearinghouseState(user: string): Promise<ClearinghouseState> {
    return this.info({ type: 'clearinghouseState', user });
  }
  openOrders(user: string): Promise<OpenOrder[]> {
    return this.info({ type: 'openOrders', user });
  }
  frontendOpenOrders(user: string): Promise<FrontendOpenOrder[]> {
    return this.info({ type: 'frontendOpenOrders', user });
  }
  orderStatus(user: string, oidOrCloid: number | string): Promise<OrderStatusResponse> {
    return this.info({ type: 'orderStatus', user, oid: oidOrCloid });
  }
  userFills(user: string): Promise<Fill[]> {
    return this.info({ type: 'userFills', user });
  }
  userFillsByTime(user: string, startTime: number, endTime?: number): Promise<Fill[]> {
    return this.info({ type: 'userFillsByTime', user, startTime, ...(endTime !== undefined ? { endTime } : {}) });
  }
  allMids(): Promise<AllMids> {
    return this.info({ type: 'allMids' });
  }
  l2Book(coin: string): Promise<L2Book> {
    return this.info({ type: 'l2Book', coin });
  }
}

export class HttpClient extends InfoApi {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  /** counters for status views and tests */
  readonly counters = { requests: 0, errors: 0, rateLimited: 0, timeouts: 0 };

  constructor(baseUrl: string, opts: HttpClientOpts = {}) {
    super();
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  async info<T extends InfoRequestType>(req: InfoRequestOf<T>, opts: { timeoutMs?: number } = {}): Promise<InfoResponseFor<T>> {
    const body = validateInfoRequest(req);
    const json = await this.postJson('/info', body, `info ${body.type}`, opts.timeoutMs);
    return parseInfoResponse(body.type as T, json);
  }

  /** POST /exchange with an already signed body; the venue's verdict is parsed, never assumed. */
  async exchange(body: ExchangeRequest, opts: { timeoutMs?: number } = {}): Promise<ExchangeResponse> {
    const valid = validateExchangeRequest(body);
    const json = await this.postJson('/exchange', valid, `exchange ${valid.action.type}`, opts.timeoutMs);
    return parseExchangeResponse(json, `exchange ${valid.action.type}`);
  }

  private async postJson(path: string, body: unknown, what: string, timeoutMs = this.timeoutMs): Promise<unknown> {
    this.counters.requests++;
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.baseUrl + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: ctl.signal,
      });
      text = await res.text();
    } catch (e) {
      this.counters.errors++;
      if (ctl.signal.aborted) {
        this.counters.timeouts++;
        throw new VenueTimeoutError(what, timeoutMs);
      }
      // network errors carry only the cause's message: never the request body (it holds a signature)
      throw new VenueHttpError(0, (e as Error)?.message ?? String(e), what);
    } finally {
      clearTimeout(timer);
    }
    if (res.status === 429) {
      this.counters.errors++;
      this.counters.rateLimited++;
      throw new RateLimitedError(text, what);
    }
    if (!res.ok) {
      this.counters.errors++;
      throw new VenueHttpError(res.status, text, what);
    }
    try {
      return JSON.parse(text);
    } catch {
      this.counters.errors++;
      throw new VenueResponseError(what, `not JSON: ${text.slice(0, 120)}`);
    }
  }
}
