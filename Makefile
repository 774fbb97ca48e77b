# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ADDR   ?= 127.0.0.1:8000

.PHONY: run test test-sqlite test-postgres bench venv clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

# The address the deployment is reached at (links, QR codes, the demo's witnesses) is the one it
# serves, unless SANXIANG_PUBLIC_URL says otherwise (behind a proxy).
run: export SANXIANG_PUBLIC_URL ?= http://$(ADDR)
run: venv
	$(BIN)/sanxiang migrate --noinput
	$(BIN)/sanxiang demo
	$(BIN)/sanxiang demo --archive
	$(BIN)/sanxiang serve $(ADDR)

test: venv
	scripts/test.sh

bench: venv
	scripts/bench.sh

clean:
	rm -rf $(VENV) var .pytest_cache
