#!/usr/bin/env python3
"""A strategy in Python behind hl-executor's gates, speaking the signal gateway protocol
(src/gateway/PROTOCOL.md) with the `websockets` package.

It takes small round trips in one market: when flat, a marketable IOC buy (or sell) `--notional`
USD through the mid; once filled, it holds `--hold-ms`, then closes reduce-only. Every signal is
answered by the gates (Accepted with its cloid, or Rejected/Skipped with the reason); fills,
order updates, trades closed, the HardStop and phase changes arrive as events; market state comes
as snapshots at the rate it asks for.

It prints one JSON line per thing it sees (what the integration test reads), and exits 0 after
a HardStop when --exit-on-hardstop is given.

    HLX_GATEWAY_TOKEN=… python strategy.py --url ws://127.0.0.1:7901 --coin BTC
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from decimal import ROUND_UP, Decimal

from websockets.asyncio.client import connect, unix_connect


def out(kind: str, **fields) -> None:
    print(json.dumps({"kind": kind, **fields}), flush=True)


class Taker:
    def __init__(self, args: argparse.Namespace, sz_decimals: int) -> None:
        self.a = args
        self.sz_decimals = sz_decimals
        self.next_id = 0
        self.waiting: int | None = None  # id of the signal whose result we wait for
        self.opened_at: float | None = None
        self.trades = 0
        self.buy_next = True
        self.hard_stopped = False

    def frame_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def decide(self, snap: dict) -> dict | None:
        """One look at a market-state snapshot; returns a signal frame or None."""
        if self.waiting is not None or snap["phase"] != "READY_TRADING":
            return None
        m = next((x for x in snap["markets"] if x["coin"] == self.a.coin), None)
        if m is None or m["pending"]:
            return None
        ref = m["midPx"] or m["markPx"]
        if ref is None:
            return None
        mid = Decimal(ref)
        pos = Decimal(m["position"])
        through = Decimal(self.a.aggression_bps) / Decimal(10_000)
        if pos == 0:
            self.opened_at = None
            if self.hard_stopped or (self.a.max_trades and self.trades >= self.a.max_trades):
                return None
            buy = self.buy_next
            quantum = Decimal(1).scaleb(-self.sz_decimals)
            size = (Decimal(self.a.notional) / mid).quantize(quantum, rounding=ROUND_UP)
            reduce_only = False
        else:
            if self.opened_at is None:
                self.opened_at = time.monotonic()
            if (time.monotonic() - self.opened_at) * 1000 < self.a.hold_ms:
                return None
            buy = pos < 0
            size = abs(pos)
            reduce_only = True
        limit = mid * (1 + through) if buy else mid * (1 - through)
        fid = self.frame_id()
        self.waiting = fid
        return {
            "type": "signal",
            "id": fid,
            "signal": {
                "market": self.a.coin,
                "side": "buy" if buy else "sell",
                "size": format(size.normalize(), "f"),
                "limitPx": format(limit.quantize(Decimal("0.00000001")).normalize(), "f"),
                "tif": "Ioc",
                "reduceOnly": reduce_only,
                "intendedPx": format(mid.normalize(), "f"),
            },
        }

    def on_result(self, f: dict, signal: dict | None) -> None:
        self.waiting = None
        r = f["result"]
        out("result", id=f.get("id"), status=r["status"], cloid=r.get("cloid"), reason=r.get("reason"), field=r.get("field"))
        if r["status"] == "Accepted" and signal and not signal["reduceOnly"]:
            self.trades += 1
            self.buy_next = not self.buy_next


async def run(args: argparse.Namespace) -> int:
    token = os.environ.get(args.token_env)
    if not token:
        print(f"error: the environment variable {args.token_env} (the gateway's bearer token) is not set", file=sys.stderr)
        return 2
    headers = {"Authorization": f"Bearer {token}"}
    if args.socket:
        conn = unix_connect(args.socket, "ws://localhost/", additional_headers=headers)
    else:
        conn = connect(args.url, additional_headers=headers)
    async with conn as ws:
        welcome = json.loads(await ws.recv())
        if welcome.get("type") != "welcome":
            out("refused", frame=welcome)
            return 3
        market = next((m for m in welcome["markets"] if m["coin"] == args.coin), None)
        if market is None:
            print(f"error: {args.coin} is not traded in session {welcome['session']}", file=sys.stderr)
            return 2
        out("welcome", session=welcome["session"], phase=welcome["phase"], limits=welcome["limits"])
        taker = Taker(args, market["szDecimals"])
        taker.hard_stopped = welcome["hardStop"] is not None
        await ws.send(json.dumps({"type": "subscribe", "id": taker.frame_id(), "events": True, "snapshotMs": args.snapshot_ms}))
        sent: dict[int, dict] = {}
        async for raw in ws:
            f = json.loads(raw)
            t = f["type"]
            if t == "snapshot":
                sig = taker.decide(f)
                if sig is not None:
                    sent[sig["id"]] = sig["signal"]
                    out("signal", id=sig["id"], signal=sig["signal"])
                    await ws.send(json.dumps(sig))
            elif t == "result":
                taker.on_result(f, sent.pop(f.get("id"), None))
            elif t == "event":
                ev = f["event"]
                if ev["type"] == "filled":
                    out("fill", cloid=ev.get("cloid"), coin=ev["coin"], side=ev["side"], px=ev["px"], sz=ev["sz"])
                elif ev["type"] == "tradeClosed":
                    out("tradeClosed", coin=ev["coin"], pnl=ev["realizedPnlUsd"], fees=ev["feesUsd"])
                elif ev["type"] == "hardStop":
                    taker.hard_stopped = True
                    out("hardStop", reason=ev["reason"], source=ev["source"])
                    if args.exit_on_hardstop:
                        return 0
                elif ev["type"] in ("phase", "order", "cancelled", "rejected"):
                    out(ev["type"], event=ev)
            elif t == "error":
                out("error", code=f["code"], field=f.get("field"), message=f["message"])
                if f.get("id") in sent:
                    taker.waiting = None
            elif t == "subscribed":
                out("subscribed", events=len(f["events"]), snapshotMs=f["snapshotMs"])
    out("closed")
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="ws://127.0.0.1:7901", help="the gateway's address (config gateway.listen)")
    p.add_argument("--socket", help="the gateway's Unix socket path instead of --url")
    p.add_argument("--token-env", default="HLX_GATEWAY_TOKEN", help="the environment variable holding the bearer token")
    p.add_argument("--coin", default="BTC")
    p.add_argument("--notional", default="15", help="USD per opening order (the venue's minimum is 10)")
    p.add_argument("--aggression-bps", type=int, default=50, help="the IOC limit this far through the mid")
    p.add_argument("--hold-ms", type=int, default=2000)
    p.add_argument("--max-trades", type=int, default=0, help="stop opening after this many (0 = unlimited)")
    p.add_argument("--snapshot-ms", type=int, default=100, help="market-state snapshots this often")
    p.add_argument("--exit-on-hardstop", action="store_true")
    args = p.parse_args()
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
