/** Delivering one alert to one sink: an HTTP POST (webhook, Telegram bot API) or a command. */
import { spawn } from 'node:child_process';
import type { AlertRequest } from '../orchestration/stop-activities';
import type { EnvSink } from './config';
import { telegramBody, webhookBody } from './format';

const TIMEOUT_MS = 10_000;

async function postJson(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  // the body is read so the connection is released; its text says why a sink refused
  const text = await res.text().catch(() => '');
  if (!res.ok) throw new Error(`HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
}

function runCommand(command: string, a: AlertRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const json = JSON.stringify(a);
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, HLX_ALERT_JSON: json } });
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.stderr!.on('data', (d) => (err = (err + d).slice(-500)));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`alert command exited ${code ?? signal}${err ? `: ${err.trim()}` : ''}`));
    });
    child.stdin!.on('error', () => {}); // a command that does not read stdin is fine
    child.stdin!.end(json);
  });
}

export async function deliverToSink(sink: EnvSink, a: AlertRequest): Promise<void> {
  switch (sink.kind) {
    case 'webhook':
      return postJson(sink.url, webhookBody(a, sink.format ?? 'json'));
    case 'telegram':
      return postJson(`${sink.url.replace(/\/+$/, '')}/sendMessage`, telegramBody(a, sink.chatId));
    case 'command':
      return runCommand(sink.command, a);
  }
}
