/**
 * Replay source: feeds recorded signals from a JSONL file, one per line. Each line is either a
 * signal object or `{"delayMs": n, "signal": {...}}`; lines are zod-validated, and a bad line is
 * reported with its line number and skipped. Blank lines and lines starting with `#` are ignored.
 */
import * as fs from 'node:fs';
import { z } from 'zod';
import { formatZodError } from '../config/zod-error';
import { SignalSchema, type SignalInput } from '../executor/signal';
import type { Strategy, StrategyContext } from './strategy';

const WrappedLine = z.object({ delayMs: z.number().int().nonnegative().default(0), signal: SignalSchema }).strict();

export interface ReplayItem {
  line: number;
  delayMs: number;
  signal: SignalInput;
}
export interface ReplayLineError {
  line: number;
  message: string;
}

export function parseReplayJsonl(text: string): { items: ReplayItem[]; errors: ReplayLineError[] } {
  const items: ReplayItem[] = [];
  const errors: ReplayLineError[] = [];
  text.split(/\r?\n/).forEach((raw, idx) => {
    const line = idx + 1;
    const s = raw.trim();
    if (s === '' || s.startsWith('#')) return;
    let obj: unknown;
    try {
      obj = JSON.parse(s);
    } catch (e) {
      errors.push({ line, message: `not JSON: ${(e as Error).message}` });
      return;
    }
    const wrapped = typeof obj === 'object' && obj !== null && 'signal' in obj;
    const r = wrapped ? WrappedLine.safeParse(obj) : SignalSchema.safeParse(obj);
    if (!r.success) {
      errors.push({ line, message: formatZodError(r.error) });
      return;
    }
    if (wrapped) {
      const w = r.data as z.output<typeof WrappedLine>;
      items.push({ line, delayMs: w.delayMs, signal: w.signal });
    } else items.push({ line, delayMs: 0, signal: r.data as SignalInput });
  });
  return { items, errors };
}

export function loadReplayFile(file: string): { items: ReplayItem[]; errors: ReplayLineError[] } {
  return parseReplayJsonl(fs.readFileSync(file, 'utf8'));
}

export class ReplayStrategy implements Strategy {
  readonly name = 'replay';
  private i = 0;
  private nextAt: number | null = null;

  constructor(
    private readonly items: readonly ReplayItem[],
    private readonly intervalMs = 0,
  ) {}

  get remaining(): number {
    return this.items.length - this.i;
  }

  onTick(ctx: StrategyContext): SignalInput[] {
    const out: SignalInput[] = [];
    while (this.i < this.items.length) {
      const it = this.items[this.i];
      if (this.nextAt === null) this.nextAt = ctx.now + it.delayMs;
      if (ctx.now < this.nextAt) break;
      out.push(it.signal);
      this.i++;
      this.nextAt = null;
      if (this.intervalMs > 0) {
        this.nextAt = ctx.now + this.intervalMs + (this.items[this.i]?.delayMs ?? 0);
        break;
      }
    }
    return out;
  }
}
