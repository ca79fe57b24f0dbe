# list-blocking.tcl - BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP: immediate answers, waiting,
# arrival order, timeouts, disconnects, keys deleted or retyped while waited on, chains of
# moves, CLIENT UNBLOCK, and pipelined commands behind a blocked one.

proc wait_blocked {n} {
    wait_for_condition 200 10 {[s blocked_clients] == $n} else {
        fail "blocked_clients never reached $n (now [s blocked_clients])"
    }
}

start_server {tags {list blocking}} {
    test "BLPOP/BRPOP answer at once when a key has data, first key first" {
        r del a b c
        r rpush b 1 2 3
        r rpush c x
        assert_equal {b 1} [r blpop a b c 0]
        assert_equal {b 3} [r brpop a b c 0]
        assert_equal {b 2} [r blpop a b c 1]
        assert_equal 0 [r exists b]
        assert_equal {c x} [r brpop a b c 0.5]
        assert_equal 0 [s blocked_clients]
    }

    test "A blocked client shows flag b and its command in CLIENT LIST" {
        r del k
        set rd [deferring_client]
        $rd client id
        set id [$rd read]
        $rd blpop k 0
        wait_blocked 1
        set line [r client list id $id]
        assert_match "*flags=b *" $line
        assert_match "*cmd=blpop*" $line
        r client unblock $id
        assert_equal "" [$rd read]
        $rd close
    }

    test "BLPOP is served by a later RPUSH" {
        r del k
        set rd [deferring_client]
        $rd blpop k 0
        wait_blocked 1
        r rpush k a
        assert_equal {k a} [$rd read]
        assert_equal 0 [r exists k]
        assert_equal 0 [s blocked_clients]
        $rd close
    }

    test "The waiter is served right after the pushing command, before the pusher's next" {
        r del k
        set rd [deferring_client]
        $rd brpop k 0
        wait_blocked 1
        r lpush k a b c
        # BRPOP takes the tail of what the push left: a
        assert_equal {c b} [r lrange k 0 -1]
        assert_equal {k a} [$rd read]
        $rd close
    }

    test "BLPOP on several keys is served by the first that gets data, and only once" {
        r del k1 k2 k3
        set rd [deferring_client]
        $rd blpop k1 k2 k3 0
        wait_blocked 1
        r rpush k2 x
        assert_equal {k2 x} [$rd read]
        r rpush k1 y
        assert_equal {y} [r lrange k1 0 -1]
        assert_equal 0 [s blocked_clients]
        $rd close
    }

    test "BLPOP naming the same key twice is served once" {
        r del k
        set rd [deferring_client]
        $rd blpop k k k 0
        wait_blocked 1
        r rpush k a b
        assert_equal {k a} [$rd read]
        assert_equal {b} [r lrange k 0 -1]
        assert_equal 0 [s blocked_clients]
        $rd close
    }

    test "Waiters are served in arrival order" {
        r del k
        set clients {}
        for {set i 1} {$i <= 3} {incr i} {
            set rd [deferring_client]
            $rd blpop k 0
            wait_blocked $i
            lappend clients $rd
        }
        r rpush k a b c
        set got {}
        foreach rd $clients { lappend got [$rd read] }
        assert_equal {{k a} {k b} {k c}} $got
        foreach rd $clients { $rd close }
    }

    test "A push with fewer elements than waiters serves the oldest, the rest wait" {
        r del k
        set rd1 [deferring_client]
        set rd2 [deferring_client]
        $rd1 blpop k 0
        wait_blocked 1
        $rd2 blpop k 0
        wait_blocked 2
        r rpush k first
        assert_equal {k first} [$rd1 read]
        assert_equal 1 [s blocked_clients]
        r rpush k second
        assert_equal {k second} [$rd2 read]
        assert_equal 0 [r exists k]
        $rd1 close
        $rd2 close
    }

    test "A waiter on several keys keeps its place in each key's queue" {
        r del a b
        set rd1 [deferring_client]
        set rd2 [deferring_client]
        $rd1 blpop a b 0
        wait_blocked 1
        $rd2 blpop b 0
        wait_blocked 2
        r rpush b x
        assert_equal {b x} [$rd1 read]
        r rpush b y
        assert_equal {b y} [$rd2 read]
        $rd1 close
        $rd2 close
    }

    test "Many waiters on one key are all served, in order" {
        r del k
        set clients {}
        for {set i 1} {$i <= 50} {incr i} {
            set rd [deferring_client]
            $rd blpop k 0
            lappend clients $rd
            wait_blocked $i
        }
        set vals {}
        for {set i 1} {$i <= 50} {incr i} { lappend vals v$i }
        r rpush k {*}$vals
        set i 1
        foreach rd $clients {
            assert_equal [list k v$i] [$rd read]
            incr i
            $rd close
        }
        assert_equal 0 [s blocked_clients]
        assert_equal 0 [r exists k]
    }

    test "A waiter that disconnects leaves the queue" {
        r del k
        set rd1 [deferring_client]
        set rd2 [deferring_client]
        $rd1 blpop k 0
        wait_blocked 1
        $rd2 blpop k 0
        wait_blocked 2
        $rd1 close
        wait_blocked 1
        r rpush k v
        assert_equal {k v} [$rd2 read]
        assert_equal 0 [r exists k]
        $rd2 close
    }

    test "CLIENT KILL of a blocked client leaves the queue" {
        r del k
        set rd [deferring_client]
        $rd client id
        set id [$rd read]
        $rd blpop k 0
        wait_blocked 1
        assert_equal 1 [r client kill id $id]
        wait_blocked 0
        r rpush k v
        assert_equal {v} [r lrange k 0 -1]
        $rd close
    }

    test "BLPOP timeout with fractional seconds answers nil" {
        r del k
        set rd [deferring_client]
        $rd blpop k 0.05
        assert_equal "" [$rd read]
        $rd readraw 1
        $rd brpop k 0.01
        assert_equal {*-1} [$rd read]
        $rd blmpop 0.01 1 k left
        assert_equal {*-1} [$rd read]
        $rd readraw 0
        assert_equal 0 [s blocked_clients]
        $rd close
    }

    test "BLMOVE and BRPOPLPUSH time out with a nil array, as Redis 7" {
        r del s d
        set rd [deferring_client]
        $rd readraw 1
        $rd blmove s d left right 0.01
        assert_equal {*-1} [$rd read]
        $rd brpoplpush s d 0.01
        assert_equal {*-1} [$rd read]
        $rd readraw 0
        assert_equal 0 [r exists d]
        $rd close
    }

    test "RESP3 timeouts are a null, served replies arrays" {
        r del k
        set rd [deferring_client]
        $rd hello 3
        $rd read
        $rd readraw 1
        $rd blpop k 0.01
        assert_equal {_} [$rd read]
        $rd blmove k d left left 0.01
        assert_equal {_} [$rd read]
        $rd readraw 0
        $rd blpop k 0
        wait_blocked 1
        r rpush k v
        assert_equal {k v} [$rd read]
        $rd close
    }

    test "Timeout 0 waits forever, a timeout ends only its own client" {
        r del k
        set rd1 [deferring_client]
        set rd2 [deferring_client]
        $rd1 blpop k 0
        wait_blocked 1
        $rd2 blpop k 0.2
        wait_blocked 2
        assert_equal "" [$rd2 read]
        wait_blocked 1
        r rpush k v
        assert_equal {k v} [$rd1 read]
        $rd1 close
        $rd2 close
    }

    test "Several timeouts expire in deadline order" {
        r del k
        set rds {}
        foreach t {0.3 0.1 0.2} {
            set rd [deferring_client]
            $rd blpop k $t
            lappend rds $rd
        }
        wait_for_condition 200 10 {[s blocked_clients] == 0} else { fail "still blocked" }
        foreach rd $rds {
            assert_equal "" [$rd read]
            $rd close
        }
    }

    test "Timeout precision: a 0.2 s BLPOP answers in about 0.2 s" {
        set rd [deferring_client]
        set t0 [clock milliseconds]
        $rd blpop nosuchkey 0.2
        assert_equal "" [$rd read]
        assert_range [expr {[clock milliseconds] - $t0}] 150 1000
        $rd close
    } {slow}

    test "Timeout argument errors" {
        assert_error "ERR timeout is not a float or out of range" {r blpop k abc}
        assert_error "ERR timeout is not a float or out of range" {r brpop k 1x}
        assert_error "ERR timeout is negative" {r blpop k -1}
        assert_error "ERR timeout is negative" {r blmove a b left left -0.5}
        assert_error "ERR timeout is not a float or out of range" {r brpoplpush a b x}
        assert_error "ERR timeout is not a float or out of range" {r blmpop x 1 k left}
        assert_error "ERR timeout is negative" {r blmpop -1 1 k left}
        assert_error "ERR syntax error" {r blmove a b up left 0}
    }

    test "A key deleted or retyped while waited on keeps the client waiting" {
        r del k
        set rd [deferring_client]
        $rd blpop k 0
        wait_blocked 1
        r set k str
        assert_equal 1 [s blocked_clients]
        r append k more
        r del k
        assert_equal 1 [s blocked_clients]
        r hset k f v
        assert_equal 1 [s blocked_clients]
        r del k
        r rpush k x
        assert_equal {k x} [$rd read]
        $rd close
    }

    test "RENAME, COPY and MOVE of a list onto a waited key serve the waiter" {
        r del k src
        set rd [deferring_client]
        $rd blpop k 0
        wait_blocked 1
        r rpush src a
        r rename src k
        assert_equal {k a} [$rd read]
        $rd blpop k 0
        wait_blocked 1
        r rpush src b
        r copy src k
        assert_equal {k b} [$rd read]
        assert_equal {b} [r lrange src 0 -1]
        $rd select 9
        $rd read
        $rd blpop k 0
        wait_blocked 1
        r select 9
        r del k
        r select 0
        r del k
        r rpush k c
        assert_equal 1 [r move k 9]
        assert_equal {k c} [$rd read]
        $rd close
    }

    test "A key of another type when served: BLPOP waits, BLMOVE onto it gets WRONGTYPE" {
        r del s d
        r set d str
        set rd [deferring_client]
        $rd blmove s d left left 0
        wait_blocked 1
        r rpush s v
        assert_error "WRONGTYPE*" {$rd read}
        assert_equal {v} [r lrange s 0 -1]
        assert_equal str [r get d]
        assert_equal 0 [s blocked_clients]
        $rd close
    }

    test "Commands pipelined behind a BLPOP run after it is served" {
        r del k k2
        set rd [deferring_client]
        $rd write "*3\r\n\$5\r\nBLPOP\r\n\$1\r\nk\r\n\$1\r\n0\r\n*1\r\n\$4\r\nPING\r\n"
        $rd write "*3\r\n\$5\r\nRPUSH\r\n\$2\r\nk2\r\n\$1\r\nz\r\n*2\r\n\$4\r\nLLEN\r\n\$2\r\nk2\r\n"
        $rd flush
        wait_blocked 1
        assert_equal 0 [r exists k2]
        r rpush k v
        assert_equal {k v} [$rd read]
        assert_equal PONG [$rd read]
        assert_equal 1 [$rd read]
        assert_equal 1 [$rd read]
        assert_equal 0 [s blocked_clients]
        $rd close
    }

    test "Commands pipelined behind a BLPOP run after it times out or is unblocked" {
        set rd [deferring_client]
        $rd write "*3\r\n\$5\r\nBLPOP\r\n\$1\r\nq\r\n\$4\r\n0.05\r\n*2\r\n\$4\r\nECHO\r\n\$2\r\nhi\r\n"
        $rd flush
        assert_equal "" [$rd read]
        assert_equal hi [$rd read]
        $rd client id
        set id [$rd read]
        $rd write "*3\r\n\$5\r\nBLPOP\r\n\$1\r\nq\r\n\$1\r\n0\r\n*2\r\n\$4\r\nECHO\r\n\$2\r\nho\r\n"
        $rd flush
        wait_blocked 1
        assert_equal 1 [r client unblock $id]
        assert_equal "" [$rd read]
        assert_equal ho [$rd read]
        $rd close
    }

    test "BLMOVE chains: each served move wakes the next waiter in the same pass" {
        r del a b c
        set rd1 [deferring_client]
        set rd2 [deferring_client]
        set rd3 [deferring_client]
        $rd1 blmove a b left right 0
        wait_blocked 1
        $rd2 brpoplpush b c 0
        wait_blocked 2
        $rd3 blpop c 0
        wait_blocked 3
        r rpush a v
        assert_equal v [$rd1 read]
        assert_equal v [$rd2 read]
        assert_equal {c v} [$rd3 read]
        assert_equal 0 [r exists a b c]
        assert_equal 0 [s blocked_clients]
        foreach rd [list $rd1 $rd2 $rd3] { $rd close }
    }

    test "BLMOVE circular waiters: a push goes round once and stops" {
        r del a b
        set rd1 [deferring_client]
        set rd2 [deferring_client]
        $rd1 blmove a b left left 0
        wait_blocked 1
        $rd2 blmove b a left left 0
        wait_blocked 2
        r rpush a x
        assert_equal x [$rd1 read]
        assert_equal x [$rd2 read]
        assert_equal {x} [r lrange a 0 -1]
        assert_equal 0 [r exists b]
        $rd1 close
        $rd2 close
    }

    test "BLMOVE onto its own key rotates when served" {
        r del k
        set rd [deferring_client]
        $rd blmove k k right left 0
        wait_blocked 1
        r rpush k a
        assert_equal a [$rd read]
        assert_equal {a} [r lrange k 0 -1]
        r rpush k b
        assert_equal b [r blmove k k right left 0]
        assert_equal {b a} [r lrange k 0 -1]
        $rd close
    }

    test "BRPOPLPUSH and BLMOVE answer at once when the source has data" {
        r del s d
        r rpush s 1 2 3
        assert_equal 3 [r brpoplpush s d 0]
        assert_equal 1 [r blmove s d left right 0]
        assert_equal {3 1} [r lrange d 0 -1]
        r set d str
        assert_error "WRONGTYPE*" {r blmove s d left left 0}
        assert_equal {2} [r lrange s 0 -1]
    }

    test "LMOVE by another client serves a waiter on its destination" {
        r del s d
        set rd [deferring_client]
        $rd blpop d 0
        wait_blocked 1
        r rpush s x
        assert_equal x [r lmove s d left left]
        assert_equal {d x} [$rd read]
        assert_equal 0 [r exists d]
        $rd close
    }

    test "BLMPOP with COUNT, served later, pops up to COUNT from its key" {
        r del a b
        set rd [deferring_client]
        $rd blmpop 0 2 a b right count 3
        wait_blocked 1
        r rpush b 1 2 3 4 5
        assert_equal {b {5 4 3}} [$rd read]
        assert_equal {1 2} [r lrange b 0 -1]
        $rd blmpop 0 1 a left count 10
        wait_blocked 1
        r rpush a x y
        assert_equal {a {x y}} [$rd read]
        assert_equal 0 [r exists a]
        assert_equal {b {1 2}} [r blmpop 0 2 a b left count 5]
        $rd close
    }

    test "BLMPOP errors" {
        assert_error "ERR numkeys should be greater than 0" {r blmpop 0 0 k left}
        assert_error "ERR syntax error" {r blmpop 0 2 k left}
        assert_error "ERR syntax error" {r blmpop 0 1 k up}
        assert_error "ERR count should be greater than 0" {r blmpop 0 1 k left count 0}
        assert_error "ERR syntax error" {r blmpop 0 1 k left count 1 foo}
    }

    test "CLIENT UNBLOCK: TIMEOUT answers nil, ERROR answers UNBLOCKED" {
        r del k s d
        set rd [deferring_client]
        $rd client id
        set id [$rd read]
        assert_equal 0 [r client unblock $id]
        $rd blpop k 0
        wait_blocked 1
        assert_equal 1 [r client unblock $id]
        assert_equal "" [$rd read]
        $rd blmove s d left left 0
        wait_blocked 1
        assert_equal 1 [r client unblock $id timeout]
        assert_equal "" [$rd read]
        r config resetstat
        $rd brpop k 0
        wait_blocked 1
        assert_equal 1 [r client unblock $id error]
        assert_error "UNBLOCKED client unblocked via CLIENT UNBLOCK" {$rd read}
        # the blocked command failed: INFO counts it, and the error by its name
        assert_match "*cmdstat_brpop:calls=1,*,failed_calls=1*" [r info commandstats]
        assert_match "*errorstat_UNBLOCKED:count=1*" [r info errorstats]
        assert_equal 0 [s blocked_clients]
        assert_equal 0 [r client unblock $id error]
        assert_equal 0 [r client unblock 999999]
        assert_error "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR" {r client unblock $id foo}
        $rd ping
        assert_equal PONG [$rd read]
        $rd close
    }

    test "Clients blocked in another db are served by pushes in their db only" {
        r select 9
        r del k
        r select 0
        r del k
        set rd [deferring_client]
        $rd select 9
        $rd read
        $rd blpop k 0
        wait_blocked 1
        r rpush k db0
        assert_equal 1 [s blocked_clients]
        r select 9
        r rpush k db9
        assert_equal {k db9} [$rd read]
        assert_equal 0 [r exists k]
        r select 0
        assert_equal {db0} [r lrange k 0 -1]
        $rd close
    }

    test "INFO blocked_clients follows blocks, serves, timeouts and disconnects" {
        r del k
        set rd1 [deferring_client]
        set rd2 [deferring_client]
        set rd3 [deferring_client]
        $rd1 blpop k 0
        $rd2 blpop k 0.05
        $rd3 blpop k 0
        wait_for_condition 100 10 {[s blocked_clients] == 2} else { fail "expected 2 left" }
        $rd3 close
        wait_blocked 1
        r rpush k v
        assert_equal {k v} [$rd1 read]
        wait_blocked 0
        $rd1 close
        $rd2 close
    }

    test "FLUSHALL while clients wait: they keep waiting and are served later" {
        r del k
        set rd [deferring_client]
        $rd blpop k 0
        wait_blocked 1
        r flushall
        assert_equal 1 [s blocked_clients]
        r rpush k v
        assert_equal {k v} [$rd read]
        $rd close
    }

    test "SWAPDB serves a client blocked on a key that the swap brings in" {
        r select 9
        r del k
        set rd [deferring_client]
        $rd select 9
        $rd read
        $rd blpop k 10 ;# bounded: without the wake-up this answers nil after 10 s and fails
        wait_blocked 1
        r select 10
        r del k
        r rpush k from-10
        assert_equal 1 [s blocked_clients]
        # a string arriving by swap does not serve it; the list does
        r select 11
        r set k not-a-list
        r swapdb 9 11
        assert_equal 1 [s blocked_clients]
        r swapdb 9 11
        r swapdb 9 10
        assert_equal {k from-10} [$rd read]
        assert_equal 0 [s blocked_clients]
        r select 9
        assert_equal 0 [r exists k]
        r select 11
        r del k
        r select 9
        $rd close
    }
}
