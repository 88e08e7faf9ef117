import { defaultPayloadConverter } from '@temporalio/common';
import { historySteps, renderTimeline } from '../../../src/cli/demo/timeline';

const t = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

describe('stop timeline', () => {
  const events = [
    { eventId: 1, eventTime: t(1_000), workflowExecutionStartedEventAttributes: {} },
    {
      eventId: 5,
      eventTime: t(1_010),
      activityTaskScheduledEventAttributes: { activityType: { name: 'cancelAllOpenOrders' } },
      userMetadata: { summary: defaultPayloadConverter.toPayload('cancel 3 open orders') },
    },
    { eventId: 7, eventTime: t(1_030), activityTaskCompletedEventAttributes: { scheduledEventId: 5 } },
    { eventId: 8, eventTime: t(1_040), activityTaskScheduledEventAttributes: { activityType: { name: 'confirmFlat' } } },
    { eventId: 9, eventTime: t(1_090), activityTaskTimedOutEventAttributes: { scheduledEventId: 8 } },
    { eventId: 10, eventTime: t(1_100), timerStartedEventAttributes: { startToFireTimeout: { seconds: 0, nanos: 250e6 } } },
    { eventId: 11, eventTime: t(2_500), workflowExecutionCompletedEventAttributes: {} },
  ];

  it('pairs each activity with its end and reads the summary the UI shows', () => {
    const steps = historySteps(events as never, 'stop');
    expect(steps).toEqual([
      { at: 1_000, what: 'stop started' },
      { at: 1_010, what: 'cancel 3 open orders', tookMs: 20 },
      { at: 1_040, what: 'confirmFlat (timed out)', tookMs: 50 },
      { at: 1_100, what: 'backoff 250 ms' },
      { at: 2_500, what: 'stop completed' },
    ]);
  });

  it('renders times relative to the trigger, sorted, in ms then seconds', () => {
    const lines = renderTimeline(990, [
      { at: 2_500, what: 'done' },
      { at: 990, what: 'trigger' },
      { at: 1_010, what: 'cancel', tookMs: 20 },
    ]);
    expect(lines).toEqual(['  +0.0 ms  trigger', '   +20 ms  cancel (20 ms)', '  +1.51 s  done']);
  });
});
