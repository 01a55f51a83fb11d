# Thin wrapper over CMake. The build lives in build/ (and build-asan/ for `make test`).
#   make        install missing dependencies (Debian 12, root), configure, build build/bpfline
#   make test   -Werror build + unit tests, ASan/UBSan build + unit tests, runtime tests
#   make golden         codegen golden tests (tests/codegen/run.sh; root), FILTER=regex
#   make golden-update  rewrite their golden files from the current build
#   make compat         bpftrace's runtime suite (../shared/bpftrace-suite): the tests of
#                       tests/compat/passing.txt must pass (root); FILTER=regex
#   make compat-all     every test of the suite, with the newly passing ones listed
#   make compat-update  append to passing.txt the tests that pass 3 runs in a row
#   make compat-vm      the suite's kprobe/fentry tests in the VM lane: those of
#                       tests/compat/passing-vm.txt must pass (root, qemu); FILTER=regex
#   make compat-vm-all  every kprobe/fentry test of the suite in the VM, new ones listed
#   make compat-vm-update  append to passing-vm.txt what passes 3 runs in a row
#   make fuzz   build the libFuzzer harnesses (build-fuzz/, clang-19) and fuzz each
#               for SECONDS (60) on its corpus tests/fuzz/corpus/ (tests/fuzz/run.sh)
#   make fuzz-replay  run the harnesses over the committed corpus (no mutation)
#   make bad    the bad-input corpus tests/bad/ against build-asan/bpfline
#   make alloc  the allocation-failure sweep tests/alloc/ against build-asan/bpfline
#               (FILTER=regex; SWEEP=--every fails every allocation, not a sample)
#   make demo   build, then count system calls by process for 5 seconds (root)
#   make install        install into PREFIX (default /usr/local), under DESTDIR if set:
#                       bin/bpfline, the man page, share/bpfline/tools, completion, docs
#   make uninstall      remove what the last `make install` from this build installed
#   make deb    build/bpfline_<version>_<arch>.deb (scripts/make-deb.sh)
#   make clean  remove the build trees

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
SECONDS    ?= 60
JOBS       ?= $(shell nproc)
PREFIX     ?= /usr/local
DEMO_PROG  ?= tracepoint:raw_syscalls:sys_enter { @[comm] = count(); } interval:s:5 { exit(); }

MAKEFLAGS += --no-print-directory

.PHONY: all deps build test runtime golden golden-update compat compat-all compat-update \
	compat-vm compat-vm-all compat-vm-update fuzz fuzz-build fuzz-replay bad alloc \
	demo tracefs clean install uninstall deb

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

test:
	@BUILD=$(BUILD) ASAN_BUILD=$(ASAN_BUILD) JOBS=$(JOBS) scripts/test.sh

# Runtime tests only, against the current build (e.g. make runtime FILTER=hello).
runtime: build tracefs
	@tests/runtime/run.sh -b $(BUILD)/bpfline $(if $(FILTER),-f '$(FILTER)') tests/runtime/cases/*.cases

# Codegen golden tests: `bpfline -d ir` of tests/codegen/ir.cases against
# tests/codegen/golden/ (e.g. make golden FILTER=agg_). golden-update rewrites them:
# review the diff (git diff tests/codegen/golden) before committing.
golden: build tracefs
	@tests/codegen/run.sh -b $(BUILD)/bpfline $(if $(FILTER),-f '$(FILTER)')

golden-update: build tracefs
	@tests/codegen/run.sh -b $(BUILD)/bpfline -u $(if $(FILTER),-f '$(FILTER)')

# bpftrace's own runtime suite (tests/compat/run.sh; see tests/compat/README.md).
compat: build tracefs
	@tests/compat/run.sh -b $(BUILD)/bpfline $(if $(FILTER),'$(FILTER)')

compat-all: build tracefs
	@tests/compat/run.sh -b $(BUILD)/bpfline --all $(if $(FILTER),'$(FILTER)')

compat-update: build tracefs
	@tests/compat/run.sh -b $(BUILD)/bpfline --update $(if $(FILTER),'$(FILTER)')

compat-vm: build
	@tests/compat/run.sh -b $(BUILD)/bpfline --vm --listed $(if $(FILTER),'$(FILTER)')

compat-vm-all: build
	@tests/compat/run.sh -b $(BUILD)/bpfline --vm $(if $(FILTER),'$(FILTER)')

compat-vm-update: build
	@tests/compat/run.sh -b $(BUILD)/bpfline --vm --update $(if $(FILTER),'$(FILTER)')

install: build
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

uninstall:
	@DESTDIR="$(DESTDIR)" cmake --build $(BUILD) --target uninstall

deb: build
	@cmake --build $(BUILD) --target deb

# Fuzzing (tests/fuzz/run.sh): libFuzzer harnesses of the front end and of codegen,
# built with clang-19 under ASan/UBSan in $(FUZZ_BUILD)/.
fuzz-build: deps
	@FUZZ_BUILD=$(FUZZ_BUILD) JOBS=$(JOBS) tests/fuzz/run.sh build

fuzz: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) tests/fuzz/run.sh fuzz $(SECONDS)

fuzz-replay: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) tests/fuzz/run.sh replay

# The bad-input corpus (tests/bad/run.py) against the ASan/UBSan build.
bad: deps
	@cmake -S . -B $(ASAN_BUILD) -DBPFL_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@tests/bad/run.py -b $(ASAN_BUILD)/bpfline $(if $(FILTER),-f '$(FILTER)')

# The allocation-failure sweep (tests/alloc/sweep.py) against the ASan/UBSan
# build, which honours BPFL_FAIL_ALLOC.
alloc: deps tracefs
	@cmake -S . -B $(ASAN_BUILD) -DBPFL_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@tests/alloc/sweep.py -b $(ASAN_BUILD)/bpfline -j $(JOBS) $(if $(FILTER),-f '$(FILTER)') $(SWEEP)

tracefs:
	@if [ "$$(id -u)" = 0 ]; then scripts/mount-tracefs.sh; fi

demo: build tracefs
	@echo '$$ $(BUILD)/bpfline -e '"'"'$(DEMO_PROG)'"'"
	@$(BUILD)/bpfline -e '$(DEMO_PROG)'

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
