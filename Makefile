# Two commands on a fresh machine (see README):
#   make demo   set everything up and build the graph of the example corpus
#   make test   set everything up and run the whole test suite
# The interpreter of the virtual environment: by default the fastest build of python3's
# version on this machine (tools/pick_python.py: a distribution's optimised build runs the
# build ~6% faster than a pyenv one); `make demo PYTHON=python3.11` chooses one.
PYTHON ?=
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out/example

.PHONY: setup demo test bench clean

# torch is pinned to the CPU build first: camel-tools depends on torch, and an
# unpinned torch would pull several GB of CUDA packages.
$(BIN)/conflictkg: pyproject.toml
	@py='$(PYTHON)'; [ -n "$$py" ] || py=$$(python3 tools/pick_python.py) || py=python3; \
	echo "setup: $(VENV) with $$py"; "$$py" -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test,compiled]'
	@touch $@

# The extractors and Louvain compiled with Cython (~20% faster extraction; a no-op when
# the sources have not changed since). Without a C compiler conflictkg runs as plain
# Python: not an error.
setup: $(BIN)/conflictkg
	@$(BIN)/conflictkg compile || echo "note: not compiled; conflictkg runs as plain Python"

demo: setup
	$(BIN)/conflictkg build examples/corpus examples/news.jsonl examples/news.csv --out $(OUT)

test: setup
	$(BIN)/python -m pytest -q

# The benchmarks print figures; full sizes as the issues ask (minutes on 2 cores).
bench: setup
	$(BIN)/python bench/bench_extraction.py --articles 10000
	$(BIN)/python bench/bench_resolver.py --names 100000
	$(BIN)/python bench/bench_build.py 10000 50000 100000
	$(BIN)/python bench/bench_loader.py
	$(BIN)/python bench/bench_dask.py

clean:
	rm -rf $(VENV) out build *.egg-info extractors/_compiled graph/_compiled
