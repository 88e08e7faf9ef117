/**
 * Test access to the real Temporal dev server that `make test` started
 * (scripts/with-devserver.ts exports TEMPORAL_ADDRESS). A test run without it fails loudly
 * instead of silently skipping: the workflows are proven against the server.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { connectClosable } from '../../src/temporal/closable-connection';

let runtimeInstalled = false;
/** Worker logs at WARN so test output shows failures, not every state change. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed by another helper in this process
  }
}

export function devServerAddress(): string {
  const a = process.env.TEMPORAL_ADDRESS;
  if (!a) {
    throw new Error('TEMPORAL_ADDRESS is not set: run the tests with `make test`, which starts a Temporal dev server');
  }
  return a;
}

export interface TemporalTestContext {
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  namespace: string;
  close(): Promise<void>;
}

export async function connectTestTemporal(address = devServerAddress()): Promise<TemporalTestContext> {
  quietRuntime();
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const connection = await connectClosable({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection, namespace });
  return {
    client,
    connection,
    nativeConnection,
    namespace,
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

export function uniqueQueue(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
