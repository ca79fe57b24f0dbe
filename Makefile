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

ifeq ($(SANITIZER),)
  VARIANT  := release
  SANFLAGS :=
  ALLOCLIB  = $(JE_LIBS)
else
  VARIANT  := $(SANITIZER)
  SANFLAGS := -fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=all -DVL_LIBC_MALLOC
  ALLOCLIB  =
endif

CFLAGS  := $(CFLAGS_BASE) $(SANFLAGS) $(EXTRA_CFLAGS)
LDLIBS   = $(LIBS_PC) $(ALLOCLIB) -lm -lpthread
OBJDIR  := src/.build/$(VARIANT)

SRCS     := $(filter-out src/main.c,$(wildcard src/*.c))
OBJS     := $(patsubst src/%.c,$(OBJDIR)/%.o,$(SRCS))
MAINOBJ  := $(OBJDIR)/main.o
SERVER   := src/valkey-lite-server
LIBA     := src/libvalkeylite.a
VARSTAMP := src/.build/variant

CTEST_SRCS := $(wildcard tests/c/test_*.c tests/c/lib_*.c)
CTEST_BINS := $(patsubst tests/c/%.c,tests/c/.build/%,$(CTEST_SRCS))
UTIL_SRCS  := $(wildcard utils/*.c)
UTIL_BINS  := $(patsubst %.c,%,$(UTIL_SRCS))

.PHONY: all deps run test test-c test-tcl bench fuzz check-symbols clean format format-check \
        test-defrag-loop test-defrag-stress install

all: deps $(SERVER) $(LIBA) src/valkey-lite.pc $(UTIL_BINS)

deps:
	@sh deps/check.sh || sh deps/install.sh

$(VARSTAMP): FORCE
	@mkdir -p src/.build
	@[ "$$(cat $@ 2>/dev/null)" = "$(VARIANT)" ] || echo "$(VARIANT)" > $@
FORCE:

$(OBJDIR)/%.o: src/%.c | $(OBJDIR)
	$(CC) $(CFLAGS) -c $< -o $@

$(OBJDIR):
	@mkdir -p $@

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

check-symbols: $(LIBA)
	@bad=$$(nm -g --defined-only $(LIBA) | awk 'NF==3{print $$3}' | grep -v '^vl' || true); \
	if [ -n "$$bad" ]; then echo "non-vl symbols exported:"; echo "$$bad"; exit 1; fi; \
	echo "check-symbols: only vl* exported"

# lib_*.c tests link the public archive, as a host program would.
tests/c/.build/lib_%: tests/c/lib_%.c $(LIBA) $(VARSTAMP)
	@mkdir -p tests/c/.build
	$(CC) $(CFLAGS) -Isrc -Itests/c -o $@ $< $(LIBA) $(HIREDIS) $(LDLIBS)

tests/c/.build/%: tests/c/%.c $(OBJS) $(VARSTAMP)
	@mkdir -p tests/c/.build
	$(CC) $(CFLAGS) -Isrc -Itests/c -o $@ $< $(OBJS) $(LDLIBS) $(HIREDIS)

utils/%: utils/%.c $(LIBA) $(VARSTAMP)
	$(CC) $(CFLAGS) -Isrc -o $@ $< $(LIBA) $(LDLIBS) $(HIREDIS)

run: all
	./$(SERVER) valkey-lite.conf

test-c: all $(CTEST_BINS)

test: all $(CTEST_BINS)
	tclsh tests/test_helper.tcl --ctests "$(CTEST_BINS)" $(TEST_ARGS)

test-tcl: all
	tclsh tests/test_helper.tcl $(TEST_ARGS)

# The whole suite with every server moving every block continuously (use with
# SANITIZER=address: defrag bugs are use-after-free bugs).
test-defrag-stress: all $(CTEST_BINS)
	tclsh tests/test_helper.tcl --server-args "--active-defrag-force-all yes" $(TEST_ARGS)

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
FUZZ_CC := clang -std=c11 -g -O1 -D_GNU_SOURCE -DVL_LIBC_MALLOC -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc
fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p tests/fuzz/.build/corpus-$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		tests/fuzz/.build/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
			-print_final_stats=1 -artifact_prefix=tests/fuzz/.build/ \
			tests/fuzz/.build/corpus-$$t tests/fuzz/seeds-$$t || exit 1; \
	done

tests/fuzz/.build/fuzz_proto: tests/fuzz/fuzz_proto.c src/proto.c src/util.c src/alloc.c src/*.h
	mkdir -p $(@D)
	$(FUZZ_CC) -o $@ tests/fuzz/fuzz_proto.c src/proto.c src/util.c src/alloc.c -lm

tests/fuzz/.build/fuzz_reply: tests/fuzz/fuzz_reply.c src/respparse.c src/util.c src/alloc.c src/*.h
	mkdir -p $(@D)
	$(FUZZ_CC) -o $@ tests/fuzz/fuzz_reply.c src/respparse.c src/util.c src/alloc.c -lm

# the config parser calls into the whole server tier (hooks, logging)
tests/fuzz/.build/fuzz_config: tests/fuzz/fuzz_config.c $(SRCS) src/*.h
	mkdir -p $(@D)
	$(FUZZ_CC) -o $@ tests/fuzz/fuzz_config.c $(SRCS) $(LIBS_PC) -lm -lpthread

format:
	clang-format -i src/*.c src/*.h tests/c/*.c tests/fuzz/*.c utils/*.c

format-check:
	clang-format --dry-run --Werror src/*.c src/*.h

install: $(LIBA)
	install -d $(PREFIX)/include $(PREFIX)/lib/pkgconfig
	install -m 644 src/valkey-lite.h $(PREFIX)/include/
	install -m 644 $(LIBA) $(PREFIX)/lib/
	sed 's|@PREFIX@|$(PREFIX)|' src/valkey-lite.pc.in > $(PREFIX)/lib/pkgconfig/valkey-lite.pc

clean:
	rm -rf src/.build tests/c/.build tests/fuzz/.build $(SERVER) $(LIBA) src/valkey-lite.pc $(UTIL_BINS)

-include $(wildcard $(OBJDIR)/*.d)
