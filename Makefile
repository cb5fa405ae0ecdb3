# renfang — the two commands are `make demo` and `make test` (see README.md).
SWIFT ?= swift
BUILD_FLAGS ?=
PREFIX ?= /usr/local

.PHONY: all setup build test demo bench fuzz clean

all: build

setup:
	@scripts/setup

build: setup
	$(SWIFT) build $(BUILD_FLAGS)

# Builds and runs every test, the real-pty reader tests included.
test: setup
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

# Starts the reader emulator on a pty and reads cards from it in a loop, printing each card.
demo: setup
	$(SWIFT) build $(BUILD_FLAGS)
	@scripts/demo

# Decode throughput against the serial wire limit, and serial reader latency (a separate package, release).
bench:
	$(SWIFT) run -c release --package-path Benchmarks renfang-bench
	$(SWIFT) run -c release --package-path Benchmarks reader-latency 300

# Fuzz one target: make fuzz TARGET=FuzzFrameDecoder SECONDS=600
TARGET ?= FuzzFrameDecoder
SECONDS ?= 60
fuzz:
	scripts/fuzz $(TARGET) $(SECONDS)

clean:
	rm -rf .build Benchmarks/.build Fuzz/.build
