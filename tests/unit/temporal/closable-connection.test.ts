/**
 * A call retrying through a Temporal outage when the connection is closed: the SDK's own retry
 * timer would fire into the closed channel and throw "Channel has been shut down" as an
 * uncaughtException. The closable connection ends the call instead, and nothing is thrown.
 */
import * as net from 'node:net';
import { connectClosable } from '../../../src/temporal/closable-connection';

async function deadAddress(): Promise<string> {
  // a port that was free a moment ago: nothing listens there, every attempt is UNAVAILABLE
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return `127.0.0.1:${port}`;
}

test('closing while a call is being retried ends the call, and no retry reaches the closed channel', async () => {
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  try {
    const connection = await connectClosable({ address: await deadAddress() }, { lazy: true });
    const call = connection.workflowService.getSystemInfo({}).then(
      () => 'answered',
      (e: Error) => e.message,
    );
    // let it fail once and schedule its retries, then close in the middle of the backoff
    await new Promise((r) => setTimeout(r, 300));
    await connection.close();
    const outcome = await call;
    expect(outcome).not.toBe('answered');
    // past the retry delays the SDK would have used
    await new Promise((r) => setTimeout(r, 1_500));
    expect(uncaught).toEqual([]);
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});
