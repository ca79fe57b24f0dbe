# expire.tcl - key expiry: EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT and their NX/XX/GT/LT options,
# TTL/PTTL/EXPIRETIME/PEXPIRETIME, PERSIST, which commands keep or clear a TTL, TTLs carried
# by RENAME/MOVE/COPY, and lazy and active expiry. Waits are on conditions, never sleeps.

# Wait until the wall clock has passed MS milliseconds from now, without touching any key
# (a lookup would expire it lazily, which some tests must avoid).
proc wait_ms {ms} {
    set until [expr {[clock milliseconds] + $ms}]
    wait_for_condition 1000 5 {[clock milliseconds] > $until} else { fail "clock stuck" }
}

start_server {tags {"expire"} overrides {enable-debug-command local}} {
    test "EXPIRE sets a TTL, TTL and PTTL read it" {
        r set x foo
        assert_equal 1 [r expire x 100]
        assert_range [r ttl x] 98 100
        assert_range [r pttl x] 98000 100000
        assert_equal foo [r get x]
    }

    test "EXPIRE again replaces the TTL" {
        r set x foo
        r expire x 100
        assert_equal 1 [r expire x 200]
        assert_range [r ttl x] 198 200
        assert_equal 1 [r expire x 50]
        assert_range [r ttl x] 48 50
    }

    test "PEXPIRE, EXPIREAT, PEXPIREAT" {
        r set x foo
        assert_equal 1 [r pexpire x 100000]
        assert_range [r pttl x] 98000 100000
        assert_equal 1 [r expireat x [expr {[clock seconds] + 200}]]
        assert_range [r ttl x] 198 200
        assert_equal 1 [r pexpireat x [expr {[clock milliseconds] + 300000}]]
        assert_range [r pttl x] 298000 300000
    }

    test "EXPIRE of a missing key returns 0" {
        r del nokey
        assert_equal 0 [r expire nokey 100]
        assert_equal 0 [r pexpireat nokey 99999999999999]
        assert_equal 0 [r exists nokey]
    }

    test "TTL and PTTL of a missing key and of a key without TTL" {
        r del nokey
        r set k v
        assert_equal -2 [r ttl nokey]
        assert_equal -2 [r pttl nokey]
        assert_equal -1 [r ttl k]
        assert_equal -1 [r pttl k]
    }

    test "EXPIRE with a zero, negative or past time deletes the key" {
        r set x v
        assert_equal 1 [r expire x 0]
        assert_equal 0 [r exists x]
        r set x v
        assert_equal 1 [r expire x -100]
        assert_equal 0 [r exists x]
        r set x v
        assert_equal 1 [r pexpire x -1]
        assert_equal 0 [r exists x]
        r set x v
        assert_equal 1 [r expireat x 1]
        assert_equal 0 [r exists x]
        r set x v
        assert_equal 1 [r pexpireat x [expr {[clock milliseconds] - 1000}]]
        assert_equal 0 [r exists x]
        r set x v
        assert_equal 1 [r pexpire x -9223372036854775807]
        assert_equal 0 [r exists x]
    }

    test "EXPIRE overflow is an error and leaves the key alone" {
        r set x v
        assert_error "ERR invalid expire time in 'expire' command" \
            {r expire x 9223372036854775807}
        assert_error "ERR invalid expire time in 'expire' command" \
            {r expire x -9223372036854775807}
        assert_error "ERR invalid expire time in 'pexpire' command" \
            {r pexpire x 9223372036854775807}
        assert_error "ERR invalid expire time in 'expireat' command" \
            {r expireat x 9223372036854775807}
        assert_error "ERR invalid expire time in 'expire' command" \
            {r expire x 9223372036854775}
        assert_equal v [r get x]
        assert_equal -1 [r ttl x]
        # the largest absolute time is accepted
        assert_equal 1 [r pexpireat x 9223372036854775807]
        assert_equal 9223372036854775807 [r pexpiretime x]
    }

    test "EXPIRE argument errors" {
        r set x v
        assert_error "ERR value is not an integer or out of range" {r expire x abc}
        assert_error "ERR value is not an integer or out of range" {r expire x 1.5}
        assert_error "ERR value is not an integer or out of range" {r pexpireat x {}}
        assert_error "ERR wrong number of arguments for 'expire' command" {r expire x}
    }

    # ----------------------------------------------------------------- NX / XX / GT / LT

    test "EXPIRE NX sets only when there is no TTL" {
        r set x v
        assert_equal 1 [r expire x 100 nx]
        assert_equal 0 [r expire x 200 nx]
        assert_range [r ttl x] 98 100
    }

    test "EXPIRE XX sets only when there is a TTL" {
        r set x v
        assert_equal 0 [r expire x 100 xx]
        assert_equal -1 [r ttl x]
        r expire x 100
        assert_equal 1 [r expire x 200 xx]
        assert_range [r ttl x] 198 200
    }

    test "EXPIRE GT sets only a later time; no TTL counts as infinite" {
        r set x v
        assert_equal 0 [r expire x 100 gt]
        assert_equal -1 [r ttl x]
        # absolute times: with relative ones, a millisecond between two EXPIRE x 100 makes the
        # second deadline later, and GT rightly answers 1 (seen under ASan)
        set at [expr {[clock seconds] + 100}]
        r expireat x $at
        assert_equal 0 [r expireat x [expr {$at - 50}] gt]
        assert_equal 0 [r expireat x $at gt]
        assert_equal 1 [r expire x 200 gt]
        assert_range [r ttl x] 198 200
    }

    test "EXPIRE LT sets only an earlier time; no TTL counts as infinite" {
        r set x v
        assert_equal 1 [r expire x 100 lt]
        assert_range [r ttl x] 98 100
        assert_equal 0 [r expire x 200 lt]
        assert_equal 1 [r expire x 50 lt]
        assert_range [r ttl x] 48 50
    }

    test "EXPIRE XX GT and XX LT combine" {
        r set x v
        assert_equal 0 [r expire x 100 xx gt]
        assert_equal 0 [r expire x 100 xx lt]
        r expire x 100
        assert_equal 1 [r expire x 200 xx gt]
        assert_equal 1 [r expire x 150 XX LT]
        assert_range [r ttl x] 148 150
    }

    test "EXPIRE LT with a past time deletes the key" {
        r set x v
        r expire x 100
        assert_equal 1 [r expire x -1 lt]
        assert_equal 0 [r exists x]
    }

    test "PEXPIRE and PEXPIREAT take the options too" {
        r set x v
        assert_equal 1 [r pexpire x 100000 nx]
        assert_equal 0 [r pexpire x 200000 lt]
        assert_equal 1 [r pexpireat x [expr {[clock milliseconds] + 500000}] gt]
        assert_range [r pttl x] 498000 500000
        assert_equal 0 [r expireat x 1 nx]
        assert_equal 1 [r exists x]
    }

    test "EXPIRE option errors" {
        r set x v
        set nx_err "ERR NX and XX, GT or LT options at the same time are not compatible"
        assert_error $nx_err {r expire x 100 nx xx}
        assert_error $nx_err {r expire x 100 nx gt}
        assert_error $nx_err {r expire x 100 lt nx}
        assert_error "ERR GT and LT options at the same time are not compatible" \
            {r expire x 100 gt lt}
        assert_error "ERR Unsupported option foo" {r expire x 100 foo}
        assert_error "ERR Unsupported option ex" {r pexpire x 100 ex}
        # options are checked before the time
        assert_error "ERR Unsupported option foo" {r expire x abc foo}
        assert_equal -1 [r ttl x]
    }

    # ----------------------------------------------------------------- EXPIRETIME / PERSIST

    test "EXPIRETIME and PEXPIRETIME" {
        r del nokey
        r set x v
        assert_equal -2 [r expiretime nokey]
        assert_equal -2 [r pexpiretime nokey]
        assert_equal -1 [r expiretime x]
        assert_equal -1 [r pexpiretime x]
        r pexpireat x 99999999999500
        assert_equal 99999999999500 [r pexpiretime x]
        assert_equal 100000000000 [r expiretime x]
        r expireat x 99999999999
        assert_equal 99999999999 [r expiretime x]
        assert_equal 99999999999000 [r pexpiretime x]
    }

    test "PERSIST removes the TTL" {
        r set x v
        r expire x 100
        assert_equal 1 [r persist x]
        assert_equal -1 [r ttl x]
        assert_equal 0 [r persist x]
        assert_equal 0 [r persist nokey]
        assert_equal v [r get x]
    }

    # ----------------------------------------------------------------- who keeps the TTL

    test "SET and MSET clear the TTL, SET KEEPTTL keeps it" {
        r set x v ex 100
        r set x w
        assert_equal -1 [r ttl x]
        r set x v ex 100
        r set x w keepttl
        assert_range [r ttl x] 98 100
        assert_equal w [r get x]
        r mset x z
        assert_equal -1 [r ttl x]
    }

    test "SET EX, PX, EXAT, PXAT" {
        r set x v ex 100
        assert_range [r ttl x] 98 100
        r set x v px 200000
        assert_range [r pttl x] 198000 200000
        r set x v exat [expr {[clock seconds] + 300}]
        assert_range [r ttl x] 298 300
        r set x v pxat [expr {[clock milliseconds] + 400000}]
        assert_range [r pttl x] 398000 400000
    }

    test "SET EXAT in the past: the key is gone on access" {
        r set x v exat 1
        assert_equal {} [r get x]
        assert_equal 0 [r exists x]
    }

    test "Writes that change a string in place keep its TTL" {
        r set n 10 ex 100
        r incr n
        assert_range [r ttl n] 98 100
        r incrbyfloat n 1.5
        assert_range [r ttl n] 98 100
        r append n 0
        assert_range [r ttl n] 98 100
        r setrange n 0 9
        assert_range [r ttl n] 98 100
        r set big [string repeat x 100] ex 100
        r append big y
        r setrange big 200 z
        assert_range [r ttl big] 98 100
        assert_equal 201 [r strlen big]
    }

    test "DEL then SET: the new key has no TTL" {
        r set x v ex 100
        r del x
        r set x v
        assert_equal -1 [r ttl x]
    }

    test "GETEX PERSIST and GETSET clear the TTL" {
        r set x v ex 100
        r getex x persist
        assert_equal -1 [r ttl x]
        r set x v ex 100
        r getset x w
        assert_equal -1 [r ttl x]
    }

    test "RENAME carries the TTL" {
        r del src dst
        r set src v ex 100
        r rename src dst
        assert_range [r ttl dst] 98 100
        assert_equal -2 [r ttl src]
    }

    test "RENAME of a key without TTL over a volatile key" {
        r set src v
        r set dst w ex 100
        r rename src dst
        assert_equal -1 [r ttl dst]
        assert_equal v [r get dst]
    }

    test "RENAMENX carries the TTL" {
        r del src dst
        r set src v px 100000
        assert_equal 1 [r renamenx src dst]
        assert_range [r pttl dst] 98000 100000
    }

    test "RENAME of an expired key is an error" {
        r del src
        r set src v px 1
        wait_ms 5
        assert_error "ERR no such key" {r rename src dst2}
    }

    test "MOVE carries the TTL" {
        r flushall
        r set mv v ex 100
        assert_equal 1 [r move mv 1]
        r select 1
        assert_range [r ttl mv] 98 100
        r select 0
        assert_equal -2 [r ttl mv]
    }

    test "COPY carries the TTL" {
        r flushall
        r set src v ex 100
        r copy src dst
        assert_range [r ttl dst] 98 100
        r copy src dst db 2
        r select 2
        assert_range [r ttl dst] 98 100
        r select 0
        r set plain v
        r set dst2 w ex 100
        r copy plain dst2 replace
        assert_equal -1 [r ttl dst2]
    }

    # ----------------------------------------------------------------- expiry itself

    test "A key with PEXPIRE 1 is gone on access" {
        r set x v
        r pexpire x 1
        wait_for_condition 100 10 {[r get x] eq ""} else { fail "key did not expire" }
        assert_equal 0 [r exists x]
        assert_equal -2 [r ttl x]
    }

    test "Every read and write path expires lazily" {
        foreach cmd {{get x} {strlen x} {getrange x 0 -1} {append x y} {incr x} {exists x}
            {ttl x} {type x} {setnx x z} {expire x 100} {persist x}} {
            r del x
            r set x 5 px 1
            wait_ms 5
            set reply [r {*}$cmd]
            switch -- [lindex $cmd 0] {
                get - getrange { assert_equal {} $reply $cmd }
                strlen - exists - expire - persist { assert_equal 0 $reply $cmd }
                append { assert_equal 1 $reply $cmd }
                incr { assert_equal 1 $reply $cmd }
                ttl { assert_equal -2 $reply $cmd }
                type { assert_equal none $reply $cmd }
                setnx { assert_equal 1 $reply $cmd }
            }
        }
    }

    test "Active expiry removes keys nobody touches" {
        r flushall
        for {set i 0} {$i < 100} {incr i} { r set act:$i v px 1 }
        for {set i 0} {$i < 10} {incr i} { r set keep:$i v }
        # DBSIZE reads no key: only the active cycle can bring it down to 10
        wait_for_condition 100 50 {[r dbsize] == 10} else {
            fail "active expiry did not remove the keys: dbsize [r dbsize]"
        }
        assert_equal 10 [llength [r keys keep:*]]
    }

    test "expired_keys counts expirations" {
        set before [s expired_keys]
        r set x v px 1
        wait_for_condition 100 10 {[r exists x] == 0} else { fail "key did not expire" }
        assert {[s expired_keys] > $before}
    }

    # The rest needs the active cycle stopped, so that only lazy expiry is at work.
    set have_debug [expr {![catch {r debug set-active-expire 0}]}]

    test "Lazy expiry: an expired key stays counted until touched" {
        if {!$have_debug} { puts "    (DEBUG SET-ACTIVE-EXPIRE unavailable: lazy-only part skipped)" }
        r flushall
        r set x v px 1
        r set y v
        wait_ms 5
        if {$have_debug} { assert_equal 2 [r dbsize] }
        assert_equal {} [r get x]
        assert_equal 1 [r dbsize]
    }

    test "KEYS and SCAN do not return expired keys" {
        r flushall
        for {set i 0} {$i < 50} {incr i} { r set gone:$i v px 1 }
        for {set i 0} {$i < 50} {incr i} { r set live:$i v }
        wait_ms 5
        assert_equal 50 [llength [r keys *]]
        set keys {}
        set cursor 0
        for {set calls 0} {$calls < 10000} {incr calls} {
            lassign [r scan $cursor count 7] cursor batch
            lappend keys {*}$batch
            if {$cursor == 0} break
        }
        assert_equal 50 [llength [lsort -unique $keys]]
        foreach k $keys { assert_match live:* $k }
        assert_equal 50 [r dbsize]
    }

    test "RANDOMKEY skips expired keys, and is nil when all are expired" {
        r flushall
        for {set i 0} {$i < 20} {incr i} { r set gone:$i v px 1 }
        r set live v
        wait_ms 5
        for {set i 0} {$i < 20} {incr i} { assert_equal live [r randomkey] }
        r del live
        for {set i 0} {$i < 20} {incr i} { r set gone:$i v px 1 }
        wait_ms 5
        assert_equal {} [r randomkey]
    }

    if {$have_debug} { r debug set-active-expire 1 }
}
