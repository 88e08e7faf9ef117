/**
 * The alert delivery activity (run by every stop worker, on the alert queue): the alert goes to
 * the session's sinks (from the payload, validated here again) and this worker's own. Sinks
 * already delivered are recorded in the heartbeat, so a retry (Temporal's, with backoff) sends
 * only to those that failed; the activity throws while any sink fails.
 */
import { Context } from '@temporalio/activity';
import type { AlertActivities } from '../orchestration/stop-activities';
import { createLogger, type Logger } from '../util/log';
import { PayloadSink, sinkName, type EnvSink } from './config';
import { alertText } from './format';
import { deliverToSink } from './sinks';

export interface AlertActivityDeps {
  envSinks: EnvSink[];
  log?: Logger;
  /** tests: deliver without a Temporal activity context */
  heartbeat?: { details(): string[]; beat(delivered: string[]): void };
}

function temporalHeartbeat(): NonNullable<AlertActivityDeps['heartbeat']> {
  return {
    details: () => {
      try {
        const d = Context.current().info.heartbeatDetails as unknown;
        return Array.isArray(d) ? d.filter((x): x is string => typeof x === 'string') : [];
      } catch {
        return [];
      }
    },
    beat: (delivered) => {
      try {
        Context.current().heartbeat(delivered);
      } catch {
        /* outside an activity */
      }
    },
  };
}

export function createAlertActivities(deps: AlertActivityDeps): AlertActivities {
  const log = deps.log ?? createLogger('alerts');
  return {
    async deliverAlert({ alert, sinks }) {
      const hb = deps.heartbeat ?? temporalHeartbeat();
      const done = new Set(hb.details());
      const all: { name: string; sink: EnvSink }[] = [];
      (Array.isArray(sinks) ? sinks : []).forEach((raw, i) => {
        const p = PayloadSink.safeParse(raw);
        if (p.success) all.push({ name: sinkName(p.data, i, 'session'), sink: p.data });
        else log.error('alert sink from the session refused', { index: i, error: p.error.issues[0]?.message });
      });
      deps.envSinks.forEach((s, i) => all.push({ name: sinkName(s, i, 'env'), sink: s }));
      (alert.level === 'critical' ? log.error : log.info)(`ALERT ${alertText(alert)}`, { sinks: all.length });
      const failures: string[] = [];
      await Promise.all(
        all
          .filter((s) => !done.has(s.name))
          .map(async (s) => {
            try {
              await deliverToSink(s.sink, alert);
              done.add(s.name);
            } catch (e) {
              failures.push(`${s.name}: ${(e as Error).message}`);
            }
          }),
      );
      hb.beat([...done]);
      if (failures.length > 0) {
        log.warn('alert sink failed (retried)', { failures });
        throw new Error(`alert not delivered to ${failures.length} sink(s): ${failures.join('; ')}`);
      }
      return { delivered: [...done] };
    },
  };
}
