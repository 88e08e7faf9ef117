/** The facts read from a workflow history: the shapes the Temporal SDK hands back (Long seconds, JSON payload bytes). */
import { activityIdentitiesOf, allText, hardStopsOf, phasesOf, tsMs, type HistoryEvent } from '../../../src/chaos/histories';

const enc = new TextEncoder();
const payload = (v: unknown) => ({ metadata: { encoding: enc.encode('json/plain') }, data: enc.encode(JSON.stringify(v)) });
/** protobufjs gives int64 seconds as a Long: an object whose toString is the number */
const long = (n: number) => ({ low: n, high: 0, unsigned: false, toString: () => String(n) });
const at = (ms: number) => ({ seconds: long(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });

const events: HistoryEvent[] = [
  { eventTime: at(1_700_000_000_100), upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: { TradingPhase: payload('STARTING'), TradingAccount: payload('0xabc') } } } },
  { eventTime: at(1_700_000_001_250), workflowExecutionSignaledEventAttributes: { signalName: 'hardStop', input: { payloads: [payload({ reason: 'Operator', source: 'cli' })] } } },
  { eventTime: at(1_700_000_001_260), upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: { TradingPhase: payload(['HARD_STOP']) } } } },
  { eventTime: at(1_700_000_001_300), upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: { HardStopReason: payload('Operator') } } } },
  { eventTime: at(1_700_000_001_400), workflowExecutionSignaledEventAttributes: { signalName: 'hotPathNotReady', input: { payloads: [payload({ hostId: 'h' })] } } },
  { eventTime: at(1_700_000_001_500), activityTaskStartedEventAttributes: { identity: '123@host' } },
];

test('times from Long seconds and nanos, in ms', () => {
  expect(tsMs(at(1_700_000_001_250))).toBe(1_700_000_001_250);
  expect(tsMs({ seconds: 5, nanos: 0 })).toBe(5000);
  expect(tsMs(undefined)).toBe(0);
});

test('phases from the TradingPhase upserts only (a plain value or a one-element list)', () => {
  expect(phasesOf(events)).toEqual([
    { at: 1_700_000_000_100, phase: 'STARTING' },
    { at: 1_700_000_001_260, phase: 'HARD_STOP' },
  ]);
});

test('hardStop signals with reason and source; other signals ignored; activity identities', () => {
  expect(hardStopsOf(events)).toEqual([{ at: 1_700_000_001_250, reason: 'Operator', source: 'cli' }]);
  expect(activityIdentitiesOf(events)).toEqual(['123@host']);
});

test('allText decodes payload bytes, so a secret inside a payload is found', () => {
  const text = allText({ events: [{ input: { payloads: [payload({ key: 'SECRET-in-payload' })] } }] }).join('\n');
  expect(text).toContain('SECRET-in-payload');
});
