# The two quick-start commands (README): `make dev` runs the whole stack locally on embedded
# defaults; `make test` runs every test as CI does. Both provide Node 24 and pnpm themselves.
.PHONY: dev test bench install
dev:
	@bash scripts/run.sh dev
test:
	@bash scripts/run.sh test
bench:
	@bash scripts/run.sh bench $(ARGS)
install:
	@bash scripts/run.sh install
