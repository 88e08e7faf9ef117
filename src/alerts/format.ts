/** The bodies an alert is sent as: generic JSON, Slack (`text`), Discord (`content`), Telegram (`sendMessage`). */
import type { AlertRequest } from '../orchestration/stop-activities';

export function alertText(a: AlertRequest): string {
  const icon = a.level === 'critical' ? '🚨' : a.level === 'warn' ? '⚠️' : 'ℹ️';
  const left = a.remaining.length ? ` · positions left: ${a.remaining.map((p) => `${p.coin} ${p.szi}`).join(', ')}` : '';
  const oo = a.openOrdersLeft > 0 ? ` · open orders left: ${a.openOrdersLeft}` : '';
  return `${icon} hl-executor ${a.outcome}: ${a.message}${left}${oo} (stop ${a.stopWorkflowId})`;
}

export function webhookBody(a: AlertRequest, format: 'json' | 'slack' | 'discord'): unknown {
  const text = alertText(a);
  if (format === 'slack') return { text };
  if (format === 'discord') return { content: text.slice(0, 2000) };
  return { source: 'hl-executor', text, ...a };
}

export function telegramBody(a: AlertRequest, chatId: string): unknown {
  return { chat_id: chatId, text: alertText(a).slice(0, 4096), disable_web_page_preview: true };
}
