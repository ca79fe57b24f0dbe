# startup.tcl - what tools that watch a Redis-like server rely on: the startup log lines
# (banner with " PID: <pid>", "Server initialized", "Ready to accept connections tcp"/"unix"),
# the unix socket, the pidfile, and a clean shutdown on SIGTERM (log line, listener closed,
# pidfile removed).

set sock "/tmp/valkey-lite-test-[pid].sock"
set pidf "/tmp/valkey-lite-test-[pid].pid"
start_server [list tags {"startup"} overrides [list unixsocket $sock unixsocketperm 700 pidfile $pidf]] {
    test "Startup log carries the PID banner, Server initialized and Ready lines" {
        wait_for_log_messages "*Ready to accept connections tcp*" 1 50 20
        assert {[count_log_lines "* PID: [srv pid]*"] >= 1}
        assert {[count_log_lines "*Server initialized*"] >= 1}
        assert {[count_log_lines "*Ready to accept connections unix*"] >= 1}
    }

    test "The unix socket serves clients, with its permissions" {
        set u [vl_client unix:$sock]
        assert_equal PONG [$u ping]
        $u set via-unix yes
        assert_match "*flags=U*" [$u client info]
        $u close
        assert_equal yes [r get via-unix]
        assert_equal 0700 [format %04o [expr {[file attributes $sock -permissions] & 0777}]]
    }

    test "The pidfile holds the server's pid" {
        set f [open $pidf]
        set p [string trim [read $f]]
        close $f
        assert_equal [srv pid] $p
    }

    test "SIGTERM: clean shutdown, log line, socket closed, pidfile removed" {
        exec kill -TERM [srv pid]
        wait_for_condition 100 50 {![process_is_alive [srv pid]]} else {
            fail "server did not exit on SIGTERM"
        }
        assert {[count_log_lines "*Received SIGTERM scheduling shutdown*"] >= 1}
        assert {[count_log_lines "*ready to exit, bye bye*"] >= 1}
        assert {![file exists $pidf]}
        assert {![file exists $sock]}
    }
}

start_server {tags {"startup"}} {
    test "SIGTERM is carried out by the cron: SHUTDOWN ABORT cancels it while the cron is held" {
        assert_error "ERR No shutdown in progress." {r shutdown abort}
        r debug pause-cron 1
        exec kill -TERM [srv pid]
        wait_for_log_messages "*Received SIGTERM scheduling shutdown*" 100 20
        assert_equal OK [r shutdown abort]
        wait_for_log_messages "*Shutdown manually aborted*" 100 20
        r debug pause-cron 0
        # several cron ticks later the server still serves
        set t0 [lindex [r time] 0]
        wait_for_condition 100 20 {[lindex [r time] 0] > $t0} else { fail "clock stuck" }
        assert_equal PONG [r ping]
        # and a SIGTERM with the cron running stops it
        exec kill -TERM [srv pid]
        wait_for_condition 100 50 {![process_is_alive [srv pid]]} else { fail "no exit on SIGTERM" }
    }
}
