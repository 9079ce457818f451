# containerd-shim-rune-v2 — build, install, test, demo (wraps Maven).
#   make                 build all modules (unit tests skipped)
#   make install         install into $(PREFIX)/bin and $(PREFIX)/lib (PREFIX=/usr/local)
#   make test            unit tests, then end-to-end tests against a private containerd
#   make demo            the main job: run a container through the shim, end to end
PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
LIBDIR = $(PREFIX)/lib/containerd-shim-rune-v2
JAVA_HOME := $(shell scripts/find-jdk)
export JAVA_HOME
MVN = ./mvnw -B -q
# tests print Surefire's per-module "Tests run: ..." summaries (no -q)
MVN_TEST = ./mvnw -B -ntp
JAVA_SPEC := $(shell $(JAVA_HOME)/bin/java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
# Small, quick JVM for a per-container process: serial GC, C1 only, no perf data file in /tmp.
# -Xlog:disable: containerd reads start's stdout+stderr as the address, so the JVM must print nothing.
# ArchiveRelocationMode=0 maps the start-up cache at its preferred address: its pages then stay
# clean and shared between the daemons (relocating them makes ~10 MB private per daemon).
# -Xms must stay as trained: the AOT cache's archived heap needs that much to load.
JVM_OPTS = -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss512k -Xms8m -Xmx128m \
  -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 \
  -Xlog:disable --enable-native-access=ALL-UNNAMED $(UNSAFE_OPT)
# JDK 24+ warns on stderr when protobuf uses sun.misc.Unsafe
UNSAFE_OPT := $(shell [ "$(JAVA_SPEC)" -ge 24 ] 2>/dev/null && echo --sun-misc-unsafe-memory-access=allow)
# Start-up cache recorded at install by a training run (`containerd-shim-rune-v2 train`):
# JDK 25+ AOT cache (classes loaded and linked, method handles of the FFM calls), else AppCDS.
ifeq ($(shell [ "$(JAVA_SPEC)" -ge 25 ] 2>/dev/null && echo aot),aot)
CACHE_FILE = $(LIBDIR)/shim.aot
CACHE_RECORD = -XX:AOTCacheOutput=$(CACHE_FILE)
CACHE_USE = -XX:AOTCache=$(CACHE_FILE)
else
CACHE_FILE = $(LIBDIR)/shim.jsa
CACHE_RECORD = -XX:ArchiveClassesAtExit=$(CACHE_FILE)
CACHE_USE = -XX:SharedArchiveFile=$(CACHE_FILE)
endif

.PHONY: all build install uninstall test unit-test e2e-test demo clean

all: build

build:
	@test -n "$(JAVA_HOME)" || exit 1
	$(MVN) install -DskipTests

install: build
	install -d $(BINDIR) $(LIBDIR)
	rm -f $(LIBDIR)/*.jar $(LIBDIR)/shim.jsa $(LIBDIR)/shim.aot
	install -m 0644 shim-main/target/lib/*.jar $(LIBDIR)/
	install -m 0644 shim-main/target/shim-main-*.jar $(LIBDIR)/
	sed -e 's|@JAVA@|$(JAVA_HOME)/bin/java|' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@BINDIR@|$(BINDIR)|g' \
	    -e 's|@JVM_OPTS@|$(JVM_OPTS) $(CACHE_USE)|' scripts/containerd-shim-rune-v2.in > $(BINDIR)/containerd-shim-rune-v2.tmp
	chmod 0755 $(BINDIR)/containerd-shim-rune-v2.tmp
	mv -f $(BINDIR)/containerd-shim-rune-v2.tmp $(BINDIR)/containerd-shim-rune-v2
	@# rune is runc plus enclave support; where no real rune exists, runc stands in for it.
	@if [ -e $(BINDIR)/rune ] && [ ! -L $(BINDIR)/rune ]; then echo "rune: using installed $(BINDIR)/rune"; \
	elif r=$$(PATH=$$(echo ":$$PATH:" | sed 's|:$(BINDIR):|:|g') command -v rune); then echo "rune: using $$r"; rm -f $(BINDIR)/rune; \
	elif r=$$(command -v runc); then ln -sfn $$r $(BINDIR)/rune; echo "rune: no real rune installed; $(BINDIR)/rune -> $$r (runc stands in for rune)"; \
	else echo "rune: neither rune nor runc found; install runc (apt-get install runc)" >&2; exit 1; fi
	@# record the start-up cache with a training run (also a smoke test of the installed build)
	@$(JAVA_HOME)/bin/java $(JVM_OPTS) $(CACHE_RECORD) -cp '$(LIBDIR)/*' io.rune.shim.main.Main train \
	    >$(LIBDIR)/train.log 2>&1 || { cat $(LIBDIR)/train.log; echo "training run failed" >&2; exit 1; }
	@rm -f $(LIBDIR)/train.log
	@echo "installed $(BINDIR)/containerd-shim-rune-v2 (start-up cache $(CACHE_FILE))"

uninstall:
	rm -rf $(LIBDIR) $(BINDIR)/containerd-shim-rune-v2
	if [ -L $(BINDIR)/rune ]; then rm -f $(BINDIR)/rune; fi

unit-test:
	$(MVN_TEST) install

E2E_PREFIX ?= $(CURDIR)/target/e2e-prefix
e2e-test:
	$(MAKE) install PREFIX=$(E2E_PREFIX)
	$(MVN_TEST) -pl e2e,cri-e2e test -De2e.bin=$(E2E_PREFIX)/bin

test: unit-test e2e-test

demo:
	scripts/demo.sh

clean:
	$(MVN) clean
	rm -rf target
