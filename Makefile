# renfang — the two commands are `make demo` and `make test` (see README.md).
SWIFT ?= swift
BUILD_FLAGS ?=
PREFIX ?= /usr/local

.PHONY: all setup build test browser-test demo bench bench-daemon fuzz clean install deb

all: build

setup:
	@scripts/setup

build: setup
	$(SWIFT) build $(BUILD_FLAGS)

# Builds and runs every test, the real-pty reader tests included. One test at a time: many tests run
# processes and real servers, and on two cores parallel tests starved each other into timeouts.
test: setup
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build --no-parallel $(BUILD_FLAGS)
	RENFANG_BINDIR="$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)" tests/browser/run

# Only the browser tests of the pages (headless Chromium against a real stack; tests/browser/).
browser-test: setup
	$(SWIFT) build $(BUILD_FLAGS)
	RENFANG_BINDIR="$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)" tests/browser/run

# The whole appliance (scripts/demo-stack: upstreams, demo register, watchlist, accounts, emulated reader,
# renfangd with the pages at http://127.0.0.1:8080/), then a card on the reader every few seconds.
demo: setup
	$(SWIFT) build $(BUILD_FLAGS)
	@scripts/demo

# Decode throughput against the serial wire limit, and serial reader latency (a separate package, release).
bench:
	$(SWIFT) run -c release --package-path Benchmarks renfang-bench
	$(SWIFT) run -c release --package-path Benchmarks reader-latency 300

# The whole daemon on release binaries, as real processes (Benchmarks/README.md, "The daemon"): card-to-alert
# latency, HTTP under 50 clients, resident memory, start-up time. Takes about 10 minutes; figures are only
# valid on a quiet machine. make bench-daemon BENCH_ARGS="--only latency --runs 50"
BENCH_ARGS ?=
bench-daemon:
	$(foreach b,$(BINARIES),$(SWIFT) build $(RELEASE_FLAGS) $(BUILD_FLAGS) --product $(b) &&) true
	$(SWIFT) run -c release --package-path Benchmarks daemon-bench --bin "$$($(SWIFT) build $(RELEASE_FLAGS) $(BUILD_FLAGS) --show-bin-path)" $(BENCH_ARGS)

# Fuzz one target: make fuzz TARGET=FuzzFrameDecoder SECONDS=600
TARGET ?= FuzzFrameDecoder
SECONDS ?= 60
fuzz:
	scripts/fuzz $(TARGET) $(SECONDS)

clean:
	rm -rf .build Benchmarks/.build Fuzz/.build

# --- install and deb ---------------------------------------------------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=/staging]: release build of renfangd, renfang and
# renfang-upstream (Swift runtime linked statically), then binaries, systemd unit, sysusers.d,
# tmpfiles.d, udev rules, the pages (web/ to $(WEBDIR)) and the default configuration (never over an
# existing one; its http.pages_dir names $(WEBDIR)).
# BINDIR_FROM=DIR takes already-built binaries from DIR instead of building (the packaging tests).
BINARIES := renfangd renfang renfang-upstream
BINDIR_FROM ?=
RELEASE_FLAGS ?= -c release --static-swift-stdlib
UNITDIR ?= /lib/systemd/system
SYSUSERSDIR ?= /usr/lib/sysusers.d
TMPFILESDIR ?= /usr/lib/tmpfiles.d
UDEVRULESDIR ?= /lib/udev/rules.d
SYSCONFDIR ?= /etc
DOCDIR ?= $(PREFIX)/share/doc/renfang
WEBDIR ?= $(PREFIX)/share/renfang/web
DEB_DIR ?= $(CURDIR)/.build/deb
# The version has one source, WebAPI.version (what /api/v1/health reports); the .deb adds the commit count.
VERSION := $(shell sed -n 's/.*public static let version = "\(.*\)".*/\1/p' Sources/WebAPI/WebAPI+Auth.swift)
DEB_VERSION ?= $(VERSION)+git$(shell git rev-list --count HEAD 2>/dev/null || echo 0)
DEB_ARCH ?= $(shell dpkg --print-architecture 2>/dev/null || echo amd64)

INSTALL_BINDIR = $(if $(BINDIR_FROM),$(BINDIR_FROM),$(shell $(SWIFT) build $(RELEASE_FLAGS) $(BUILD_FLAGS) --show-bin-path))

install:
	$(if $(BINDIR_FROM),,$(foreach b,$(BINARIES),$(SWIFT) build $(RELEASE_FLAGS) $(BUILD_FLAGS) --product $(b) &&) true)
	install -d -m 0755 $(DESTDIR)$(PREFIX)/bin
	$(foreach b,$(BINARIES),install -m 0755 $(INSTALL_BINDIR)/$(b) $(DESTDIR)$(PREFIX)/bin/$(b) &&) true
	install -d -m 0755 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(DOCDIR)
	sed 's#/usr/bin/renfangd#$(PREFIX)/bin/renfangd#; s#/usr/share/doc/renfang#$(DOCDIR)#' systemd/renfangd.service > $(DESTDIR)$(UNITDIR)/renfangd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/renfangd.service
	install -m 0644 systemd/sysusers.d/renfang.conf $(DESTDIR)$(SYSUSERSDIR)/renfang.conf
	install -m 0644 systemd/tmpfiles.d/renfang.conf $(DESTDIR)$(TMPFILESDIR)/renfang.conf
	install -m 0644 udev/60-renfang-readers.rules $(DESTDIR)$(UDEVRULESDIR)/60-renfang-readers.rules
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	sed 's#^  pages_dir: /usr/share/renfang/web$$#  pages_dir: $(WEBDIR)#' etc/renfang.yaml > $(DESTDIR)$(DOCDIR)/renfang.yaml.example
	chmod 0644 $(DESTDIR)$(DOCDIR)/renfang.yaml.example
	cd web && find . -type d -exec install -d -m 0755 "$(DESTDIR)$(WEBDIR)/{}" \; \
	  && find . -type f -exec install -m 0644 "{}" "$(DESTDIR)$(WEBDIR)/{}" \;
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/renfang
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/renfang/renfang.yaml ]; then \
	  echo "install: keeping the existing $(DESTDIR)$(SYSCONFDIR)/renfang/renfang.yaml (the default is $(DOCDIR)/renfang.yaml.example)"; \
	else \
	  install -m 0640 $(DESTDIR)$(DOCDIR)/renfang.yaml.example $(DESTDIR)$(SYSCONFDIR)/renfang/renfang.yaml; \
	fi

# make deb: a .deb of `make install PREFIX=/usr` in $(DEB_DIR) (DEB_VERSION, DEB_ARCH, BINDIR_FROM).
deb:
	rm -rf $(DEB_DIR)/root
	$(MAKE) --no-print-directory install DESTDIR=$(DEB_DIR)/root PREFIX=/usr $(if $(BINDIR_FROM),BINDIR_FROM=$(BINDIR_FROM)) BUILD_FLAGS="$(BUILD_FLAGS)"
	scripts/make-deb $(DEB_DIR)/root $(DEB_VERSION) $(DEB_ARCH) $(DEB_DIR)
