/**
 * One Temporal dev server for a whole chaos run (bring-up is the expensive part), on a fixed
 * loopback port and a database file so a schedule can restart it "on the same database"; each
 * schedule gets a fresh namespace with the project's search attributes registered.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { loadTemporalYaml } from '../config/temporal';
import { freePort, startDevServer, TEMPORAL_CLI, type DevServer } from '../temporal/devserver';

export class ChaosTemporal {
  private server: DevServer | null = null;
  private constructor(
    readonly port: number,
    readonly dbFile: string,
    private readonly logFile: string,
  ) {}

  static async start(dir: string): Promise<ChaosTemporal> {
    const t = new ChaosTemporal(await freePort(), path.join(dir, 'temporal.db'), path.join(dir, 'temporal.log'));
    await t.up();
    return t;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  private async up(): Promise<void> {
    this.server = await startDevServer({ port: this.port, dbFile: this.dbFile, logFile: this.logFile });
  }

  /** Stop the server, wait `downMs`, start it again on the same port and database. */
  async restart(downMs: number): Promise<void> {
    await this.server?.stop();
    this.server = null;
    await new Promise((r) => setTimeout(r, downMs));
    await this.up();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = null;
  }

  /** A fresh namespace with the search attributes the workflows upsert. */
  createNamespace(name: string): void {
    const common = ['--address', this.address, '--disable-config-env', '--disable-config-file'];
    const run = (args: string[]) => {
      const r = spawnSync(TEMPORAL_CLI, [...args, ...common], { encoding: 'utf8', timeout: 20_000 });
      if (r.status !== 0) throw new Error(`temporal ${args.slice(0, 3).join(' ')}: ${(r.stderr || r.stdout).trim()}`);
    };
    run(['operator', 'namespace', 'create', '--namespace', name, '--retention', '1d']);
    const attrs = Object.entries(loadTemporalYaml().searchAttributes).flatMap(([n, type]) => ['--name', n, '--type', type]);
    run(['operator', 'search-attribute', 'create', '--namespace', name, ...attrs]);
  }
}

export { TEMPORAL_CLI };
