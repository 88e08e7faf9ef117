/**
 * alertDelivery: one alert to every sink, as its own child workflow (ABANDON), so a sink that is
 * slow or down never delays the stop that raised it. The activity runs on the alert queue every
 * stop worker serves (an alert that no stop worker of the account is running must still go out);
 * it delivers to the sinks not yet delivered (recorded in its heartbeat) and throws while one
 * fails, so Temporal retries exactly the failing ones with backoff, for a bounded time.
 */
import { log, proxyActivities } from '@temporalio/workflow';
import type { AlertSinkSpec } from './messages';
import type { AlertActivities, AlertRequest } from '../src/orchestration/stop-activities';

export interface AlertDeliveryInput {
  alert: AlertRequest;
  sinks: AlertSinkSpec[];
  queue: string;
}

export async function alertDelivery(input: AlertDeliveryInput): Promise<{ delivered: string[]; error?: string }> {
  const acts = proxyActivities<AlertActivities>({
    taskQueue: input.queue,
    startToCloseTimeout: 30_000,
    heartbeatTimeout: 30_000,
    // ~10 minutes of retries, then the failure is the workflow's result (visible in the UI).
    scheduleToCloseTimeout: 10 * 60_000,
    retry: { initialInterval: 200, backoffCoefficient: 2, maximumInterval: 60_000 },
  });
  try {
    return await acts.deliverAlert.executeWithOptions({ summary: `${input.alert.level}: ${input.alert.message}`.slice(0, 200) }, [{ alert: input.alert, sinks: input.sinks }]);
  } catch (e) {
    const error = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    log.error('alert not delivered to every sink', { error });
    return { delivered: [], error };
  }
}
