# The two entry points of the README. Each one runs the idempotent set-up
# first (system packages, pinned pnpm, dependencies, native build).
.PHONY: setup demo test

setup:
	@bash scripts/setup.sh

demo: setup
	@pnpm --silent demo

test: setup
	@bash scripts/test.sh
