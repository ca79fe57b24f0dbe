# pubsub-limits.tcl - client-output-buffer-limit for slow subscribers (pubsub class: hard limit,
# soft limit with its time) and for normal clients; the closed client is logged and counted in
# client_output_buffer_limit_disconnections, and everybody else carries on.
#
# A subscriber that never reads first fills the kernel's socket buffers (a few MB on loopback),
# then its output queues in the server: the loops below publish until that happens, bounded.

proc raw_open {} {
    set fd [socket 127.0.0.1 [srv port]]
    fconfigure $fd -translation binary -blocking 0 -buffering full -buffersize 1048576
    return $fd
}

proc raw_send {fd args} {
    set out "*[llength $args]\r\n"
    foreach a $args { append out "\$[string length $a]\r\n$a\r\n" }
    puts -nonewline $fd $out
    flush $fd
}

# Reads from FD until its input contains MARKER (bounded); returns what was read.
proc raw_read_until {fd marker} {
    set buf ""
    for {set i 0} {$i < 300 && [string first $marker $buf] < 0} {incr i} {
        append buf [read $fd]
        if {[string first $marker $buf] < 0} { after 10 }
    }
    if {[string first $marker $buf] < 0} { error "no [list $marker] in [list $buf]" }
    return $buf
}

proc numsub {ch} { return [lindex [r pubsub numsub $ch] 1] }

# omem= of the client with id ID, or -1 once it is gone.
proc client_omem {id} {
    set line [r client list id $id]
    if {![regexp {omem=(\d+)} $line -> omem]} { return -1 }
    return $omem
}

start_server {tags {pubsub limits}} {
    # 16 KB commands leave in one write: split into the client's 4 KB writes, each PUBLISH
    # would wait ~40 ms on Nagle + delayed ACK
    fconfigure [r fd] -buffersize 1048576
    test "Default limits: pubsub 32mb 8mb 60, normal unlimited" {
        assert_match "*pubsub 33554432 8388608 60*" [lindex [r config get client-output-buffer-limit] 1]
        assert_match "*normal 0 0 0*" [lindex [r config get client-output-buffer-limit] 1]
    }

    test "A subscriber that never reads hits the hard limit and is closed; others unaffected" {
        r config set client-output-buffer-limit "pubsub 100kb 50kb 1"
        set before [s client_output_buffer_limit_disconnections]
        set slow [raw_open]
        raw_send $slow subscribe big
        set good [deferring_client]
        $good subscribe big
        $good read
        wait_for_condition 50 20 {[numsub big] == 2} else { fail "subscribers not there" }
        # messages below the soft limit: a subscriber that keeps up never gets near it
        set payload [string repeat x 16000]
        set sent 0
        for {set i 0} {$i < 5000} {incr i} {
            set n [r publish big $payload]
            if {$n < 2} break
            incr sent
            assert_equal [list message big $payload] [$good read]
        }
        assert_equal 1 $n "the slow subscriber was never disconnected ($sent messages sent)"
        assert_equal [list message big $payload] [$good read]
        wait_for_condition 50 20 {[s client_output_buffer_limit_disconnections] == $before + 1} else {
            fail "disconnection not counted"
        }
        assert {[count_log_lines "*scheduled to be closed ASAP for overcoming of output buffer limits*"] >= 1}
        # the good subscriber and normal clients carry on
        assert_equal 1 [r publish big after]
        assert_equal {message big after} [$good read]
        $good ping
        assert_equal {pong {}} [$good read]
        assert_equal PONG [r ping]
        $good close
        close $slow
    }

    test "The soft limit closes a subscriber that stays above it for soft-seconds" {
        r config set client-output-buffer-limit "pubsub 0 50kb 1"
        set before [s client_output_buffer_limit_disconnections]
        set slow [raw_open]
        raw_send $slow client id
        regexp {:(\d+)} [raw_read_until $slow "\r\n"] -> id
        raw_send $slow subscribe soft
        wait_for_condition 50 20 {[numsub soft] == 1} else { fail "not subscribed" }
        assert_match "*flags=P *" [r client list id $id]
        set payload [string repeat y 16000]
        for {set i 0} {$i < 5000 && [client_omem $id] < 50 * 1024} {incr i} {
            r publish soft $payload
        }
        assert {[client_omem $id] >= 50 * 1024}
        # above the soft limit, but not yet for a second: still connected
        assert_equal $before [s client_output_buffer_limit_disconnections]
        assert_equal 1 [numsub soft]
        # each publish checks the limit again; after soft-seconds it is closed
        wait_for_condition 100 50 {[r publish soft tick] == 0} else {
            fail "the soft limit never closed the subscriber (omem [client_omem $id])"
        }
        assert_equal [expr {$before + 1}] [s client_output_buffer_limit_disconnections]
        assert_equal -1 [client_omem $id]
        close $slow
    }

    test "A hard limit of 0 with a soft limit of 0 means no limit for subscribers" {
        r config set client-output-buffer-limit "pubsub 0 0 0"
        set before [s client_output_buffer_limit_disconnections]
        set slow [raw_open]
        raw_send $slow client id
        regexp {:(\d+)} [raw_read_until $slow "\r\n"] -> id
        raw_send $slow subscribe unlimited
        wait_for_condition 50 20 {[numsub unlimited] == 1} else { fail "not subscribed" }
        set payload [string repeat z 16000]
        for {set i 0} {$i < 5000 && [client_omem $id] < 1024 * 1024} {incr i} {
            assert_equal 1 [r publish unlimited $payload]
        }
        assert {[client_omem $id] >= 1024 * 1024}
        assert_equal $before [s client_output_buffer_limit_disconnections]
        close $slow
        wait_for_condition 50 20 {[numsub unlimited] == 0} else { fail "not cleaned up" }
    }

    test "The normal class limit closes a client that pipelines without reading" {
        r config set client-output-buffer-limit "normal 2mb 1mb 60"
        set before [s client_output_buffer_limit_disconnections]
        r set bigval [string repeat v 100000]
        set slow [raw_open]
        set cmds ""
        for {set i 0} {$i < 300} {incr i} { append cmds "*2\r\n\$3\r\nGET\r\n\$6\r\nbigval\r\n" }
        puts -nonewline $slow $cmds
        flush $slow
        wait_for_condition 100 50 {[s client_output_buffer_limit_disconnections] == $before + 1} else {
            fail "normal client over its hard limit was not closed"
        }
        assert_equal 100000 [string length [r get bigval]]
        close $slow
        r config set client-output-buffer-limit "normal 0 0 0"
        # unlimited again: the same pipeline is answered in full
        set fd [raw_open]
        puts -nonewline $fd $cmds
        flush $fd
        set got 0
        set buf ""
        for {set i 0} {$i < 3000 && $got < 300 * 100000} {incr i} {
            set d [read $fd]
            incr got [string length $d]
            if {$d eq ""} { after 10 }
        }
        assert {$got >= 300 * 100000}
        close $fd
        assert_equal [expr {$before + 1}] [s client_output_buffer_limit_disconnections]
    }
}
