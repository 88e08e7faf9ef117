/**
 * Alert sinks, parsed with zod: from the session config (`alerts.sinks`, carried in the workflow
 * input, so no secret belongs there — it lands in the workflow history) and from the stop
 * worker's environment (where secrets and commands belong: a command is never taken from a
 * workflow payload, or anyone able to start a workflow could run programs on the stop worker).
 *
 *   HLX_ALERT_WEBHOOK_URL=url[,url…]   HLX_ALERT_WEBHOOK_FORMAT=json|slack|discord (default json)
 *   HLX_ALERT_TELEGRAM_URL=https://api.telegram.org/bot<token>   HLX_ALERT_TELEGRAM_CHAT_ID=…
 *   HLX_ALERT_COMMAND='…'   (run by /bin/sh; the alert as JSON on stdin and in HLX_ALERT_JSON)
 *   HLX_ALERT_MIN_INTERVAL_MS (the stop's "still not flat" alerts at most this often; session config wins)
 */
import { z } from 'zod';
import { formatZodError } from '../config/zod-error';

const HttpUrl = z.string().url().refine((u) => /^https?:\/\//i.test(u), 'an http(s) URL');

export const WebhookSink = z.object({ kind: z.literal('webhook'), url: HttpUrl, format: z.enum(['json', 'slack', 'discord']).default('json') }).strict();
export const TelegramSink = z
  .object({ kind: z.literal('telegram'), url: HttpUrl.describe('the bot API base, e.g. https://api.telegram.org/bot<token>'), chatId: z.string().min(1) })
  .strict();
/** Sinks a session config may name (no commands: see above). */
export const PayloadSink = z.discriminatedUnion('kind', [WebhookSink, TelegramSink]);
export type PayloadSink = z.infer<typeof PayloadSink>;

export const AlertsConfig = z
  .object({
    sinks: z.array(PayloadSink).default([]),
    /** a stuck stop alerts at most this often (ms) */
    minIntervalMs: z.number().int().nonnegative().default(60_000),
  })
  .strict();
export type AlertsConfig = z.infer<typeof AlertsConfig>;

export type EnvSink = PayloadSink | { kind: 'command'; command: string };

export const AlertEnv = z.object({
  HLX_ALERT_WEBHOOK_URL: z.string().optional(),
  HLX_ALERT_WEBHOOK_FORMAT: z.enum(['json', 'slack', 'discord']).default('json'),
  HLX_ALERT_TELEGRAM_URL: HttpUrl.optional(),
  HLX_ALERT_TELEGRAM_CHAT_ID: z.string().min(1).optional(),
  HLX_ALERT_COMMAND: z.string().min(1).optional(),
});

export class AlertConfigError extends Error {
  override name = 'AlertConfigError';
}

/** The stop worker's own sinks; an error names the variable. */
export function alertSinksFromEnv(env: NodeJS.ProcessEnv = process.env): EnvSink[] {
  const r = AlertEnv.safeParse(env);
  if (!r.success) throw new AlertConfigError(`alert sinks: ${formatZodError(r.error)}`);
  const e = r.data;
  const sinks: EnvSink[] = [];
  for (const url of (e.HLX_ALERT_WEBHOOK_URL ?? '').split(',').map((u) => u.trim()).filter(Boolean)) {
    const w = WebhookSink.safeParse({ kind: 'webhook', url, format: e.HLX_ALERT_WEBHOOK_FORMAT });
    if (!w.success) throw new AlertConfigError(`alert sinks: HLX_ALERT_WEBHOOK_URL: ${w.error.issues[0]?.message ?? 'invalid'}`);
    sinks.push(w.data);
  }
  if (e.HLX_ALERT_TELEGRAM_URL || e.HLX_ALERT_TELEGRAM_CHAT_ID) {
    if (!e.HLX_ALERT_TELEGRAM_URL || !e.HLX_ALERT_TELEGRAM_CHAT_ID) throw new AlertConfigError('alert sinks: HLX_ALERT_TELEGRAM_URL and HLX_ALERT_TELEGRAM_CHAT_ID go together');
    sinks.push({ kind: 'telegram', url: e.HLX_ALERT_TELEGRAM_URL, chatId: e.HLX_ALERT_TELEGRAM_CHAT_ID });
  }
  if (e.HLX_ALERT_COMMAND) sinks.push({ kind: 'command', command: e.HLX_ALERT_COMMAND });
  return sinks;
}

/** A sink's name in logs and heartbeats: never the URL itself (it may hold a token). */
export function sinkName(s: EnvSink, i: number, from: 'session' | 'env'): string {
  const host = s.kind === 'command' ? '' : safeHost(s.url);
  return `${from}:${i}:${s.kind}${host ? `@${host}` : ''}`;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
