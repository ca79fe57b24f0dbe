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

    test "LATENCY HISTOGRAM - per command, cumulative, power-of-two microsecond bounds" {
        r config resetstat
        for {set i 0} {$i < 50} {incr i} { r set k$i v }
        r debug sleep 0.003
        set h [r latency histogram set nosuchcommand set debug]
        # set once although named twice; unknown names skipped
        assert_equal 2 [expr {[llength $h] / 2}]
        set set [dict get $h set]
        assert_equal 50 [dict get $set calls]
        set buckets [dict get $set histogram_usec]
        set prev 0
        set prevbound 0
        foreach {bound cum} $buckets {
            assert {$bound > $prevbound && ($bound & ($bound - 1)) == 0} "bound $bound"
            assert {$cum > $prev} "cumulative $cum after $prev"
            set prev $cum
            set prevbound $bound
        }
        assert_equal 50 $prev
        # DEBUG SLEEP 0.003 took at least 3 ms: its only bucket is 4096 us or above
        set dbg [dict get [dict get $h debug] histogram_usec]
        assert_equal 2 [llength $dbg]
        assert {[lindex $dbg 0] >= 4096} "debug bucket [lindex $dbg 0]"
        # no arguments: every command that ran, and none that did not
        set all [r latency histogram]
        # a container's figures are its subcommands', as Redis shows them
        assert {[dict exists $all set] && [dict exists $all config|resetstat] && ![dict exists $all get]}
        assert {![dict exists $all config]}
        r config resetstat
        assert {![dict exists [r latency histogram] set]}
    }

    test "LATENCY HISTOGRAM - a map in RESP3" {
        r config resetstat
        set c [new_client]
        $c hello 3
        $c readraw 1
        assert_equal "%0" [$c latency histogram ping]
        $c readraw 0
        $c ping
        $c readraw 1
        assert_equal "%1" [$c latency histogram ping]
        $c close
    }

    test "LATENCY GRAPH - header, four rows of columns, labels; errors" {
        r config set latency-monitor-threshold 10
        r latency reset
        assert_error "ERR No samples available for event 'command'" {r latency graph command}
        assert_error "*wrong number of arguments*" {r latency graph}
        r debug sleep 0.03
        set g [r latency graph command]
        set lines [split $g "\n"]
        assert_match "command - high * ms, low * ms (all time high * ms)" [lindex $lines 0]
        assert_equal [string repeat - 80] [lindex $lines 1]
        # one sample: the highest and the lowest, a full column
        assert_equal "#" [lindex $lines 2]
        foreach i {3 4 5} { assert_equal "|" [lindex $lines $i] }
        assert_equal "" [lindex $lines 6]
        assert_match {[0-9]} [lindex $lines 7]
        r config set latency-monitor-threshold 0
    }
}

start_server {tags {"latency"}} {
    proc lat_line {cmd} {
        set info [r info latencystats]
        if {[regexp "\r\nlatency_percentiles_usec_$cmd:(\[^\r\n\]*)" $info -> v]} { return $v }
        return ""
    }

    test "INFO latencystats: per-command percentiles, latency-tracking on and off" {
        r config resetstat
        assert_equal {latency-tracking yes} [r config get latency-tracking]
        assert_equal {latency-tracking-info-percentiles {50 99 99.9}} \
            [r config get latency-tracking-info-percentiles]
        r set a b
        assert_match {p50=*,p99=*,p99.9=*} [lat_line set]
        # not in the default INFO, as in Redis
        assert {![string match "*latency_percentiles*" [r info]]}
        r config resetstat
        assert_equal "" [lat_line set]
        r config set latency-tracking no
        r set a b
        assert_equal "" [lat_line set]
        r config set latency-tracking yes
    }

    test "latency-tracking-info-percentiles: values, canonical text, errors keep the old value" {
        r config set latency-tracking-info-percentiles "0.0 50.0 100.0"
        assert_equal {latency-tracking-info-percentiles {0 50 100}} \
            [r config get latency-tracking-info-percentiles]
        r set a b
        assert_match {p0=*,p50=*,p100=*} [lat_line set]
        assert_error "*Invalid latency-tracking-info-percentiles*" \
            {r config set latency-tracking-info-percentiles "10.0 50.0 a"}
        assert_error "*Invalid latency-tracking-info-percentiles*" \
            {r config set latency-tracking-info-percentiles "10.0 101.0"}
        assert_equal {latency-tracking-info-percentiles {0 50 100}} \
            [r config get latency-tracking-info-percentiles]
        r config set latency-tracking-info-percentiles ""
        assert_equal "" [lat_line set]
        r config set latency-tracking-info-percentiles "50 99 99.9"
    }

    test "INFO latencystats measures: a 50 ms DEBUG SLEEP reads at least 50000 usec" {
        r config resetstat
        r config set latency-tracking-info-percentiles "50"
        r debug sleep 0.05
        r set k v
        regexp {p50=([0-9.]+)} [lat_line debug] -> dbg
        regexp {p50=([0-9.]+)} [lat_line set] -> set
        assert {$dbg >= 50000}
        # the histogram's resolution is about 3%: well under 2x
        assert {$dbg < 100000}
        assert {$set <= $dbg}
        r config set latency-tracking-info-percentiles "50 99 99.9"
    }
}

start_server {tags {"latency"}} {
    test "latencystats and LATENCY HISTOGRAM: blocked commands, containers' subcommands" {
        r config resetstat
        set rd [deferring_client]
        $rd blpop lsblk 0
        wait_for_condition 50 20 {[s blocked_clients] == 1} else { fail "not blocked" }
        r lpush lsblk x
        assert_equal {lsblk x} [$rd read]
        $rd close
        assert_match "*latency_percentiles_usec_blpop:p50=*" [r info latencystats]
        r client id
        r client list
        set h [r latency histogram client]
        assert_equal {client|id client|list} [lsort [dict keys $h]]
        assert_equal {client|id} [dict keys [r latency histogram client|id]]
    }
}
