/**
 * Property: whatever sequence of orders, cancels and price moves two users go through, the
 * books stay consistent — per user and coin the signed fill sizes sum to the position, each
 * fill's startPosition is the running sum before it, the balance moved by exactly
 * Σ closedPnl − Σ fee, fees add up to what the account paid, and the book holds exactly the
 * accounts' open orders, none empty.
 */
import fc from 'fast-check';
import Decimal from 'decimal.js';
import { ALICE, BOB, limit, makeEngine, usd } from './engine-fixture';
import { roundToTick } from '../../../src/sim/markets';
import { fxStr, usdStr6 } from '../../../src/sim/money';
import type { Engine } from '../../../src/sim/engine';

type Op =
  | { kind: 'order'; user: 0 | 1; asset: number; isBuy: boolean; offsetBps: number; lots: number; tif: 'Gtc' | 'Ioc' | 'Alo'; reduceOnly: boolean }
  | { kind: 'cancelAll'; user: 0 | 1 }
  | { kind: 'move'; asset: number; bps: number }
  | { kind: 'partial'; on: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('order' as const), user: fc.constantFrom(0 as const, 1 as const), asset: fc.integer({ min: 0, max: 2 }), isBuy: fc.boolean(), offsetBps: fc.integer({ min: -40, max: 40 }), lots: fc.integer({ min: 1, max: 400 }), tif: fc.constantFrom('Gtc' as const, 'Ioc' as const, 'Alo' as const), reduceOnly: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancelAll' as const), user: fc.constantFrom(0 as const, 1 as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), asset: fc.integer({ min: 0, max: 2 }), bps: fc.integer({ min: -60, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('partial' as const), on: fc.boolean() }) },
);

const USERS = [ALICE, BOB];

function apply(e: Engine, op: Op): void {
  switch (op.kind) {
    case 'order': {
      const m = e.markets[op.asset];
      const mark = e.mark(m.name);
      const raw = (mark * BigInt(10_000 + op.offsetBps)) / 10_000n;
      const px = fxStr(roundToTick(raw, m.szDecimals, op.isBuy ? 'down' : 'up'));
      // lots of 10^-szDecimals scaled so each market trades a few hundred dollars
      const unit = new Decimal(10).pow(-m.szDecimals).times(m.szDecimals >= 4 ? 10 : 1);
      const sz = unit.times(op.lots).toFixed(m.szDecimals).replace(/\.?0+$/, '');
      e.placeOrders(USERS[op.user], [limit(op.asset, op.isBuy, px, sz, op.tif, op.reduceOnly)]);
      return;
    }
    case 'cancelAll': {
      const acct = e.account(USERS[op.user])!;
      e.cancel(USERS[op.user], [...acct.openOrders.values()].map((o) => ({ a: o.asset, o: o.oid })));
      return;
    }
    case 'move': {
      const m = e.markets[op.asset];
      e.setPrice(m.name, (e.mark(m.name) * BigInt(10_000 + op.bps)) / 10_000n);
      return;
    }
    case 'partial':
      e.faults.partialFillPpm = op.on ? 500_000n : null;
      return;
  }
}

describe('simulator accounting (property)', () => {
  test('fills, positions, balances, fees and the book stay consistent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(opArb, { minLength: 1, maxLength: 60 }), (seed, ops) => {
        const { e } = makeEngine(seed);
        const start = usd('50000');
        for (const u of USERS) e.fund(u, start);
        for (const op of ops) apply(e, op);

        for (const u of USERS) {
          const acct = e.account(u)!;
          const running = new Map<string, Decimal>();
          let pnl = new Decimal(0);
          let fees = new Decimal(0);
          for (const f of acct.fills) {
            const before = running.get(f.coin) ?? new Decimal(0);
            expect(new Decimal(f.startPosition).eq(before)).toBe(true);
            running.set(f.coin, before.plus(f.side === 'B' ? f.sz : new Decimal(f.sz).neg()));
            pnl = pnl.plus(f.closedPnl);
            fees = fees.plus(f.fee);
          }
          for (const m of e.markets) {
            expect(fxStr(acct.szi(m.name))).toBe((running.get(m.name) ?? new Decimal(0)).toString());
          }
          expect(usdStr6(acct.feesPaid)).toBe(fees.toString());
          expect(usdStr6(acct.balance - start)).toBe(pnl.minus(fees).toString());
          for (const o of acct.openOrders.values()) expect(o.sz > 0n).toBe(true);
        }

        for (const m of e.markets) {
          const book = e.books.get(m.name)!;
          const inBook = new Set([...book.bids, ...book.asks].map((o) => o.oid));
          const open = new Set(USERS.flatMap((u) => [...e.account(u)!.openOrders.keys()].filter((oid) => e.orders.get(oid)!.coin === m.name)));
          expect(inBook).toEqual(open);
        }
      }),
      { numRuns: 150 },
    );
  });
});
