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
JVM_OPTS = -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss512k -Xms8m -Xmx128m \
  -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$(LIBDIR)/shim.jsa -Xlog:disable \
  --enable-native-access=ALL-UNNAMED $(UNSAFE_OPT)
# JDK 24+ warns on stderr when protobuf uses sun.misc.Unsafe; start/delete must print nothing else
UNSAFE_OPT := $(shell [ "$$($(JAVA_HOME)/bin/java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')" -ge 24 ] 2>/dev/null && echo --sun-misc-unsafe-memory-access=allow)

.PHONY: all build install uninstall test unit-test e2e-test demo clean

all: build

build:
	@test -n "$(JAVA_HOME)" || exit 1
	$(MVN) install -DskipTests

install: build
	install -d $(BINDIR) $(LIBDIR)
	rm -f $(LIBDIR)/*.jar $(LIBDIR)/shim.jsa
	install -m 0644 shim-main/target/lib/*.jar $(LIBDIR)/
	install -m 0644 shim-main/target/shim-main-*.jar $(LIBDIR)/
	sed -e 's|@JAVA@|$(JAVA_HOME)/bin/java|' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@BINDIR@|$(BINDIR)|g' \
	    -e 's|@JVM_OPTS@|$(JVM_OPTS)|' scripts/containerd-shim-rune-v2.in > $(BINDIR)/containerd-shim-rune-v2.tmp
	chmod 0755 $(BINDIR)/containerd-shim-rune-v2.tmp
	mv -f $(BINDIR)/containerd-shim-rune-v2.tmp $(BINDIR)/containerd-shim-rune-v2
	@# rune is runc plus enclave support; where no real rune exists, runc stands in for it.
	@if [ -e $(BINDIR)/rune ] && [ ! -L $(BINDIR)/rune ]; then echo "rune: using installed $(BINDIR)/rune"; \
	elif r=$$(PATH=$$(echo ":$$PATH:" | sed 's|:$(BINDIR):|:|g') command -v rune); then echo "rune: using $$r"; rm -f $(BINDIR)/rune; \
	elif r=$$(command -v runc); then ln -sfn $$r $(BINDIR)/rune; echo "rune: no real rune installed; $(BINDIR)/rune -> $$r (runc stands in for rune)"; \
	else echo "rune: neither rune nor runc found; install runc (apt-get install runc)" >&2; exit 1; fi
	@# warm the class-data archive once so the first container does not pay for it
	$(BINDIR)/containerd-shim-rune-v2 -v >/dev/null

uninstall:
	rm -rf $(LIBDIR) $(BINDIR)/containerd-shim-rune-v2
	if [ -L $(BINDIR)/rune ]; then rm -f $(BINDIR)/rune; fi

unit-test:
	$(MVN) install

E2E_PREFIX ?= $(CURDIR)/target/e2e-prefix
e2e-test:
	$(MAKE) install PREFIX=$(E2E_PREFIX)
	$(MVN) -pl e2e test -De2e.bin=$(E2E_PREFIX)/bin

test: unit-test e2e-test

demo:
	scripts/demo.sh

clean:
	$(MVN) clean
	rm -rf target
