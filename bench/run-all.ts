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
  { name: 'hotpath-stop', what: 'HardStop trigger → first cancel on the wire; every position closed from memory', cmd: ['npx', 'tsx', 'bench/hotpath-stop.bench.ts'] },
  {
    name: 'stop',
    what: 'Temporal: signal → handler, trigger → flat confirmed',
    cmd: ['npx', 'tsx', 'scripts/with-devserver.ts', '--', 'npx', 'tsx', 'bench/stop.bench.ts'],
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
  if (!only.length) fs.writeFileSync(path.join(ROOT, 'bench', 'RESULTS.md'), md);
  process.stdout.write('\n' + md);
  if (failed) process.stderr.write(`\n${failed} benchmark(s) failed; see their output above.\n`);
  return failed ? 1 : 0;
}

process.exit(main());
