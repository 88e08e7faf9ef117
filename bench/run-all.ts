/**
 * `make bench`: runs every benchmark, each in its own process (so one's heap and JIT state do not
 * colour another's), then gathers their `.run/bench/<name>.json` rows into one markdown table,
 * bench/RESULTS.md, headed by the machine it ran on. A benchmark that fails is reported as failed
 * in the table and makes the run exit non-zero; its figures are never carried over from an old run.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';

const ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(ROOT, '.run', 'bench');

/** In the order the data flows: signing, gates, wire, venue, stop. */
const BENCHES: { name: string; what: string; cmd: string[] }[] = [
  { name: 'sign', what: 'L1 signing vs @nktkas/hyperliquid', cmd: ['npx', 'tsx', 'bench/sign.bench.ts'] },
  { name: 'hotpath', what: 'gates and tick → signed batch', cmd: ['npx', 'tsx', 'bench/hotpath.bench.ts'] },
  { name: 'post', what: 'post round trip on loopback', cmd: ['npx', 'tsx', 'bench/post.bench.ts'] },
  { name: 'sim', what: 'simulator throughput', cmd: ['npx', 'tsx', 'bench/sim.bench.ts'] },
  { name: 'gateway', what: 'signal gateway: signal → gate result round trip, events/s to one client', cmd: ['npx', 'tsx', 'bench/gateway.bench.ts'] },
  { name: 'hotpath-stop', what: 'HardStop trigger → first cancel on the wire; every position closed from memory', cmd: ['npx', 'tsx', 'bench/hotpath-stop.bench.ts'] },
  {
    name: 'fleet',
    what: 'a fleet: 20 accounts × 2 sessions trading, one batch HardStop → all flat',
    cmd: ['npx', 'tsx', 'scripts/with-devserver.ts', '--', 'npx', 'tsx', 'bench/fleet.bench.ts'],
  },
  {
    name: 'stop',
    what: 'Temporal: signal → handler, trigger → flat confirmed',
    cmd: ['npx', 'tsx', 'scripts/with-devserver.ts', '--', 'npx', 'tsx', 'bench/stop.bench.ts'],
  },
  {
    name: 'hotpath-lost',
    what: 'hot path SIGKILLed → venue flat (the dead-man lease)',
    cmd: ['npx', 'tsx', 'scripts/with-devserver.ts', '--', 'npx', 'tsx', 'bench/hotpath-lost.bench.ts'],
  },
];

const ResultFile = z.object({
  name: z.string(),
  rows: z.array(
    z.object({
      metric: z.string(),
      value: z.union([z.number(), z.string()]),
      unit: z.string(),
      goal: z.string().optional(),
    }),
  ),
});

function machine(): string {
  const cpus = os.cpus();
  return [
    `${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}`,
    `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `${os.type()} ${os.release()}`,
    `Node ${process.version}`,
  ].join(', ');
}

const RESULTS = path.join(ROOT, 'bench', 'RESULTS.md');
/** Everything from this line on in RESULTS.md is written by people (choices, context) and kept. */
const NOTES_MARKER = '<!-- notes below are kept by bench/run-all.ts -->';

function keptNotes(): string {
  const old = fs.existsSync(RESULTS) ? fs.readFileSync(RESULTS, 'utf8') : '';
  const i = old.indexOf(NOTES_MARKER);
  return i < 0 ? '' : '\n' + old.slice(i);
}

function fmt(v: number | string): string {
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

function main(): number {
  const only = process.argv.slice(2);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const sections: string[] = [];
  let failed = 0;
  const selected = only.length ? BENCHES.filter((b) => only.includes(b.name)) : BENCHES;
  for (const [i, b] of selected.entries()) {
    const file = path.join(OUT_DIR, `${b.name}.json`);
    fs.rmSync(file, { force: true });
    process.stdout.write(`==> [${i + 1}/${selected.length}] ${b.name}: ${b.what}\n`);
    const t0 = Date.now();
    const r = spawnSync(b.cmd[0]!, b.cmd.slice(1), { cwd: ROOT, stdio: 'inherit' });
    const secs = ((Date.now() - t0) / 1000).toFixed(0);
    let parsed: z.infer<typeof ResultFile> | null = null;
    if (r.status === 0 && fs.existsSync(file)) {
      const res = ResultFile.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      if (res.success) parsed = res.data;
    }
    if (!parsed) {
      failed++;
      process.stdout.write(`    ${b.name} FAILED (exit ${r.status ?? r.signal}) after ${secs}s\n`);
      sections.push(`| **${b.name}** | failed (exit ${r.status ?? r.signal}) | | |`);
      continue;
    }
    process.stdout.write(`    ${b.name} done in ${secs}s\n`);
    for (const row of parsed.rows) {
      sections.push(`| ${b.name} | ${row.metric} | ${fmt(row.value)} ${row.unit} | ${row.goal ?? ''} |`);
    }
  }
  const md = [
    '# Benchmark results',
    '',
    `Written by \`make bench\` on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `Machine: ${machine()}.`,
    '',
    '| benchmark | metric | value | goal |',
    '|---|---|---|---|',
    ...sections,
    '',
  ].join('\n');
  if (!only.length) fs.writeFileSync(RESULTS, md + keptNotes());
  else if (!failed) mergeInto(RESULTS, selected.map((b) => b.name), sections);
  process.stdout.write('\n' + md);
  if (failed) process.stderr.write(`\n${failed} benchmark(s) failed; see their output above.\n`);
  return failed ? 1 : 0;
}

/**
 * `make bench-fleet` (a subset run): that benchmark's rows replace its old rows in RESULTS.md,
 * in the place BENCHES gives it; the other benchmarks' rows stay as they were measured.
 */
function mergeInto(file: string, names: string[], rows: string[]): void {
  if (!fs.existsSync(file)) return;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const nameOf = (l: string) => /^\| \**([a-z-]+)\** \|/.exec(l)?.[1];
  const kept = lines.filter((l) => !names.includes(nameOf(l) ?? ''));
  const order = BENCHES.map((b) => b.name);
  const after = order.slice(0, order.indexOf(names[0]!)).reverse();
  let at = -1;
  for (const n of after) {
    at = kept.map(nameOf).lastIndexOf(n);
    if (at >= 0) break;
  }
  if (at < 0) at = kept.findIndex((l) => l.startsWith('|---')); // first in the table
  kept.splice(at + 1, 0, ...rows);
  fs.writeFileSync(file, kept.join('\n'));
}

process.exit(main());
