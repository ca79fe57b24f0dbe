# sort.tcl - SORT and SORT_RO: numeric and ALPHA order, DESC, LIMIT clamps, BY and GET
# patterns (keys and hash fields, "#", no-'*' nosort), STORE (replace, empty deletes, wakes
# blocked clients, touches WATCH, notifies sortstore), errors. Expected results were taken
# from redis-server 7.0 for the same commands.

start_server {tags {"sort"}} {
    test "SORT numeric, DESC, ALPHA, and LIMIT clamped as Redis does" {
        r del l
        r rpush l 3 1 2 10 -5 1.5
        assert_equal {-5 1 1.5 2 3 10} [r sort l]
        assert_equal {10 3 2 1.5 1 -5} [r sort l desc]
        assert_equal {-5 1 1.5 10 2 3} [r sort l alpha]
        assert_equal {1 1.5} [r sort l limit 1 2]
        assert_equal {-5 1} [r sort l limit -1 2]
        assert_equal {} [r sort l limit 10 2]
        assert_equal {-5 1 1.5 2 3 10} [r sort l limit 0 -1]
        assert_equal {10} [r sort l limit 5 10]
        assert_equal {10 3} [r sort_ro l desc limit 0 2]
    }

    test "SORT BY and GET patterns: keys, hash fields, #, and BY without * (no sort)" {
        r mset w_3 30 w_1 10 w_2 20 w_10 1 w_-5 100 w_1.5 15
        assert_equal {10 1 1.5 2 3 -5} [r sort l by w_*]
        assert_equal {3 1 2 10 -5 1.5} [r sort l by nosort]
        assert_equal {10 1 1 10 1.5 15} [lrange [r sort l by w_* get # get w_*] 0 5]
        r hset h_1 f a
        r hset h_2 f b
        assert_equal {{} a {} b {} {}} [r sort l by w_* get h_*->f]
        # missing weights sort first with ALPHA
        assert_equal {1 2} [lrange [r sort l by h_*->f alpha] 4 5]
        # a GET pattern without * matches nothing
        assert_equal {{} {} {} {} {} {}} [r sort l get nostar]
        # equal weights: by the elements themselves
        r set e_1 1
        assert_equal {-5 1.5 10 2 3 1} [r sort l by e_*]
    }

    test "SORT of a set; a set sorted BY nosort into STORE is sorted anyway" {
        r del s
        r sadd s c a b
        assert_equal {a b c} [r sort s alpha]
        assert_equal 3 [r sort s by nosort store dst2]
        assert_equal {a b c} [r lrange dst2 0 -1]
    }

    test "SORT STORE: replaces any type, an empty result deletes, notifies, wakes, touches" {
        r set dst some-string
        assert_equal 6 [r sort l store dst]
        assert_equal list [r type dst]
        assert_equal {-5 1 1.5 2 3 10} [r lrange dst 0 -1]
        assert_equal 0 [r sort missing store dst]
        assert_equal 0 [r exists dst]
        # GET with STORE: a missing value is stored as ""
        assert_equal 6 [r sort l by w_* get h_*->f store dst]
        assert_equal {{} a {} b {} {}} [r lrange dst 0 -1]
        # a client blocked on the target is served
        set rd [deferring_client]
        r del target
        $rd blpop target 5
        wait_for_condition 50 20 {[s blocked_clients] == 1} else { fail "not blocked" }
        r sort l alpha store target
        assert_equal {target -5} [$rd read]
        $rd close
        # WATCH: even an empty result that deletes the target
        r rpush foo bar
        r watch foo
        r sort emptylist store foo
        r multi
        r ping
        assert_equal {} [r exec]
        # keyspace events
        r config set notify-keyspace-events KEA
        set sub [deferring_client]
        $sub psubscribe __keyevent@*__:sortstore
        $sub read
        r sort l store evt
        set m [$sub read]
        assert_equal evt [lindex $m 3]
        assert_match "__keyevent@*__:sortstore" [lindex $m 2]
        $sub close
        r config set notify-keyspace-events ""
    }

    test "SORT errors: WRONGTYPE, syntax, scores, SORT_RO STORE" {
        r set str x
        assert_error "WRONGTYPE*" {r sort str}
        assert_error "ERR syntax error" {r sort l foo}
        assert_error "ERR syntax error" {r sort l limit 1}
        assert_error "ERR value is not an integer or out of range" {r sort l limit a 1}
        assert_error "ERR syntax error" {r sort_ro l store x}
        r rpush bad a b
        assert_error "ERR One or more scores can't be converted into double" {r sort bad}
        assert_equal {a b} [r sort bad alpha]
        assert_equal {} [r sort nosuchkey]
    }
}

start_server {tags {"sort"}} {
    test "COMMAND INFO: SORT and SORT_RO have movable keys; GETKEYS finds the STORE target" {
        assert_match "*movablekeys*" [lindex [r command info sort] 0 2]
        assert_match "*movablekeys*" [lindex [r command info sort_ro] 0 2]
        assert_equal {l} [r command getkeys sort l by w_* get # limit 0 1]
        assert_equal {l dst} [r command getkeys sort l limit 0 1 store dst alpha]
    }
}
