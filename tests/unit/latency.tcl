# latency.tcl - the latency monitor: threshold, LATEST / HISTORY / RESET / DOCTOR / HELP.

start_server {tags {"latency"}} {
    test "LATENCY - disabled by default: nothing is recorded" {
        assert_equal 0 [lindex [r config get latency-monitor-threshold] 1]
        r debug sleep 0.02
        assert_equal {} [r latency latest]
        assert_match "*No latency spikes*" [r latency doctor]
    }

    test "LATENCY - a spike over the threshold is recorded" {
        r config set latency-monitor-threshold 10
        r latency reset
        r debug sleep 0.05
        set latest [r latency latest]
        assert_equal 1 [llength $latest]
        lassign [lindex $latest 0] event time last max
        assert_equal command $event
        assert {abs($time - [clock seconds]) < 60}
        assert {$last >= 50} "latest $last ms"
        assert {$max >= $last}
    }

    test "LATENCY - commands under the threshold are not recorded" {
        r config set latency-monitor-threshold 1000
        r latency reset
        r debug sleep 0.02
        assert_equal {} [r latency latest]
        assert_equal {} [r latency history command]
    }

    test "LATENCY HISTORY - one sample per second keeps the larger spike" {
        r config set latency-monitor-threshold 10
        r latency reset
        r debug sleep 0.02
        r debug sleep 0.04
        set h [r latency history command]
        # both spikes may fall in one second (one sample) or straddle two
        assert_range [llength $h] 1 2
        foreach s $h {
            assert_equal 2 [llength $s]
            assert {[string is wide -strict [lindex $s 0]] && [lindex $s 1] >= 20}
        }
        set max [lindex [lindex [r latency latest] 0] 3]
        assert {$max >= 40} "max $max"
        assert_equal {} [r latency history no-such-event]
    }

    test "LATENCY DOCTOR describes the spikes" {
        r config set latency-monitor-threshold 10
        r debug sleep 0.03
        set d [r latency doctor]
        assert_match "*command:*latency spike*" $d
        assert_match "*SLOWLOG*" $d
    }

    test "LATENCY RESET: all events or the named ones" {
        r config set latency-monitor-threshold 10
        r debug sleep 0.02
        assert_equal 0 [r latency reset no-such-event]
        assert_equal 1 [llength [r latency latest]]
        assert_equal 1 [r latency reset command]
        assert_equal {} [r latency latest]
        r debug sleep 0.02
        assert_equal 1 [r latency reset]
        assert_equal 0 [r latency reset]
    }

    test "LATENCY - errors and HELP" {
        assert_error "ERR unknown subcommand 'foo'. Try LATENCY HELP." {r latency foo}
        assert_error "*wrong number of arguments for 'latency|history'*" {r latency history}
        assert_error "*wrong number of arguments for 'latency|latest'*" {r latency latest x}
        assert_match "LATENCY <subcommand>*" [lindex [r latency help] 0]
        r config set latency-monitor-threshold 0
    }

    test "LATENCY DOCTOR in RESP3 is a verbatim string" {
        set c [new_client]
        $c hello 3
        $c readraw 1
        assert_match "=*" [$c latency doctor]
        $c close
    }
}
