# valkey-lite: one Makefile for the server, the library, the tools and the tests.
#   make                   server + library + utils
#   make run               install missing packages, build, run on valkey-lite.conf
#   make test              install, build, run the C tests and the Tcl suite
#   make SANITIZER=address test   the same under AddressSanitizer (libc malloc)
#   make bench             short peer benchmark against redis-server

CC       ?= cc
SANITIZER ?=
OPT      ?= -O2
CFLAGS_BASE := -std=c11 -Wall -Wextra -Werror $(OPT) -g -D_GNU_SOURCE -MMD -MP
PKGS     := libevent jemalloc
LIBS_PC   = $(shell pkg-config --libs libevent 2>/dev/null || echo -levent)
JE_LIBS   = $(shell pkg-config --libs jemalloc 2>/dev/null || echo -ljemalloc)
HIREDIS   = $(shell pkg-config --libs hiredis 2>/dev/null || echo -lhiredis)

# The allocator layer has two implementations behind src/ds/alloc.h: jemalloc for release
# builds, libc malloc under a sanitizer (ASan must see every block).
ifeq ($(SANITIZER),)
  VARIANT  := release
  SANFLAGS :=
  ALLOCLIB  = $(JE_LIBS)
  ALLOC_SRC := src/alloc_jemalloc.c
else
  VARIANT  := $(SANITIZER)
  SANFLAGS := -fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=all \
              -DVL_LIBC_MALLOC -DVL_ASSERTS
  ALLOCLIB  =
  ALLOC_SRC := src/alloc_libc.c
endif

# DEBUG=1: invariants checked (VL_ASSERT) in a jemalloc build too; its own objects
ifneq ($(DEBUG),)
  SANFLAGS += -DVL_ASSERTS
  VARIANT  := $(VARIANT)-debug
endif

CFLAGS  := $(CFLAGS_BASE) $(SANFLAGS) -Isrc -Isrc/ds $(EXTRA_CFLAGS)
LDLIBS   = $(LIBS_PC) $(ALLOCLIB) -lm -lpthread
OBJDIR  := src/.build/$(VARIANT)

# Two tiers. src/ds/ is the pure tier (data structures and codecs: no server, libevent or
# jemalloc header; make check-layers), built as its own archive; its unit tests link only
# that archive and the allocator. The server tier is everything else in src/.
DS_SRCS  := $(wildcard src/ds/*.c)
DS_OBJS  := $(patsubst src/ds/%.c,$(OBJDIR)/ds/%.o,$(DS_SRCS))
DSLIB    := $(OBJDIR)/libvlds.a
ALLOCOBJ := $(OBJDIR)/alloc.o
SRV_SRCS := $(filter-out src/main.c src/alloc_jemalloc.c src/alloc_libc.c,$(wildcard src/*.c))
SRV_OBJS := $(patsubst src/%.c,$(OBJDIR)/%.o,$(SRV_SRCS))
OBJS     := $(SRV_OBJS) $(ALLOCOBJ) $(DS_OBJS)
SRCS     := $(SRV_SRCS) $(ALLOC_SRC) $(DS_SRCS)
MAINOBJ  := $(OBJDIR)/main.o
SERVER   := src/valkey-lite-server
LIBA     := src/libvalkeylite.a
VARSTAMP := src/.build/variant

# tests/c: test_*.c test one src/ds module (the archive + the allocator), srv_*.c the server
# tier (every object), lib_*.c the public library as a host program links it.
CTEST_SRCS := $(wildcard tests/c/test_*.c tests/c/srv_*.c tests/c/lib_*.c)
CTEST_BINS := $(patsubst tests/c/%.c,tests/c/.build/%,$(CTEST_SRCS))
UTIL_SRCS  := $(wildcard utils/*.c)
UTIL_BINS  := $(patsubst %.c,%,$(UTIL_SRCS))

.PHONY: all deps run test test-c test-tcl test-valkey bench fuzz check-symbols check-layers clean format \
        format-check test-defrag-loop test-defrag-stress install

all: deps $(SERVER) $(LIBA) src/valkey-lite.pc $(UTIL_BINS)

deps:
	@sh deps/check.sh || sh deps/install.sh

$(VARSTAMP): FORCE
	@mkdir -p src/.build
	@[ "$$(cat $@ 2>/dev/null)" = "$(VARIANT)" ] || echo "$(VARIANT)" > $@
FORCE:

$(OBJDIR)/%.o: src/%.c | $(OBJDIR)
	$(CC) $(CFLAGS) -c $< -o $@

$(OBJDIR)/ds/%.o: src/ds/%.c | $(OBJDIR)
	$(CC) $(CFLAGS) -c $< -o $@

$(ALLOCOBJ): $(ALLOC_SRC) $(VARSTAMP) | $(OBJDIR)
	$(CC) $(CFLAGS) -c $(ALLOC_SRC) -o $@

$(OBJDIR):
	@mkdir -p $@ $@/ds

$(DSLIB): $(DS_OBJS)
	rm -f $@ && ar rcs $@ $(DS_OBJS)

$(SERVER): $(OBJS) $(MAINOBJ) $(VARSTAMP)
	$(CC) $(CFLAGS) -o $@ $(OBJS) $(MAINOBJ) $(LDLIBS)

# The library is one relocatable object in which every global but the vl* API is made
# local, so a host can link it beside hiredis and libevent without clashes.
$(LIBA): $(OBJS) $(VARSTAMP)
	ld -r -o $(OBJDIR)/valkeylite.o $(OBJS)
	objcopy -w --keep-global-symbol='vl*' $(OBJDIR)/valkeylite.o
	rm -f $@ && ar rcs $@ $(OBJDIR)/valkeylite.o

PREFIX ?= /usr/local
src/valkey-lite.pc: src/valkey-lite.pc.in Makefile
	sed 's|@PREFIX@|$(PREFIX)|' $< > $@

# The pure tier includes only its own headers and the public valkey-lite.h (for vlReply):
# never a server-tier, libevent or jemalloc header. Its unit tests (tests/c/test_*.c) link
# the pure-tier archive and the allocator alone, which proves the same at link time.
DS_TESTS := $(patsubst tests/c/%.c,tests/c/.build/%,$(wildcard tests/c/test_*.c))
check-layers: $(DS_TESTS)
	@bad=""; for f in src/ds/*.c src/ds/*.h; do \
		for h in $$(sed -n 's/^#include *"\([^"]*\)".*/\1/p' $$f); do \
			[ -f src/ds/$$h ] || [ "$$h" = valkey-lite.h ] || bad="$$bad $$f:$$h"; \
		done; \
		if grep -qE '^#include *<(event2/|event\.h|evhttp|jemalloc)' $$f; then bad="$$bad $$f:<lib>"; fi; \
	done; \
	if [ -n "$$bad" ]; then echo "check-layers: the pure tier includes:$$bad"; exit 1; fi; \
	echo "check-layers: src/ds includes only src/ds headers; its tests link without the server"

check-symbols: $(LIBA)
	@bad=$$(nm -g --defined-only $(LIBA) | awk 'NF==3{print $$3}' | grep -v '^vl' || true); \
	if [ -n "$$bad" ]; then echo "non-vl symbols exported:"; echo "$$bad"; exit 1; fi; \
	echo "check-symbols: only vl* exported"

# lib_*.c tests link the public archive, as a host program would.
tests/c/.build/lib_%: tests/c/lib_%.c $(LIBA) $(VARSTAMP)
	@mkdir -p tests/c/.build
	$(CC) $(CFLAGS) -Itests/c -o $@ $< $(LIBA) $(HIREDIS) $(LDLIBS)

tests/c/.build/srv_%: tests/c/srv_%.c $(OBJS) $(VARSTAMP)
	@mkdir -p tests/c/.build
	$(CC) $(CFLAGS) -Itests/c -o $@ $< $(OBJS) $(LDLIBS) $(HIREDIS)

# a pure-tier test: nothing of the server tier, libevent or hiredis
tests/c/.build/test_%: tests/c/test_%.c $(DSLIB) $(ALLOCOBJ) $(VARSTAMP)
	@mkdir -p tests/c/.build
	$(CC) $(CFLAGS) -Itests/c -o $@ $< $(DSLIB) $(ALLOCOBJ) $(ALLOCLIB) -lm -lpthread

utils/%: utils/%.c $(LIBA) $(VARSTAMP)
	$(CC) $(CFLAGS) -o $@ $< $(LIBA) $(LDLIBS) $(HIREDIS)

run: all
	./$(SERVER) valkey-lite.conf

test-c: all $(CTEST_BINS)
	@for t in $(CTEST_BINS); do echo "== $$t"; $$t || exit 1; done

test: all $(CTEST_BINS)
	tclsh tests/test_helper.tcl --ctests "$(CTEST_BINS)" $(TEST_ARGS)

test-tcl: all
	tclsh tests/test_helper.tcl $(TEST_ARGS)

# The whole suite with every server moving every block continuously (use with
# SANITIZER=address: defrag bugs are use-after-free bugs).
test-defrag-stress: all $(CTEST_BINS)
	tclsh tests/test_helper.tcl --server-args "--active-defrag-force-all yes" $(TEST_ARGS)

# Valkey's own test files, unchanged, through Valkey's harness (needs a Valkey source tree:
# make test-valkey VALKEY_SRC=/path/to/valkey [VALKEY_FILES="unit/multi ..."]). Not in CI.
test-valkey: all
	@test -n "$(VALKEY_SRC)" || { echo "set VALKEY_SRC to a Valkey source tree"; exit 2; }
	utils/test-valkey.sh src/valkey-lite-server "$(VALKEY_SRC)" $(VALKEY_FILES)

test-defrag-loop: all
	tclsh tests/test_helper.tcl --single tests/unit/defrag.tcl --loop 20

bench: all
	sh utils/bench.sh --short

# libFuzzer (clang, ASan, UBSan, libc malloc) on what reads untrusted bytes: the request
# parser, the reply parser behind vlCall, and the configuration text parser. Not part of
# `make test`: a fuzz run is open-ended; FUZZ_SECONDS bounds each target.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := proto reply config
FUZZ_BINS := $(patsubst %,tests/fuzz/.build/fuzz_%,$(FUZZ_TARGETS))
FUZZ_CC := clang -std=c11 -g -O1 -D_GNU_SOURCE -DVL_LIBC_MALLOC -DVL_ASSERTS -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc -Isrc/ds
fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p tests/fuzz/.build/corpus-$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		tests/fuzz/.build/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
			-print_final_stats=1 -artifact_prefix=tests/fuzz/.build/ \
			tests/fuzz/.build/corpus-$$t tests/fuzz/seeds-$$t || exit 1; \
	done

tests/fuzz/.build/fuzz_proto: tests/fuzz/fuzz_proto.c $(DS_SRCS) src/alloc_libc.c src/ds/*.h
	mkdir -p $(@D)
	$(FUZZ_CC) -o $@ tests/fuzz/fuzz_proto.c $(DS_SRCS) src/alloc_libc.c -lm

tests/fuzz/.build/fuzz_reply: tests/fuzz/fuzz_reply.c $(DS_SRCS) src/alloc_libc.c src/ds/*.h
	mkdir -p $(@D)
	$(FUZZ_CC) -o $@ tests/fuzz/fuzz_reply.c $(DS_SRCS) src/alloc_libc.c -lm

# the config parser calls into the whole server tier (hooks, logging)
tests/fuzz/.build/fuzz_config: tests/fuzz/fuzz_config.c $(SRV_SRCS) $(DS_SRCS) src/*.h src/ds/*.h
	mkdir -p $(@D)
	$(FUZZ_CC) -o $@ tests/fuzz/fuzz_config.c $(SRV_SRCS) $(DS_SRCS) src/alloc_libc.c \
		$(LIBS_PC) -lm -lpthread

format:
	clang-format -i src/*.c src/*.h src/ds/*.c src/ds/*.h tests/c/*.c tests/fuzz/*.c utils/*.c

format-check:
	clang-format --dry-run --Werror src/*.c src/*.h src/ds/*.c src/ds/*.h tests/c/*.c \
		tests/fuzz/*.c utils/*.c

install: $(LIBA)
	install -d $(PREFIX)/include $(PREFIX)/lib/pkgconfig
	install -m 644 src/valkey-lite.h $(PREFIX)/include/
	install -m 644 $(LIBA) $(PREFIX)/lib/
	sed 's|@PREFIX@|$(PREFIX)|' src/valkey-lite.pc.in > $(PREFIX)/lib/pkgconfig/valkey-lite.pc

clean:
	rm -rf src/.build tests/c/.build tests/fuzz/.build $(SERVER) $(LIBA) src/valkey-lite.pc $(UTIL_BINS)

-include $(wildcard $(OBJDIR)/*.d $(OBJDIR)/ds/*.d)
