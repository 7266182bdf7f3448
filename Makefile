# EcoAI Chain -- two commands for a newcomer:
#   make demo   set up whatever is missing, then run the main job
#   make test   set up whatever is missing, then run every test (what CI runs)
# and one for the edit loop:
#   make test-fast  the same minus the tests marked slow or soak (target: under 3 minutes)
# Setup is idempotent: stamps in .stamps/ skip work already done (scripts/setup.sh).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(CURDIR)/.tools/bin:$(CURDIR)/.venv/bin:$(PATH)
PY := $(CURDIR)/.venv/bin/python
PYTEST_ARGS ?=

.PHONY: setup build test test-fast test-contracts test-python demo bench lint clean

setup:
	@scripts/setup.sh

# Compile contracts (hardhat is incremental: a second run compiles nothing).
build: setup
	@npx --no-install hardhat compile --quiet 2>&1 | grep -vE '^(Warning: "at" will be promoted|\s+-->|\s*[0-9]* \|| *\|)' | grep -v '^$$' || true
	@test -f artifacts/contracts/EcoCredit.sol/EcoCredit.json

test-contracts: build
	npx --no-install hardhat test mocha
	npx --no-install hardhat test solidity

test-python: build
	$(PY) -m pytest $(PYTEST_ARGS)

# Contract tests first, Python last (its closing line sums up the run). Everything runs,
# the soak tests included (kill -9, chain outage, `ecoai up` end to end).
test: test-contracts test-python

# Deselects the markers `slow` (real proofs, the circuit compile, browsers, schema fuzzing,
# PostgreSQL backends, long-running processes) and `soak`; see pyproject.toml. Target: under
# 3 minutes on two cores, kept by sharing rather than skipping: one prepared chain for the
# `ready` tests, one governed DAO chain and one PostgreSQL server per run (tests/conftest.py),
# each chain reverted after every test.
test-fast: test-contracts
	$(PY) -m pytest -m "not slow and not soak" $(PYTEST_ARGS)

demo: build
	$(PY) -m ecoai_chain.cli up

bench: build
	@# bench_gas first: it writes bench/out/gas.json, which bench_capacity reads
	@for b in bench/bench_gas.py $(filter-out bench/bench_gas.py,$(wildcard bench/bench_*.py)); do echo "== $$b"; $(PY) $$b; done

lint: setup
	$(PY) -m ruff check ecoai_chain attestor tests bench

clean:
	rm -rf artifacts cache circuits/build .ecoai test-artifacts
