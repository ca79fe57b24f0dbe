# debug.tcl - DEBUG: POPULATE, DIGEST / DIGEST-VALUE, OBJECT, SLEEP, SET-ACTIVE-EXPIRE,
# MALLCTL, LOG, subcommand errors, and the enable-debug-command gate.

proc server_ms {} {
    lassign [r time] sec usec
    return [expr {$sec * 1000 + $usec / 1000}]
}

start_server {tags {"debug"}} {
    test "DEBUG POPULATE creates prefix:N keys holding value:N" {
        r flushall
        assert_equal OK [r debug populate 1000]
        assert_equal 1000 [r dbsize]
        assert_equal value:0 [r get key:0]
        assert_equal value:999 [r get key:999]
        assert_equal "" [r get key:1000]
        r debug populate 10 pfx
        assert_equal value:7 [r get pfx:7]
        assert_equal 1010 [r dbsize]
    }

    test "DEBUG POPULATE size pads with zero bytes or cuts" {
        r debug populate 3 padded 12
        assert_equal "value:2\x00\x00\x00\x00\x00" [r get padded:2]
        assert_equal 12 [r strlen padded:0]
        r debug populate 3 cut 3
        assert_equal val [r get cut:1]
        r debug populate 2 long 200
        assert_equal 200 [r strlen long:1]
        assert_equal value:1 [string range [r get long:1] 0 6]
    }

    test "DEBUG POPULATE leaves existing keys alone" {
        r set key:5 mine
        r debug populate 10
        assert_equal mine [r get key:5]
    }

    test "DEBUG POPULATE argument errors" {
        assert_error "*must be positive*" {r debug populate -1}
        assert_error "*must be positive*" {r debug populate x}
        assert_error "*must be positive*" {r debug populate 1 p -5}
        assert_error "*unknown subcommand or wrong number of arguments for 'populate'*" \
            {r debug populate 1 a 2 3}
    }

    test "DEBUG POPULATE of 200000 keys" {
        r flushall
        r debug populate 200000 big 10
        assert_equal 200000 [r dbsize]
        r flushall
    }

    test "DEBUG POPULATE of a million keys takes seconds, not minutes" {
        r flushall
        set t0 [clock milliseconds]
        r debug populate 1000000
        set ms [expr {[clock milliseconds] - $t0}]
        assert_equal 1000000 [r dbsize]
        assert {$ms < 10000} "took $ms ms"
        r flushall
    } {slow}

    test "DEBUG DIGEST is all zeros for an empty dataset" {
        r flushall
        assert_equal [string repeat 0 40] [r debug digest]
    }

    test "DEBUG DIGEST is stable, order-insensitive, and sees every change" {
        r flushall
        r set a 1
        r set b hello
        r set c [string repeat z 300]
        set d1 [r debug digest]
        assert_match {[0-9a-f]*} $d1
        assert_equal 40 [string length $d1]
        assert_equal $d1 [r debug digest]
        # the same data written in another order
        r flushall
        r set c [string repeat z 300]
        r set b hello
        r set a 1
        assert_equal $d1 [r debug digest]
        r set b hellp
        set d2 [r debug digest]
        assert_not_equal $d1 $d2
        r set b hello
        assert_equal $d1 [r debug digest]
        # an expire changes it, removing it restores it
        r expire a 1000
        assert_not_equal $d1 [r debug digest]
        r persist a
        assert_equal $d1 [r debug digest]
        # the same keys in another db are another dataset
        r move a 1
        assert_not_equal $d1 [r debug digest]
    }

    test "DEBUG DIGEST: two servers with the same data agree" {
        r flushall
        r debug populate 500 same 20
        set here [r debug digest]
        start_server {} {
            r debug populate 500 same 20
            assert_equal $here [r debug digest]
        }
    }

    test "DEBUG DIGEST-VALUE" {
        r flushall
        r set x foo
        r set y foo
        r set z bar
        lassign [r debug digest-value x y z nosuch] dx dy dz dn
        assert_equal $dx $dy
        assert_not_equal $dx $dz
        assert_equal [string repeat 0 40] $dn
        assert_equal {} [r debug digest-value]
    }

    test "DEBUG OBJECT" {
        r set emb hello
        r set num 12345
        r set raw [string repeat r 100]
        assert_match "Value at:0x* refcount:1 encoding:embstr serializedlength:* lru:* lru_seconds_idle:*" \
            [r debug object emb]
        assert_match "*encoding:int*" [r debug object num]
        assert_match "*encoding:raw*" [r debug object raw]
        assert_error "ERR no such key*" {r debug object nosuch}
    }

    test "DEBUG SLEEP 0 and fractions" {
        assert_equal OK [r debug sleep 0]
        assert_equal OK [r debug sleep 0.01]
        assert_equal PONG [r ping]
    }

    test "DEBUG SET-ACTIVE-EXPIRE 0 keeps expired keys until touched" {
        r flushall
        r debug set-active-expire 0
        r set e1 v px 1
        r set e2 v px 1
        set set_ms [server_ms]
        wait_for_condition 100 5 {[server_ms] > $set_ms + 5} else { fail "server clock stuck" }
        # both keys are past their TTL; with active expire off, nothing removes them
        assert_equal 2 [r dbsize]
        assert_equal "" [r get e1]
        assert_equal 1 [r dbsize]
        r debug set-active-expire 1
        wait_for_condition 100 20 {[r dbsize] == 0} else {
            fail "active expire did not remove e2"
        }
    }

    test "DEBUG MALLCTL reads allocator controls" {
        if {![string match jemalloc* [s mem_allocator]]} {
            assert_error "*not supported*" {r debug mallctl arenas.page}
            return
        }
        assert_equal 4096 [r debug mallctl arenas.page]
        assert_error "ERR No such file or directory*" {r debug mallctl no.such.control}
        assert {[r debug mallctl-str opt.thp] ne ""}
        assert_error "*" {r debug mallctl-str no.such.control}
        assert_error "*not an integer*" {r debug mallctl arenas.page x}
    }

    test "DEBUG LOG writes to the server log" {
        r debug log "marker-from-debug-test"
        wait_for_log_messages "*DEBUG LOG: marker-from-debug-test*" 50 20
    }

    test "DEBUG ERROR replies with the given error" {
        assert_error "FOOERR custom text" {r debug error "FOOERR custom text"}
    }

    test "DEBUG unknown subcommand, bad arity, HELP" {
        assert_error "ERR unknown subcommand or wrong number of arguments for 'nope'. Try DEBUG HELP." \
            {r debug nope}
        assert_error "ERR unknown subcommand or wrong number of arguments for 'object'*" \
            {r debug object}
        assert_error "*wrong number of arguments for 'debug' command" {r debug}
        assert_match "DEBUG <subcommand>*" [lindex [r debug help] 0]
    }
}

start_server {tags {"debug"} overrides {enable-debug-command no}} {
    test "enable-debug-command no refuses DEBUG" {
        assert_error "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.*" \
            {r debug sleep 0}
        assert_equal PONG [r ping]
    }
}

start_server {tags {"debug"} overrides {enable-debug-command local}} {
    test "enable-debug-command local allows a loopback client" {
        assert_equal OK [r debug sleep 0]
    }
}

start_server {tags {"debug"} overrides {enable-debug-command yes}} {
    test "DEBUG HTSTATS, and active rehash finishes a grown table on an idle server" {
        assert_match "*No stats available for empty dictionaries*" [r debug htstats 0]
        assert_error "*Out of range database*" {r debug htstats 99}
        # 40,000 keys: the table doubles at 32,768, and the inserts after that move only
        # part of it, so the rest is left to the active rehash timer
        r config set activerehashing no
        r debug populate 40000 k 8
        set st [r debug htstats 0]
        assert_match "*rehashing target*" $st
        assert_match "*number of elements: *" $st
        r config set activerehashing yes
        wait_for_condition 200 20 {![string match "*rehashing target*" [r debug htstats 0]]} else {
            fail "the table is still rehashing: [r debug htstats 0]"
        }
        assert_match "*table size: 65536*number of elements: 40000*" [r debug htstats 0]
        assert_equal 40000 [r dbsize]
    }
}

start_server {tags {"debug"}} {
    test "DEBUG PROTOCOL: one reply of each RESP type, in RESP2 and RESP3" {
        set c [deferring_client]
        set cases {
            string {{$11} {Hello World}} {{$11} {Hello World}}
            integer {:12345} {:12345}
            double {{$5} 3.141} {,3.141}
            bignum {{$37} 1234567999999999999999999999999999999}
                   {(1234567999999999999999999999999999999}
            null {{$-1}} {_}
            array {*3 :0 :1 :2} {*3 :0 :1 :2}
            set {*3 :0 :1 :2} {~3 :0 :1 :2}
            map {*6 :0 :0 :1 :1 :2 :0} {%3 :0 #f :1 #t :2 #f}
            true {:1} {{#t}}
            false {:0} {{#f}}
            attrib {{$39} {Some real reply following the attribute}}
                   {|1 {$14} key-popularity *2 {$7} key:123 :90 {$39}
                    {Some real reply following the attribute}}
        }
        lappend cases verbatim [list {$25} "This is a verbatim\nstring"] \
            [list {=29} "txt:This is a verbatim\nstring"]
        foreach {type resp2 resp3} $cases {
            foreach proto {2 3} expected [list $resp2 $resp3] {
                $c hello $proto
                $c read
                $c readraw 1
                $c debug protocol $type
                set got {}
                foreach _ $expected { lappend got [$c read] }
                assert_equal [list {*}$expected] $got "$type in RESP$proto"
                $c readraw 0
            }
        }
        $c hello 3
        $c read
        $c readraw 1
        $c debug protocol push
        set got {}
        for {set i 0} {$i < 6} {incr i} { lappend got [$c read] }
        assert_equal [list >2 {$16} server-cpu-usage :42 {$40} {Some real reply following the push reply}] $got
        $c readraw 0
        $c hello 2
        $c read
        $c debug protocol push
        assert_error "*RESP2 is not supported*" {$c read}
        $c debug protocol nope
        assert_error "*Wrong protocol type name*" {$c read}
        $c close
    }

    test "DEBUG PAUSE-CRON stops background work, 0 resumes it" {
        r flushall
        r debug set-active-expire 1
        assert_equal OK [r debug pause-cron 1]
        r psetex paused 1 v
        # expired but untouched: with the cron paused nothing removes it
        # three cron periods (hz 10) by the server's own clock, the key still there
        set t0 [server_ms]
        wait_for_condition 100 10 {[server_ms] > $t0 + 300} else { fail "server clock stuck" }
        assert_equal 1 [r dbsize]
        assert_equal 0 [s expired_keys]
        assert_equal OK [r debug pause-cron 0]
        wait_for_condition 100 20 {[r dbsize] == 0} else { fail "cron did not resume" }
    }

    test "DEBUG DICT-RESIZING 0 keeps the keyspace table from growing while it can" {
        r flushall
        assert_equal OK [r debug dict-resizing 0]
        r debug populate 100
        # 100 keys in a table held back (it still grows once five times over full)
        assert_match "*number of elements: 100*" [r debug htstats 0]
        set size0 [regexp -inline {table size: [0-9]+} [r debug htstats 0]]
        assert_equal OK [r debug dict-resizing 1]
        r set one-more v
        wait_for_condition 100 20 {
            [regexp -inline {table size: [0-9]+} [r debug htstats 0]] ne $size0
        } else { fail "table did not grow once resizing was back: $size0" }
        r flushall
    }

    test "DEBUG QUICKLIST-PACKED-THRESHOLD takes memory values" {
        assert_equal OK [r debug quicklist-packed-threshold 1b]
        assert_equal OK [r debug quicklist-packed-threshold 100mb]
        assert_equal OK [r debug quicklist-packed-threshold 0]
        assert_error "*memory value*" {r debug quicklist-packed-threshold lots}
    }

    test "DEBUG HTSTATS-KEY: a hash table value's tables; compact values are refused" {
        r del h s
        for {set i 0} {$i < 300} {incr i} { r hset h f$i v; r sadd s m$i }
        assert_match "*Hash table 0 stats*table size:*number of elements:*" [r debug htstats-key h]
        assert_match "*Hash table 0 stats*number of elements:*" [r debug htstats-key s full]
        r hset small a b
        assert_error "*not represented using an hash table*" {r debug htstats-key small}
        assert_error "*no such key*" {r debug htstats-key nokey}
    }
}
