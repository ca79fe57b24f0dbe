# slowlog.tcl - SLOWLOG: threshold and max-len, entry shape, argument trimming, GET/LEN/RESET.

start_server {tags {"slowlog"} overrides {slowlog-log-slower-than 1000000}} {
    test "SLOWLOG - nothing is logged under the threshold" {
        r slowlog reset
        r ping
        r set a b
        assert_equal 0 [r slowlog len]
    }

    test "SLOWLOG - a slow command is logged with its details" {
        r config set slowlog-log-slower-than 10000
        r slowlog reset
        r client setname slowpoke
        r debug sleep 0.05
        assert_equal 1 [r slowlog len]
        set e [lindex [r slowlog get] 0]
        assert_equal 6 [llength $e]
        lassign $e id time duration args addr name
        assert {[string is wide -strict $id]}
        assert {abs($time - [clock seconds]) < 60}
        assert {$duration >= 50000} "duration $duration us"
        assert_equal {debug sleep 0.05} $args
        assert_match "127.0.0.1:*" $addr
        assert_equal slowpoke $name
    }

    test "SLOWLOG - 0 logs everything, -1 nothing" {
        r config set slowlog-log-slower-than 0
        r slowlog reset
        r set x 1
        r get x
        # RESET itself, SET and GET, each logged after it ran
        set all [r slowlog get -1]
        assert_equal 3 [llength $all]
        assert_equal {{get x} {set x 1} {slowlog reset}} \
            [list [lindex $all 0 3] [lindex $all 1 3] [lindex $all 2 3]]
        r config set slowlog-log-slower-than -1
        r slowlog reset
        r debug sleep 0.02
        r set y 2
        assert_equal 0 [r slowlog len]
    }

    test "SLOWLOG - ids grow, GET returns newest first, GET count and -1" {
        r config set slowlog-log-slower-than 0
        r slowlog reset
        for {set i 0} {$i < 5} {incr i} { r set k$i v }
        set all [r slowlog get -1]
        assert {[llength $all] >= 6}
        set ids {}
        foreach e $all { lappend ids [lindex $e 0] }
        assert_equal [lsort -integer -decreasing $ids] $ids
        assert_equal 2 [llength [r slowlog get 2]]
        assert_equal 0 [llength [r slowlog get 0]]
        # default count is 10
        for {set i 0} {$i < 20} {incr i} { r ping }
        assert_equal 10 [llength [r slowlog get]]
    }

    test "SLOWLOG - slowlog-max-len trims the oldest" {
        r config set slowlog-log-slower-than 0
        r config set slowlog-max-len 5
        r slowlog reset
        for {set i 0} {$i < 20} {incr i} { r set m$i v }
        set all [r slowlog get -1]
        assert_equal 5 [llength $all]
        assert_equal {set m19 v} [lindex $all 0 3]
        assert_equal {set m15 v} [lindex $all 4 3]
        # max-len 0 turns logging off, as in Valkey 8: nothing added, no id used
        r config set slowlog-max-len 0
        r set z 1
        r config set slowlog-max-len 128
        r set z 2
        set cmds [lmap e [r slowlog get -1] {lindex $e 3}]
        assert_equal {set z 2} [lindex $cmds 0]
        assert {[lsearch $cmds {set z 1}] < 0}
        r slowlog reset
    }

    test "SLOWLOG - long arguments and many arguments are trimmed" {
        r config set slowlog-log-slower-than 0
        r slowlog reset
        set big [string repeat A 500]
        r set bigkey $big
        set e [lindex [r slowlog get 1] 0]
        set args [lindex $e 3]
        assert_equal "[string repeat A 128]... (372 more bytes)" [lindex $args 2]
        set cmd {del}
        for {set i 0} {$i < 50} {incr i} { lappend cmd key$i }
        r {*}$cmd
        set args [lindex [lindex [r slowlog get 1] 0] 3]
        assert_equal 32 [llength $args]
        assert_equal del [lindex $args 0]
        assert_equal key29 [lindex $args 30]
        assert_equal "... (20 more arguments)" [lindex $args 31]
    }

    test "SLOWLOG - binary-safe arguments" {
        r config set slowlog-log-slower-than 0
        r slowlog reset
        r set "a\x00b" "c\r\nd"
        assert_equal [list set "a\x00b" "c\r\nd"] [lindex [lindex [r slowlog get 1] 0] 3]
    }

    test "SLOWLOG - errors, HELP, RESET" {
        assert_error "ERR count should be greater than or equal to -1*" {r slowlog get -2}
        assert_error "ERR count should be greater than or equal to -1*" {r slowlog get x}
        assert_error "ERR unknown subcommand 'foo'. Try SLOWLOG HELP." {r slowlog foo}
        assert_error "*wrong number of arguments for 'slowlog|get'*" {r slowlog get 1 2}
        assert_error "*wrong number of arguments for 'slowlog|len'*" {r slowlog len x}
        assert_match "SLOWLOG <subcommand>*" [lindex [r slowlog help] 0]
        r config set slowlog-log-slower-than 10000
        assert_equal OK [r slowlog reset]
        assert_equal 0 [r slowlog len]
        assert_equal {} [r slowlog get]
    }
}

start_server {tags {"slowlog"}} {
    test "SLOWLOG: a blocking command is logged when it completes, not when it blocks" {
        r config set slowlog-log-slower-than 0
        r slowlog reset
        set rd [deferring_client]
        $rd blpop slowblk 0
        wait_for_condition 50 20 {[s blocked_clients] == 1} else { fail "not blocked" }
        assert_equal 0 [llength [lsearch -all -index 3 [r slowlog get -1] {blpop slowblk 0}]]
        r lpush slowblk x
        assert_equal {slowblk x} [$rd read]
        wait_for_condition 50 20 {
            [llength [lsearch -all -index 3 [r slowlog get -1] {blpop slowblk 0}]] == 1
        } else { fail "served BLPOP not logged" }
        # a timeout completes it too; a client that leaves while blocked logs nothing
        $rd blpop slowblk2 0.01
        assert_equal {} [$rd read]
        assert_equal 1 [llength [lsearch -all -index 3 [r slowlog get -1] {blpop slowblk2 0.01}]]
        $rd blpop slowblk3 0
        wait_for_condition 50 20 {[s blocked_clients] == 1} else { fail "not blocked" }
        $rd close
        wait_for_condition 50 20 {[s blocked_clients] == 0} else { fail "still blocked" }
        assert_equal 0 [llength [lsearch -all -index 3 [r slowlog get -1] {blpop slowblk3 0}]]
        r config set slowlog-log-slower-than 10000
    }
}
