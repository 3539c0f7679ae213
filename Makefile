# chemgate — the two commands of README.md, and their parts.
#   make demo   install what is missing, build, run the demo on simulated devices
#   make test   install what is missing, check formatting, build with warnings as errors, run every test

SWIFT ?= swift
SWIFT_BUILD_FLAGS ?= -Xswiftc -warnings-as-errors

.PHONY: demo test deps build build-tests lint release bench clean

demo: deps build
	./scripts/demo.sh

# Serially: many tests run real simulators, servers and processes and assert timing behaviour
# (a dead unit must not starve its neighbours); in parallel on 2 cores they would measure the
# test runner's contention instead of chemgate. The whole suite takes about a minute.
test: deps lint build-tests
	$(SWIFT) test --skip-build --no-parallel

deps:
	./scripts/install-deps.sh

build:
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

# Builds the tests and the chemgate binary the command-line tests run.
build-tests:
	$(SWIFT) build --build-tests $(SWIFT_BUILD_FLAGS)

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

release: deps
	$(SWIFT) build -c release $(SWIFT_BUILD_FLAGS)

# Every benchmark scenario in a release build, figures beside their references (BENCHMARKS.md).
bench: deps
	$(SWIFT) build -c release --product chemgate
	$(SWIFT) build -c release --product modbus-loop-reference
	$(SWIFT) run -c release chemgate-bench all

clean:
	rm -rf .build
