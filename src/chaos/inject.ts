/**
 * TEST-ONLY fault switches, to prove the chaos runner catches a bug in each invariant's territory
 * (issue #12, "the runner is honest"). Each is one `if` at the spot it breaks. They are read only
 * when HLX_CHAOS_INJECT is set (a comma-separated list); nothing sets it but an experimenter running
 * `HLX_CHAOS_INJECT=… make chaos`. Never set it anywhere near real money.
 *
 *   latch-check-removed  HardStopLatch.isTriggered() answers false: every latch check (gates, pre-send guard, strategy) passes
 *   stop-wrong-account   the stop activities read and flatten HLX_CHAOS_WRONG_ACCOUNT instead of their account
 *   fill-double-count    the duplicate-fill checks (user feed and position tracker) are skipped: a fill pushed twice counts twice
 */
export type ChaosInjection = 'latch-check-removed' | 'stop-wrong-account' | 'fill-double-count';

export const CHAOS_INJECTIONS: readonly ChaosInjection[] = ['latch-check-removed', 'stop-wrong-account', 'fill-double-count'];

/** read once at load: the switches sit on hot paths */
const ON: ReadonlySet<string> = new Set((process.env.HLX_CHAOS_INJECT ?? '').split(',').filter(Boolean));

export function chaosInject(name: ChaosInjection): boolean {
  return ON.size > 0 && ON.has(name);
}
