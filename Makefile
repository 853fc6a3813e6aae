# Developer and CI entry points of the it4ad.dlinfra collection. `make help` lists them.
# Needs only python3 (3.11+), git and GNU make; everything else is installed into .venv.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := $(CURDIR)/.venv
VENV_STAMP := $(VENV)/.installed
BUILD := $(CURDIR)/.build
COLLECTIONS := $(BUILD)/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/it4ad/dlinfra
SANITY_TREE := $(BUILD)/sanity/ansible_collections/it4ad/dlinfra
DIST := $(BUILD)/dist
INSTALL_CHECK := $(BUILD)/install-check
# ansible-test runs the sanity tests for the venv's Python version.
SANITY_PYTHON ?= $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# Every recipe finds the venv's tools first and resolves it4ad.dlinfra to this work tree.
export PATH := $(VENV)/bin:$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)

.PHONY: help setup validate demo unit integration molecule lint sanity build test constraints clean endpoint endpoint-stop \
	endpoint-requests

help:
	@echo "make setup     create .venv (pinned by constraints.txt) and the collection link"
	@echo "make validate  offline validation of templates, parameter files and inventories"
	@echo "make demo      setup, start the local Azure endpoint, run playbooks/mlenv.yml -i inventories/local"
	@echo "make unit      unit tests (pytest tests/unit)"
	@echo "make integration  end-to-end tests against the local Azure endpoint (each test module starts its own)"
	@echo "make molecule  molecule scenarios (extensions/molecule), each with its own local Azure endpoint"
	@echo "make lint      ruff, ruff format --check, mypy (plugins/), antsibull-changelog lint, ansible-lint, shellcheck"
	@echo "make sanity    ansible-test sanity, offline"
	@echo "make build     build the collection, install it, check what it ships, run galaxy-importer on it"
	@echo "make test      validate, unit, integration, molecule, lint, sanity, build: what CI runs"
	@echo "make constraints  re-pin constraints.txt from a fresh install of the requirements"
	@echo "make clean     remove .venv, .build and built tarballs"
	@echo "make endpoint  start the local Azure endpoint (localazure/) in the background; no-op if it runs"
	@echo "make endpoint-stop  stop it by the PID in its state dir"
	@echo "make endpoint-requests  the endpoint's request log (newest requests, count per method)"

$(VENV_STAMP): requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip -c constraints.txt
	$(VENV)/bin/pip install --quiet -r requirements.txt -r requirements-dev.txt -c constraints.txt
	touch $@

$(COLLECTION_LINK):
	mkdir -p $(@D)
	ln -sfn $(CURDIR) $@

# The one import path set-up: a .pth file in the venv's site-packages puts .build/collections (so that
# ansible_collections.it4ad.dlinfra is this work tree, through the link above) and the repository root (for
# localazure/) on sys.path of every venv python: pytest, the endpoint process, scripts and benchmarks.
IMPORT_PATH_FILE := $(VENV)/.import-path-stamp
$(IMPORT_PATH_FILE): $(VENV_STAMP) Makefile
	printf '%s\n%s\n' "$(COLLECTIONS)" "$(CURDIR)" > \
		"$$($(VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/it4ad_dlinfra_dev.pth"
	touch $@

# awx.awx (for awx/configure.yml) from the ansible wheel pinned in constraints.txt; PyPI only, no Galaxy.
AWX_COLLECTION := $(COLLECTIONS)/ansible_collections/awx/awx/.installed-from
$(AWX_COLLECTION): constraints.txt scripts/install-awx-collection | $(VENV_STAMP)
	$(VENV)/bin/python scripts/install-awx-collection $(COLLECTIONS)

setup: $(VENV_STAMP) $(COLLECTION_LINK) $(IMPORT_PATH_FILE) $(AWX_COLLECTION)

validate: setup
	$(VENV)/bin/python scripts/dlinfra-validate

# The main job against the local Azure endpoint (started if it is not running); a second `make demo` shows changed=0.
demo: setup endpoint
	ansible-playbook playbooks/mlenv.yml -i inventories/local

# The local endpoint's request log: the newest requests, and the count per method.
endpoint-requests: setup
	$(VENV)/bin/python scripts/endpoint-requests --state-dir $(LOCALAZURE_DIR)

# pytest exits 5 when it collects no test, so an empty tests/unit fails here as it should.
unit: setup
	@if [ -d tests/unit ]; then pytest tests/unit; else echo "make unit: no tests/unit folder, nothing to run"; fi

# Real SDK clients over HTTPS against the local Azure endpoint; the tests start and stop it by PID. Two workers
# (pytest-xdist), each taking whole test modules: a module's tests share its endpoint and run in order.
INTEGRATION_WORKERS ?= 2
integration: setup
	pytest tests/integration -n $(INTEGRATION_WORKERS) --dist loadfile

# Every scenario under extensions/molecule starts its own local Azure endpoint (create) and stops it by its PID
# (destroy): converge, idempotence (zero changed), verify (independent ARM reads).
molecule: setup
	molecule test --all

# ruff and mypy read pyproject.toml. mypy checks plugins/ as the package Ansible imports, through the
# collection link, so that every module is checked once under its fully qualified name.
lint: setup
	ruff check .
	ruff format --check .
	mypy -p ansible_collections.it4ad.dlinfra.plugins
	antsibull-changelog lint
	ansible-lint --profile production
	ansible-playbook --syntax-check awx/configure.yml awx/release_failed.yml
	shellcheck .ci/run

# ansible-test only runs from .../ansible_collections/it4ad/dlinfra, and the link's real path is the
# repository, so the sanity tests run on a copy: the shipped tree, i.e. the built collection unpacked
# (galaxy.yml's build_ignore keeps development-only code out), plus tests/config.yml and
# tests/sanity/. setup-sanity-offline also gives ansible-test its pip bootstrap script, which it
# would otherwise download from a host CI cannot reach; every other requirement of the sanity tests
# comes from PyPI.
sanity: setup
	$(VENV)/bin/python scripts/setup-sanity-offline $(SANITY_TREE)
	cd $(SANITY_TREE) && ansible-test sanity --python $(SANITY_PYTHON) --color no

# Builds the tarball, installs it into an empty collections folder and fails if development-only
# content was shipped.
# The install check must see only the installed tarball, not the work tree that the venv's .pth file puts on
# sys.path (ansible-galaxy scans sys.path for collections unless told not to).
build: setup
	ansible-galaxy collection build --output-path $(DIST) --force
	rm -rf $(INSTALL_CHECK)
	ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false ANSIBLE_COLLECTIONS_PATH=$(INSTALL_CHECK) ansible-galaxy collection \
		install --offline --collections-path $(INSTALL_CHECK) $(DIST)/it4ad-dlinfra-*.tar.gz
	ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false ANSIBLE_COLLECTIONS_PATH=$(INSTALL_CHECK) ansible-galaxy collection \
		verify --offline it4ad.dlinfra
	tar -tzf $(DIST)/it4ad-dlinfra-*.tar.gz | sort > $(BUILD)/dist-content.txt
	@if grep -E '^(tests|localazure|bench|awx|\.ci|\.venv|\.build|\.localazure|extensions/molecule)(/|$$)' \
		$(BUILD)/dist-content.txt; then echo "make build: development-only content above is in the tarball" >&2; exit 1; fi
	@echo "make build: $$(wc -l < $(BUILD)/dist-content.txt) entries shipped and installed into $(INSTALL_CHECK)"
	@# galaxy-importer writes importer_result.json into its working directory, hence .build/.
	cd $(BUILD) && GALAXY_IMPORTER_CONFIG=$(CURDIR)/tests/galaxy/galaxy-importer.cfg $(VENV)/bin/python -m \
		galaxy_importer.main $(DIST)/it4ad-dlinfra-*.tar.gz > $(BUILD)/galaxy-importer.log 2>&1 || { \
		tail -n 30 $(BUILD)/galaxy-importer.log >&2; echo "make build: galaxy-importer failed" >&2; exit 1; }
	@echo "make build: galaxy-importer passed ($(BUILD)/galaxy-importer.log)"

test: validate unit integration molecule lint sanity build

# Re-pins constraints.txt: a fresh venv from the two requirement files, frozen.
constraints:
	rm -rf $(BUILD)/constraints-venv
	$(PYTHON) -m venv $(BUILD)/constraints-venv
	$(BUILD)/constraints-venv/bin/pip install --quiet --upgrade pip
	$(BUILD)/constraints-venv/bin/pip install --quiet -r requirements.txt -r requirements-dev.txt
	# ansible (only its awx.awx, see scripts/install-awx-collection) is not installed, so its pin is carried over.
	{ echo "# Exact versions for CI and .venv; regenerate with 'make constraints'."; \
	  $(BUILD)/constraints-venv/bin/pip freeze --all; grep -E '^ansible==' constraints.txt; } > $(BUILD)/constraints.txt
	mv $(BUILD)/constraints.txt constraints.txt
	rm -rf $(BUILD)/constraints-venv

clean:
	rm -rf $(VENV) $(BUILD) it4ad-dlinfra-*.tar.gz

# The local Azure endpoint (localazure/). State, CA, PID file, log and connection.json live in LOCALAZURE_DIR.
# LOCALAZURE_PORT=0 picks a free port (written to connection.json). ENDPOINT_PYTHON may point at another
# interpreter that has the requirements (then .venv is not set up).
LOCALAZURE_DIR ?= $(CURDIR)/.localazure
LOCALAZURE_PORT ?= 8443
ENDPOINT_PYTHON ?= $(VENV)/bin/python

endpoint: $(if $(filter $(VENV)/bin/python,$(ENDPOINT_PYTHON)),setup)
	@if $(ENDPOINT_PYTHON) -m localazure status --state-dir $(LOCALAZURE_DIR) >/dev/null; then \
		echo "make endpoint: already running ($$(cat $(LOCALAZURE_DIR)/localazure.pid))"; \
	else \
		mkdir -p $(LOCALAZURE_DIR); \
		nohup $(ENDPOINT_PYTHON) -m localazure serve --state-dir $(LOCALAZURE_DIR) --port $(LOCALAZURE_PORT) \
			$(if $(LOCALAZURE_SEED),--seed $(LOCALAZURE_SEED)) >> $(LOCALAZURE_DIR)/server.log 2>&1 < /dev/null & \
		$(ENDPOINT_PYTHON) -m localazure wait --state-dir $(LOCALAZURE_DIR) --timeout 10; \
	fi

endpoint-stop:
	@$(ENDPOINT_PYTHON) -m localazure stop --state-dir $(LOCALAZURE_DIR)
