/**
 * A small structured logger. One line per event: with HLX_LOG_FORMAT=json (or `setLogFormat('json')`,
 * from the session YAML's `observability.log.format`; the variable wins) one JSON object per line
 * `{t, level, component, msg, ...fields}`; otherwise `time level component message key=value`.
 *
 * Every line passes through `redactSecrets`: anything shaped like a secp256k1 private key
 * (64 hex digits, with or without 0x) is replaced, so a key can never reach a log by accident.
 * Addresses (40 hex) and hashes we print on purpose are 64 hex too, so fields that legitimately
 * carry 32-byte hex (tx hashes, connection ids, r/s) must be logged via `safeHex()`.
 */
import type { z } from 'zod';
import { ENV_SCHEMAS } from '../config/env';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const KEY_RE = /(0x)?[0-9a-fA-F]{64}(?![0-9a-fA-F])/g;
const SAFE_MARK = '\u2063'; // invisible separator inserted by safeHex() so KEY_RE does not match

export function redactSecrets(s: string): string {
  return s.replace(KEY_RE, '[REDACTED-64-HEX]');
}

/** Mark a 32-byte hex value (hash, r, s) as public so the redactor leaves it readable. */
export function safeHex(h: string): string {
  return h.length > 34 ? `${h.slice(0, 34)}${SAFE_MARK}${h.slice(34)}` : h;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(component: string): Logger;
}

export interface LogSink {
  write(line: string): void;
}

const stderrSink: LogSink = { write: (line) => process.stderr.write(line + '\n') };
let globalSink: LogSink = stderrSink;
/** Tests capture every line a component writes (to prove no secret is logged). */
export function setLogSink(sink: LogSink | undefined): void {
  globalSink = sink ?? stderrSink;
}

let configuredFormat: 'text' | 'json' | undefined;
/** The format from a config file; HLX_LOG_FORMAT, when set, still wins. */
export function setLogFormat(f: 'text' | 'json' | undefined): void {
  configuredFormat = f;
}
/**
 * HLX_LOG_FORMAT / HLX_LOG_LEVEL through src/config/env.ts. A logger must not throw on every line,
 * so a bad value falls back (text, info) but says so once on stderr, naming the variable.
 */
const warnedBad = new Set<string>();
function logEnv<K extends 'HLX_LOG_FORMAT' | 'HLX_LOG_LEVEL'>(name: K, raw: string | undefined): z.output<(typeof ENV_SCHEMAS)[K]> | undefined {
  const r = ENV_SCHEMAS[name].safeParse(raw === '' ? undefined : raw);
  if (r.success) return r.data as z.output<(typeof ENV_SCHEMAS)[K]>;
  if (!warnedBad.has(name)) {
    warnedBad.add(name);
    process.stderr.write(`${name}: ${r.error.issues[0]?.message ?? 'invalid'}; ignored\n`);
  }
  return undefined;
}

function jsonLines(): boolean {
  return (logEnv('HLX_LOG_FORMAT', process.env.HLX_LOG_FORMAT) ?? configuredFormat) === 'json';
}

function minLevel(): LogLevel {
  return logEnv('HLX_LOG_LEVEL', process.env.HLX_LOG_LEVEL?.toLowerCase()) ?? 'info';
}

function fmtValue(v: unknown): string {
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Error) return JSON.stringify(`${v.name}: ${v.message}`);
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  } catch {
    return String(v);
  }
}

/** One JSON object: the fixed keys cannot be overwritten by a field; a field that cannot be serialised is named, not thrown. */
function jsonLine(level: LogLevel, component: string, msg: string, fields?: Record<string, unknown>): string {
  const fixed = { t: new Date().toISOString(), level, component, msg };
  const replacer = (_k: string, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Error ? `${x.name}: ${x.message}` : x);
  try {
    return JSON.stringify({ ...fixed, ...fields, ...fixed }, replacer);
  } catch (e) {
    return JSON.stringify({ ...fixed, logError: `fields not serialisable: ${(e as Error).message}` });
  }
}

export function createLogger(component: string): Logger {
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < ORDER[minLevel()]) return;
    let line: string;
    if (jsonLines()) {
      line = jsonLine(level, component, msg, fields);
    } else {
      const kv = fields ? Object.entries(fields).map(([k, v]) => ` ${k}=${fmtValue(v)}`).join('') : '';
      line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${component} ${msg}${kv}`;
    }
    globalSink.write(redactSecrets(line).split(SAFE_MARK).join(''));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (c) => createLogger(`${component}.${c}`),
  };
}
