# hl-executor — every target does its own set-up on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_STAMP := node_modules/.package-lock.stamp

.PHONY: help deps temporal test typecheck lint demo run bench bench-fleet sim ui-check chaos chaos-regressions chaos-ci clean

help:
	@echo "make demo   - run the demo: local Temporal + simulator + workers + a HardStop (KEEP=1 keeps the UI up)"
	@echo "make test   - install what is missing, tsc, eslint, start a Temporal dev server, run every test"
	@echo "make run    - an open-ended session (CONFIG=config/session.example.yaml)"
	@echo "make bench  - run the benchmarks and write bench/RESULTS.md"
	@echo "make bench-fleet - the fleet benchmark alone (40 sessions, one batch HardStop); its rows in bench/RESULTS.md"
	@echo "make ui-check - the demo, then the stop sequence checked in the Temporal UI (headless Chromium) and screenshotted"
	@echo "make sim    - run the embedded venue alone (SIM_ARGS=\"--port 8080 --seed 1\")"
	@echo "make chaos  - seeded fault schedules against the whole stack, invariants checked (SEEDS=N SEED=S, or SEED_LIST=2,313)"
	@echo "make chaos-regressions - the schedules that once found a bug (src/chaos/regressions.ts); chaos-ci: the short set CI runs"

# npm ci installs exactly the lockfile, which lists every platform's optional packages (@swc/core-*,
# @esbuild/*) so it installs on any machine. Dependency install scripts stay off (package.json
# allowScripts): each one only re-checks or re-downloads a binary the optional packages provide.
$(NODE_STAMP): package.json package-lock.json
	@echo "==> installing Node packages (npm ci)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: $(NODE_STAMP)

temporal:
	@scripts/ensure-temporal.sh

typecheck: deps
	@echo "==> tsc --noEmit"
	@npx tsc -p tsconfig.json --noEmit

lint: deps
	@echo "==> eslint"
	@npx eslint .

test: deps temporal typecheck lint
	@npx tsx scripts/with-devserver.ts -- npx jest --ci $(JEST_ARGS)

bench: deps temporal
	@npx tsx bench/run-all.ts

bench-fleet: deps temporal
	@npx tsx bench/run-all.ts fleet

demo: deps temporal
	@npx tsx src/cli/hlx.ts demo $(if $(KEEP),--keep,)

ui-check: deps temporal
	@scripts/ensure-chromium.sh
	@npx tsx src/cli/hlx.ts demo --screenshot docs/temporal-ui-stop.png

run: deps temporal
	@npx tsx src/cli/hlx.ts demo --run --config $(or $(CONFIG),config/session.example.yaml)

sim: deps
	@npx tsx src/cli/hlx.ts sim $(SIM_ARGS)

# Last line: exactly `chaos: N schedules, V violations`; exit 0 only when V is 0.
chaos: deps temporal
	@SEEDS=$(or $(SEEDS),1) SEED=$(SEED) SEED_LIST=$(SEED_LIST) CHAOS_QUEUES=$(CHAOS_QUEUES) npx tsx src/cli/hlx.ts chaos

# The schedules that once found a bug (src/chaos/regressions.ts); `chaos-ci`: the short set CI runs.
chaos-regressions: deps temporal
	@npx tsx src/cli/hlx.ts chaos --regressions

chaos-ci: deps temporal
	@npx tsx src/cli/hlx.ts chaos --ci

clean:
	rm -rf dist .run
