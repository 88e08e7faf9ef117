/**
 * A Temporal client Connection whose close() is safe while a call is being retried.
 *
 * @temporalio/client's retry interceptor schedules each retry with setTimeout, and
 * Connection.close() does not clear those timers: a retry that fires after the channel closed
 * throws "Channel has been shut down" synchronously inside the timer — an uncaughtException,
 * which the hot-path process treats as fatal (HardStop(HotPathLost), exit 70) and Jest as a
 * failed suite. It happens whenever a call was retrying through a Temporal outage at shutdown.
 * Here the same retry policy stops retrying once the connection is closed, and a retry already
 * scheduled is answered CANCELLED instead of reaching the closed channel.
 */
import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions } from '@temporalio/client';
import { InterceptingCall, Metadata, status as GrpcStatus, type Interceptor } from '@grpc/grpc-js';

type NextCallLike = ConstructorParameters<typeof InterceptingCall>[0];

/** A call that never reaches a channel: it only ever answers CANCELLED. */
const NOWHERE = {
  cancelWithStatus() {},
  getPeer: () => '',
  start() {},
  sendMessageWithContext() {},
  sendMessage() {},
  startRead() {},
  halfClose() {},
  getAuthContext: () => null,
} as unknown as NextCallLike;

export async function connectClosable(opts: ConnectionOptions, o: { lazy?: boolean } = {}): Promise<Connection> {
  let closed = false;
  const base = defaultGrpcRetryOptions();
  const retry = makeGrpcRetryInterceptor({
    delayFunction: base.delayFunction,
    retryableDecider: (attempt, s) => !closed && base.retryableDecider(attempt, s),
  });
  // inside the retry interceptor: its late retries come through here first
  const guard: Interceptor = (options, nextCall) => {
    if (!closed) return nextCall(options) as InterceptingCall;
    return new InterceptingCall(NOWHERE, {
      start(_metadata, listener) {
        setImmediate(() => listener.onReceiveStatus({ code: GrpcStatus.CANCELLED, details: 'the Temporal connection was closed', metadata: new Metadata() }));
      },
      sendMessage() {},
      halfClose() {},
    });
  };
  const options = { ...opts, interceptors: [retry, guard, ...(opts.interceptors ?? [])] };
  // lazy: no health check now (the first call connects)
  const connection = o.lazy ? Connection.lazy(options) : await Connection.connect(options);
  const close = connection.close.bind(connection);
  connection.close = async () => {
    closed = true;
    await close();
  };
  return connection;
}
