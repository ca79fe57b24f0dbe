# keyspace.tcl - generic key commands: DEL/UNLINK/EXISTS/TYPE/TOUCH, KEYS, RENAME/RENAMENX,
# MOVE, COPY, RANDOMKEY, SCAN and OBJECT. TTL-related behaviour is in expire.tcl.

# Every key SCAN returns, iterating from cursor 0 to the end with the given extra arguments.
# Bounded: a cursor that never returns to 0 fails the test instead of hanging it.
proc scan_all {args} {
    set keys {}
    set cursor 0
    for {set calls 0} {$calls < 100000} {incr calls} {
        lassign [r scan $cursor {*}$args] cursor batch
        lappend keys {*}$batch
        if {$cursor == 0} { return $keys }
    }
    fail "SCAN did not finish after $calls calls"
}

start_server {tags {"keyspace"}} {
    test "DEL against a single item" {
        r set x foo
        assert_equal foo [r get x]
        assert_equal 1 [r del x]
        assert_equal {} [r get x]
    }

    test "DEL against multiple keys, missing keys and duplicates" {
        r mset k1 a k2 b k3 c
        assert_equal 3 [r del k1 k2 nokey k3 k1]
        assert_equal 0 [r exists k1 k2 k3]
        assert_equal 0 [r del k1]
    }

    test "UNLINK removes keys like DEL" {
        r mset u1 a u2 b
        assert_equal 2 [r unlink u1 u2 nokey]
        assert_equal 0 [r exists u1 u2]
    }

    test "UNLINK of a big value" {
        r set bigu [string repeat x 1000000]
        assert_equal 1 [r unlink bigu]
        assert_equal 0 [r exists bigu]
        r set bigu small
        assert_equal small [r get bigu]
    }

    test "EXISTS counts every argument, duplicates included" {
        r del e1 e2
        r set e1 a
        assert_equal 1 [r exists e1]
        assert_equal 0 [r exists e2]
        assert_equal 3 [r exists e1 e1 e2 e1]
    }

    test "TYPE of a string and of a missing key" {
        r set t1 v
        r set t2 123
        assert_equal string [r type t1]
        assert_equal string [r type t2]
        assert_equal none [r type nokey]
    }

    test "TYPE of a list, a hash and a set" {
        r del tl th ts
        r rpush tl a
        r hset th f v
        r sadd ts m
        assert_equal list [r type tl]
        assert_equal hash [r type th]
        assert_equal set [r type ts]
    }

    test "TOUCH counts existing keys" {
        r mset t1 a t2 b
        assert_equal 2 [r touch t1 t2 nokey]
        assert_equal 3 [r touch t1 t1 t2]
    }

    test "KEYS with patterns" {
        r flushdb
        foreach k {foo_a foo_b foo_c key_x key_y hello hallo hxllo hllo heeeello} {
            r set $k 1
        }
        assert_equal {foo_a foo_b foo_c} [lsort [r keys foo*]]
        assert_equal 10 [llength [r keys *]]
        assert_equal {hallo hello hxllo} [lsort [r keys h?llo]]
        assert_equal {hallo hello} [lsort [r keys {h[ae]llo}]]
        assert_equal {hallo hxllo} [lsort [r keys {h[^e]llo}]]
        assert_equal {hallo} [lsort [r keys {h[a-b]llo}]]
        assert_equal {hallo heeeello hello hllo hxllo} [lsort [r keys {h*llo}]]
        assert_equal {heeeello hello} [lsort [r keys {he*llo}]]
        assert_equal {} [r keys nomatch*]
        assert_equal {key_x} [r keys key_x]
    }

    test "KEYS with escapes and binary names" {
        r flushdb
        r set "a*b" 1
        r set "axb" 1
        r set "bin\x00key" 1
        assert_equal {a*b} [r keys {a\*b}]
        assert_equal {a*b axb} [lsort [r keys {a*b}]]
        assert_equal [list "bin\x00key"] [r keys "bin*"]
    }

    test "KEYS on an empty db" {
        r flushdb
        assert_equal {} [r keys *]
    }

    # ----------------------------------------------------------------- RENAME

    test "RENAME basic usage" {
        r flushdb
        r set mykey hello
        assert_equal OK [r rename mykey mykey1]
        assert_equal OK [r rename mykey1 mykey2]
        assert_equal hello [r get mykey2]
        assert_equal 0 [r exists mykey mykey1]
    }

    test "RENAME keeps int, embstr, raw and binary values" {
        set raw [string repeat "r\x00" 100]
        r mset ri 12345 re short rr $raw
        r rename ri ri2
        r rename re re2
        r rename rr rr2
        assert_equal {12345 short} [r mget ri2 re2]
        assert_equal $raw [r get rr2]
        assert_equal int [r object encoding ri2]
        assert_equal raw [r object encoding rr2]
    }

    test "RENAME overwrites the destination" {
        r set src a
        r set dst b
        assert_equal OK [r rename src dst]
        assert_equal a [r get dst]
        assert_equal 0 [r exists src]
    }

    test "RENAME over a key of another type" {
        r del src dst
        r set src a
        r rpush dst x
        r rename src dst
        assert_equal string [r type dst]
        assert_equal a [r get dst]
    }

    test "RENAME of a list, a hash and a set" {
        r del l l2 h h2 s s2
        r rpush l a b c
        r hset h f1 v1 f2 v2
        r sadd s x y
        r rename l l2
        r rename h h2
        r rename s s2
        assert_equal {a b c} [r lrange l2 0 -1]
        assert_equal v2 [r hget h2 f2]
        assert_equal {x y} [lsort [r smembers s2]]
        assert_equal 0 [r exists l h s]
    }

    test "RENAME errors" {
        r del nokey
        assert_error "ERR no such key" {r rename nokey x}
        assert_error "ERR no such key" {r rename nokey nokey}
        assert_error "ERR wrong number of arguments for 'rename' command" {r rename a}
    }

    test "RENAME a key to itself" {
        r set same v
        assert_equal OK [r rename same same]
        assert_equal v [r get same]
        assert_equal 0 [r renamenx same same]
        assert_equal v [r get same]
    }

    test "RENAMENX" {
        r del a b
        r set a 1
        assert_equal 1 [r renamenx a b]
        assert_equal 1 [r get b]
        r set a 2
        assert_equal 0 [r renamenx a b]
        assert_equal {2 1} [r mget a b]
        assert_error "ERR no such key" {r renamenx nokey b}
    }

    # ----------------------------------------------------------------- MOVE

    test "MOVE a key to another db" {
        r flushall
        r set mv hello
        assert_equal 1 [r move mv 9]
        assert_equal 0 [r exists mv]
        r select 9
        assert_equal hello [r get mv]
        r select 0
    }

    test "MOVE does not overwrite an existing key in the target db" {
        r flushall
        r set mv a
        r select 9
        r set mv b
        r select 0
        assert_equal 0 [r move mv 9]
        assert_equal a [r get mv]
        r select 9
        assert_equal b [r get mv]
        r select 0
    }

    test "MOVE of a missing key" {
        r flushall
        assert_equal 0 [r move nokey 1]
    }

    test "MOVE of a list keeps its elements" {
        r flushall
        r rpush ml a b c
        assert_equal 1 [r move ml 1]
        r select 1
        assert_equal {a b c} [r lrange ml 0 -1]
        r select 0
    }

    test "MOVE errors" {
        r set mv v
        assert_error "ERR source and destination objects are the same" {r move mv 0}
        assert_error "ERR DB index is out of range" {r move mv 16}
        assert_error "ERR DB index is out of range" {r move mv -1}
        assert_error "ERR value is not an integer or out of range" {r move mv abc}
        assert_error "ERR value is out of range, value must between -2147483648 and 2147483647" \
            {r move mv 99999999999}
        assert_equal v [r get mv]
    }

    # ----------------------------------------------------------------- COPY

    test "COPY a string" {
        r flushall
        r set src hello
        assert_equal 1 [r copy src dst]
        assert_equal {hello hello} [r mget src dst]
        r set dst other
        assert_equal hello [r get src]
    }

    test "COPY does not overwrite without REPLACE" {
        r mset src a dst b
        assert_equal 0 [r copy src dst]
        assert_equal b [r get dst]
        assert_equal 1 [r copy src dst replace]
        assert_equal a [r get dst]
        assert_equal 1 [r copy src dst REPLACE REPLACE]
    }

    test "COPY of int, raw and binary values" {
        set raw [string repeat "q\x00" 200]
        r mset ci 42 cr $raw
        r copy ci ci2
        r copy cr cr2
        assert_equal 42 [r get ci2]
        assert_equal $raw [r get cr2]
        r append cr2 tail
        assert_equal $raw [r get cr]
        assert_equal 43 [r incr ci2]
        assert_equal 42 [r get ci]
    }

    test "COPY to another db" {
        r flushall
        r set src v
        assert_equal 1 [r copy src src db 3]
        assert_equal 1 [r copy src other db 3]
        r select 3
        assert_equal {v v} [r mget src other]
        r select 0
        assert_equal v [r get src]
        assert_equal 0 [r copy src src db 3]
        assert_equal 1 [r copy src src db 3 replace]
    }

    test "COPY of a missing key" {
        r del nokey dst
        assert_equal 0 [r copy nokey dst]
        assert_equal 0 [r exists dst]
    }

    test "COPY of a list, a hash and a set is a deep copy" {
        r flushall
        r rpush l a b c
        r hset h f1 v1
        r sadd s x y
        r copy l l2
        r copy h h2
        r copy s s2
        r rpush l2 d
        r hset h2 f2 v2
        r sadd s2 z
        assert_equal {a b c} [r lrange l 0 -1]
        assert_equal {a b c d} [r lrange l2 0 -1]
        assert_equal 1 [r hlen h]
        assert_equal 2 [r hlen h2]
        assert_equal {x y} [lsort [r smembers s]]
        assert_equal {x y z} [lsort [r smembers s2]]
    }

    test "COPY errors" {
        r set src v
        assert_error "ERR source and destination objects are the same" {r copy src src}
        assert_error "ERR source and destination objects are the same" {r copy src src db 0}
        assert_error "ERR DB index is out of range" {r copy src dst db 16}
        assert_error "ERR value is not an integer or out of range" {r copy src dst db x}
        assert_error "ERR syntax error" {r copy src dst db}
        assert_error "ERR syntax error" {r copy src dst foo}
        assert_error "ERR wrong number of arguments for 'copy' command" {r copy src}
    }

    # ----------------------------------------------------------------- RANDOMKEY

    test "RANDOMKEY on an empty db is nil" {
        r flushdb
        assert_equal {} [r randomkey]
    }

    test "RANDOMKEY returns existing keys, and eventually each of them" {
        r flushdb
        r mset a 1 b 2 c 3
        set seen {}
        for {set i 0} {$i < 1000 && [llength $seen] < 3} {incr i} {
            set k [r randomkey]
            assert {$k in {a b c}}
            if {$k ni $seen} { lappend seen $k }
        }
        assert_equal {a b c} [lsort $seen]
    }

    # ----------------------------------------------------------------- SCAN

    test "SCAN returns every key of 1000 at least once, whatever COUNT" {
        r flushdb
        for {set i 0} {$i < 1000} {incr i} { r set key:$i $i }
        foreach count {1 5 10 100 1000 5000} {
            set keys [lsort -unique [scan_all count $count]]
            assert_equal 1000 [llength $keys] "COUNT $count"
            assert_equal key:0 [lindex [lsort $keys] 0]
        }
    }

    test "SCAN cursor and reply shape" {
        r flushdb
        for {set i 0} {$i < 100} {incr i} { r set k:$i v }
        set reply [r scan 0 count 5]
        assert_equal 2 [llength $reply]
        lassign $reply cursor keys
        assert [string is digit -strict $cursor]
        assert {[llength $keys] >= 1}
        r flushdb
        assert_equal {0 {}} [r scan 0]
    }

    test "SCAN MATCH" {
        r flushdb
        for {set i 0} {$i < 1000} {incr i} {
            r set key:$i $i
            if {$i % 10 == 0} { r set other:$i $i }
        }
        set keys [lsort -unique [scan_all match other:* count 20]]
        assert_equal 100 [llength $keys]
        foreach k $keys { assert_match other:* $k }
        assert_equal 1100 [llength [lsort -unique [scan_all match * count 100]]]
        assert_equal {} [scan_all match nomatch*]
    }

    test "SCAN TYPE" {
        r flushdb
        for {set i 0} {$i < 100} {incr i} { r set s:$i $i }
        for {set i 0} {$i < 50} {incr i} { r rpush l:$i a }
        for {set i 0} {$i < 20} {incr i} { r hset h:$i f v }
        set strings [lsort -unique [scan_all type string count 10]]
        assert_equal 100 [llength $strings]
        foreach k $strings { assert_match s:* $k }
        assert_equal 50 [llength [lsort -unique [scan_all type list]]]
        assert_equal 20 [llength [lsort -unique [scan_all TYPE HASH]]]
        assert_equal 0 [llength [scan_all type set]]
        assert_equal 11 [llength [lsort -unique [scan_all type list match l:1*]]]
    }

    test "SCAN TYPE with an unknown type name is an error (Valkey 8); stream matches nothing" {
        r flushdb
        for {set i 0} {$i < 20} {incr i} { r set s:$i $i }
        assert_error "ERR unknown type name 'nosuchtype'" {r scan 0 type nosuchtype}
        assert_equal {} [scan_all type stream]
    }

    test "SCAN errors" {
        assert_error "ERR invalid cursor" {r scan abc}
        assert_error "ERR invalid cursor" {r scan 1x}
        assert_error "ERR invalid cursor" {r scan { 1}}
        assert_error "ERR invalid cursor" {r scan 99999999999999999999999}
        assert_error "ERR syntax error" {r scan 0 count 0}
        assert_error "ERR syntax error" {r scan 0 count -1}
        assert_error "ERR value is not an integer or out of range" {r scan 0 count x}
        assert_error "ERR syntax error" {r scan 0 count}
        assert_error "ERR syntax error" {r scan 0 match}
        assert_error "ERR syntax error" {r scan 0 type}
        assert_error "ERR syntax error" {r scan 0 foo bar}
    }

    test "SCAN keeps returning stable keys while others come and go" {
        r flushdb
        for {set i 0} {$i < 500} {incr i} { r set stable:$i 1 }
        set seen {}
        set cursor 0
        set n 0
        for {set calls 0} {$calls < 100000} {incr calls} {
            lassign [r scan $cursor count 10] cursor batch
            foreach k $batch { dict set seen $k 1 }
            # churn: add and remove other keys between calls (grows and shrinks the table)
            for {set j 0} {$j < 20} {incr j} { r set temp:$n 1; incr n }
            if {$n > 200} { r del temp:[expr {$n - 200}] }
            if {$cursor == 0} break
        }
        for {set i 0} {$i < 500} {incr i} {
            assert [dict exists $seen stable:$i] "stable:$i missing"
        }
    }

    # ----------------------------------------------------------------- OBJECT

    test "OBJECT ENCODING" {
        r set oi 123
        r set oe hello
        r set or [string repeat x 100]
        assert_equal int [r object encoding oi]
        assert_equal embstr [r object encoding oe]
        assert_equal raw [r object encoding or]
        assert_equal {} [r object encoding nokey]
    }

    test "OBJECT REFCOUNT and IDLETIME" {
        r set o v
        assert {[r object refcount o] >= 1}
        assert_range [r object idletime o] 0 2
        assert_equal {} [r object refcount nokey]
        assert_equal {} [r object idletime nokey]
    }

    test "OBJECT FREQ needs an LFU policy, IDLETIME needs an LRU one" {
        r set o v
        assert_error "ERR An LFU maxmemory policy is not selected, access frequency not tracked.*" \
            {r object freq o}
        r config set maxmemory-policy allkeys-lfu
        assert {[r object freq o] >= 0}
        assert_error "ERR An LFU maxmemory policy is selected, idle time not tracked.*" \
            {r object idletime o}
        r config set maxmemory-policy noeviction
        assert_range [r object idletime o] 0 2
    }

    test "OBJECT HELP" {
        set help [r object help]
        assert_match "OBJECT <subcommand>*" [lindex $help 0]
        assert {[lsearch -glob $help "ENCODING <key>"] >= 0}
        assert {[lsearch -glob $help "HELP"] >= 0}
    }

    test "OBJECT errors" {
        assert_error "ERR unknown subcommand 'foo'. Try OBJECT HELP." {r object foo}
        assert_error "ERR unknown subcommand 'foo'. Try OBJECT HELP." {r object foo k}
        assert_error "ERR wrong number of arguments for 'object|encoding' command" \
            {r object encoding}
        assert_error "ERR wrong number of arguments for 'object|encoding' command" \
            {r object encoding a b}
        assert_error "ERR wrong number of arguments for 'object|help' command" {r object help x}
        assert_error "ERR wrong number of arguments for 'object' command" {r object}
    }

    test "OBJECT does not create or touch keys" {
        r del nokey
        r object encoding nokey
        assert_equal 0 [r exists nokey]
    }
}
