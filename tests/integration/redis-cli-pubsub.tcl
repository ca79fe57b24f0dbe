# redis-cli-pubsub.tcl - a real client's pub/sub mode against the server: `redis-cli SUBSCRIBE`
# (and PSUBSCRIBE, SSUBSCRIBE, RESP3 with -3) runs in the background writing to a file in the
# server's test dir, `redis-cli PUBLISH` sends, and the file is waited on. Each background
# redis-cli is killed by its PID, whatever the test's outcome.

proc cli_file {name} { return [file join [srv dir] $name] }

proc file_text {path} {
    if {[catch {set f [open $path rb]; set t [read $f]; close $f}]} { return "" }
    return $t
}

# Runs redis-cli ARGS in the background, output (stdout and stderr) to FILE; returns the PID.
proc cli_bg {file args} {
    return [exec redis-cli -p [srv port] {*}$args >& $file &]
}

proc cli {args} { return [exec redis-cli -p [srv port] {*}$args] }

proc cli_stop {pid} {
    catch {exec kill $pid}
    for {set i 0} {$i < 100 && [process_is_alive $pid]} {incr i} { after 20 }
}

if {[auto_execok redis-cli] eq ""} {
    puts "\[skip\]: redis-cli is not installed (redis-tools)"
    return
}

start_server {tags {pubsub cli}} {
    test "redis-cli SUBSCRIBE receives what redis-cli PUBLISH sends" {
        set out [cli_file sub.out]
        set pid [cli_bg $out subscribe news sports]
        try {
            wait_for_condition 100 50 {[r pubsub numsub news sports] eq {news 1 sports 1}} else {
                fail "redis-cli never subscribed: [file_text $out]"
            }
            assert_equal 1 [cli publish news "hello from cli"]
            assert_equal 1 [cli publish sports goal]
            wait_for_condition 100 50 {[string match "*goal*" [file_text $out]]} else {
                fail "messages not received: [file_text $out]"
            }
            assert_equal [list subscribe news 1 subscribe sports 2 message news {hello from cli} \
                message sports goal] [split [string trim [file_text $out]] \n]
        } finally {
            cli_stop $pid
        }
        wait_for_condition 100 50 {[r pubsub numsub news sports] eq {news 0 sports 0}} else {
            fail "the killed redis-cli is still subscribed"
        }
    }

    test "redis-cli PSUBSCRIBE receives pmessage" {
        set out [cli_file psub.out]
        set pid [cli_bg $out psubscribe "new*"]
        try {
            wait_for_condition 100 50 {[r pubsub numpat] == 1} else {
                fail "redis-cli never subscribed: [file_text $out]"
            }
            assert_equal 1 [cli publish newsflash breaking]
            wait_for_condition 100 50 {[string match "*breaking*" [file_text $out]]} else {
                fail "pmessage not received: [file_text $out]"
            }
            assert_equal {psubscribe new* 1 pmessage new* newsflash breaking} \
                [split [string trim [file_text $out]] \n]
        } finally {
            cli_stop $pid
        }
        wait_for_condition 100 50 {[r pubsub numpat] == 0} else { fail "pattern left behind" }
    }

    test "redis-cli SSUBSCRIBE receives what redis-cli SPUBLISH sends" {
        set out [cli_file ssub.out]
        set pid [cli_bg $out ssubscribe shard1]
        try {
            wait_for_condition 100 50 {[r pubsub shardnumsub shard1] eq {shard1 1}} else {
                fail "redis-cli never subscribed: [file_text $out]"
            }
            assert_equal 0 [cli publish shard1 not-for-shard]
            assert_equal 1 [cli spublish shard1 sharded]
            wait_for_condition 100 50 {[string match "*sharded*" [file_text $out]]} else {
                fail "smessage not received: [file_text $out]"
            }
            assert_equal {ssubscribe shard1 1 smessage shard1 sharded} \
                [split [string trim [file_text $out]] \n]
        } finally {
            cli_stop $pid
        }
    }

    test "redis-cli -3 SUBSCRIBE (RESP3 pushes) receives messages" {
        set out [cli_file sub3.out]
        set pid [cli_bg $out -3 subscribe r3]
        try {
            wait_for_condition 100 50 {[r pubsub numsub r3] eq {r3 1}} else {
                fail "redis-cli -3 never subscribed: [file_text $out]"
            }
            assert_equal 1 [cli publish r3 pushed]
            wait_for_condition 100 50 {[string match "*pushed*" [file_text $out]]} else {
                fail "push not received: [file_text $out]"
            }
            assert_equal {subscribe r3 1 message r3 pushed} [split [string trim [file_text $out]] \n]
        } finally {
            cli_stop $pid
        }
    }

    test "Several redis-cli subscribers and a binary-ish payload" {
        set pids {}
        try {
            for {set i 0} {$i < 3} {incr i} {
                lappend pids [cli_bg [cli_file multi$i.out] subscribe multi]
            }
            wait_for_condition 100 50 {[r pubsub numsub multi] eq {multi 3}} else {
                fail "not all redis-cli subscribed"
            }
            assert_equal 3 [cli publish multi "tab\there"]
            for {set i 0} {$i < 3} {incr i} {
                wait_for_condition 100 50 {[string match "*tab\there*" [file_text [cli_file multi$i.out]]]} else {
                    fail "subscriber $i missed the message: [file_text [cli_file multi$i.out]]"
                }
            }
        } finally {
            foreach pid $pids { cli_stop $pid }
        }
        wait_for_condition 100 50 {[r pubsub numsub multi] eq {multi 0}} else {
            fail "killed subscribers still registered"
        }
    }
}
