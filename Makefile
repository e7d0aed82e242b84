# Conventional entry points; each delegates to npm, Maven or docker compose.
SHELL := bash
.DEFAULT_GOAL := help
.PHONY: help setup build demo test test-ha bench udf deploy up down clean e2e

NPM_STAMP := node_modules/.package-lock.json
# One id per make invocation: the test servers it starts inherit it, so the leftover check counts only those.
TEST_RUN := $(shell date +%s)-$(shell od -An -N4 -tx4 /dev/urandom | tr -d ' ')

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(NPM_STAMP): package-lock.json
	npm ci --no-audit --no-fund

setup: $(NPM_STAMP) build ## install dependencies (npm ci) and build

build: $(NPM_STAMP) ## compile the TypeScript workspaces (tsc -b) and link the stream-smarts command (npx stream-smarts)
	npm run build
	@# npm ci links a workspace's bin only if its file exists, and cli/dist is built after it: on a
	@# fresh clone `npx stream-smarts` found nothing. rebuild links it (and makes it executable).
	npm rebuild --ignore-scripts @stream-smarts/cli

demo: setup ## the whole product in one process, no Kafka: a simulated day with a heater left on at 04:00 (stream-smarts run)
	node cli/dist/main.js run

test: setup ## run every test: the Java UDF (Maven), TypeScript against real Kafka and H2O, then a real Home Assistant (test-ha)
	@mkdir -p .cache/test-results .cache/udf
	@# vitest strips types without checking them; tests, harnesses and benches are type-checked here.
	npx tsc -p tsconfig.tests.json
	@# No unused file, export, dependency or unlisted import (knip.json names the entry points).
	npx knip --no-progress
	@# The import boundaries between the packages (eslint.config.mjs): entries only, contracts ← notifier, pi-collector ← cli.
	npx eslint --max-warnings 0 .
	@# The MQTT tests run against a real Mosquitto (Debian package): found, or installed as root, or a loud stop.
	testing/mosquitto/ensure.sh
	@# The Home Assistant double renders notify templates with Jinja2, as Home Assistant does.
	@python3 -c 'import jinja2' 2>/dev/null || python3 -m pip install --quiet 'jinja2>=3.1,<4'
	mvn -B -f udf-java verify
	@# Tests that score with the jar use this copy: the deploy tests rebuild udf-java/target meanwhile.
	cp udf-java/target/stream-smarts-udf.jar .cache/udf/stream-smarts-udf.jar
	STREAM_SMARTS_UDF_JAR=$(CURDIR)/.cache/udf/stream-smarts-udf.jar TESTRUN_STREAM_SMARTS=$(TEST_RUN) \
	  npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/test-results/vitest.json
	@scripts/check-no-leftovers.sh $(TEST_RUN)
	@node scripts/test-summary.mjs
	@# Last: delivery against a real Home Assistant, restarted and frozen (minutes of waiting, so on its own).
	$(MAKE) --no-print-directory test-ha

test-ha: setup ## delivery against a real Home Assistant 2024.3.3 (PyPI, installed into the user cache): restarted for 5, 20, 60 s and frozen, each alert exactly once
	testing/homeassistant/ensure.sh
	npx vitest run --config testing/homeassistant/vitest.config.ts

udf: build ## the ANOMOLY_POWER jar with models/current inside, into ext/ (stream-smarts build)
	node cli/dist/main.js build

deploy: build ## build the jar, ship it to the compose stack's ksqlDB, apply ksql/ (stream-smarts deploy)
	node cli/dist/main.js deploy

up: ## start the docker-compose stack (Kafka, Schema Registry, ksqlDB, notifier) and wait until it is healthy
	docker compose up -d --wait

e2e: setup ## the full stack on Docker end to end: up, deploy, the 2018 reading to ANOMOLY_POWER and the notifier, down (scripts/e2e.sh); CP_VERSION=<release> for another Confluent Platform
	@# CP_VERSION (make e2e CP_VERSION=8.3.1, the environment or .env; else docker-compose.yml's default) reaches compose and deploy unchanged.
	scripts/e2e.sh

down: ## stop the docker-compose stack
	docker compose down

bench: setup ## print every benchmark's figures (make bench ONLY=udf|collector|notifier|train|detect|pipeline|memory)
	scripts/bench.sh $(or $(ONLY),all)

clean: ## remove build output and caches (the test Kafka and H2O jars)
	npm run clean
	rm -rf .cache "$${XDG_CACHE_HOME:-$$HOME/.cache}/stream-smarts"
