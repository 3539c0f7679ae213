# chemgate — the two commands of README.md, and their parts.
#   make demo   install what is missing, build, run the demo on simulated devices
#   make test   install what is missing, check formatting, build with warnings as errors, run every test

SWIFT ?= swift
SWIFT_BUILD_FLAGS ?= -Xswiftc -warnings-as-errors
# What ships (make release, make package) and what make bench measures: the Swift runtime linked in
# statically, so the benchmark's memory and start figures are those of the packaged binary. Linked by
# lld with packed relative relocations (DT_RELR, glibc >= 2.36: 3.4 MB of relocation table that every
# start reads becomes 28 KB) and without exporting the binary's own symbols (a 1.2 MB dynamic symbol
# table nothing looks up): about 8 MB less resident memory (docs/operations.md, "Memory and CPU").
# Every function in its own section, the functions `chemgate run` executes at start and on every
# cycle (packaging/symbol-order.txt, written by scripts/symbol-order.sh) placed first and the ones
# without a symbol gathered before them (packaging/text-layout.ld): the code it runs sits together
# instead of being spread over the whole text, which the kernel maps 64 KiB at a time (about 15 MB less
# resident code). A release build made with other flags must be removed first
# (.build/<triple>/release): the Swift driver does not recompile for a changed -Xfrontend flag.
RELEASE_FLAGS ?= -c release --static-swift-stdlib -Xswiftc -use-ld=lld \
	-Xlinker -z -Xlinker pack-relative-relocs -Xlinker --no-export-dynamic \
	-Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections \
	-Xlinker --symbol-ordering-file=$(CURDIR)/packaging/symbol-order.txt -Xlinker --no-warn-symbol-ordering \
	-Xlinker -T -Xlinker $(CURDIR)/packaging/text-layout.ld

.PHONY: demo test deps build build-tests lint relink release package package-test bench clean

demo: deps build
	./scripts/demo.sh

# Serially: many tests run real simulators, servers and processes and assert timing behaviour
# (a dead unit must not starve its neighbours); in parallel on 2 cores they would measure the
# test runner's contention instead of chemgate. The whole suite takes about five minutes.
test: deps lint build-tests
	$(SWIFT) test --skip-build --no-parallel

deps:
	./scripts/install-deps.sh

build:
	./scripts/build-info.sh
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

# Builds the tests and the chemgate binary the command-line tests run.
build-tests:
	./scripts/build-info.sh
	$(SWIFT) build --build-tests $(SWIFT_BUILD_FLAGS)

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

# SwiftPM does not know the linker's order file and script as inputs of the link: a release binary
# older than either (scripts/symbol-order.sh wrote a new order, or a pull brought one) is removed, so
# that the build links it again with them instead of keeping the old layout.
# Every executable target of Package.swift (each is named on the line after its `.executableTarget(`).
RELEASE_BINARIES = $(shell grep -A1 '\.executableTarget' Package.swift | sed -n 's/^ *name: "\([^"]*\)".*/\1/p')
relink:
	@for binary in $(addprefix .build/release/,$(RELEASE_BINARIES)); do \
		if [ -e "$$binary" ] && { [ packaging/symbol-order.txt -nt "$$binary" ] || [ packaging/text-layout.ld -nt "$$binary" ]; }; then \
			echo "relink: $$binary is older than the release layout (packaging/); linking it again"; rm -f "$$binary"; \
		fi; \
	done

# The Swift runtime linked in statically: the binary runs on a box without Swift (docs/operations.md).
release: deps relink
	./scripts/build-info.sh --date
	$(SWIFT) build $(RELEASE_FLAGS) $(SWIFT_BUILD_FLAGS)

# The Debian package (.build/package/chemgate_<version>_<arch>.deb, debug info beside it).
package: release
	./scripts/package.sh

# Installs the package on this machine (root), runs the installed gateway, removes and purges it.
package-test: package
	./scripts/test-package.sh

# Every benchmark scenario in a release build made with make release's flags (the figures are of
# what ships, and switching between the two rebuilds nothing), beside their references (BENCHMARKS.md).
# BENCH_ARGS is passed to `chemgate-bench all`, e.g. BENCH_ARGS='--soak-minutes 10' (the soak lasts
# an hour by default) or BENCH_ARGS=--quick (a smoke run: make test runs it in debug, BenchSmokeTests).
BENCH_ARGS ?=
bench: deps relink
	./scripts/build-info.sh
	$(SWIFT) build $(RELEASE_FLAGS) $(SWIFT_BUILD_FLAGS) --product chemgate
	$(SWIFT) build $(RELEASE_FLAGS) $(SWIFT_BUILD_FLAGS) --product modbus-loop-reference
	$(SWIFT) build $(RELEASE_FLAGS) $(SWIFT_BUILD_FLAGS) --product mqtt-loop-reference
	$(SWIFT) build $(RELEASE_FLAGS) $(SWIFT_BUILD_FLAGS) --product stack-floor-reference
	$(SWIFT) build $(RELEASE_FLAGS) $(SWIFT_BUILD_FLAGS) --product log-floor-reference
	$(SWIFT) build $(RELEASE_FLAGS) $(SWIFT_BUILD_FLAGS) --product chemgate-bench
	.build/release/chemgate-bench all $(BENCH_ARGS)

clean:
	rm -rf .build
