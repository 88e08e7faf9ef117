/**
 * The venue's per-action weight cap: a signed action whose weight exceeds 200 is refused whole,
 * `Signed action over weight limit of 200.`, with no per-order statuses (TW P4: 200 cancels
 * accepted, 201, 240, 400, 1000, 3000 refused). Weight = one per order, cancel or modify in the
 * batch, other actions weigh 1. The cancel figure is measured; orders and modifies weighing the
 * same is our reading (README "Not settled by a source").
 */
export const MAX_ACTION_WEIGHT = 200;
export const OVER_WEIGHT = `Signed action over weight limit of ${MAX_ACTION_WEIGHT}.`;

export function actionWeight(action: Record<string, unknown>): number {
  for (const key of ['orders', 'cancels', 'modifies'] as const) {
    const list = action[key];
    if (Array.isArray(list)) return list.length;
  }
  return 1;
}

/** `null` when within the cap, else the venue's refusal text. */
export function checkActionWeight(action: Record<string, unknown>): string | null {
  return actionWeight(action) > MAX_ACTION_WEIGHT ? OVER_WEIGHT : null;
}
