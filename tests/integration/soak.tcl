# soak.tcl - 2,000 hostile clients (idle, garbage, half requests, a 512 MB bulk header, never
# reading, one byte at a time) beside 10 honest writers, through utils/vl-soak. Afterwards the
# honest data is complete, the server's CPU is back to idle within a second of the hostile
# clients leaving, and its RSS is back within 10% of where it started.
#
# Bounded: vl-soak runs 5 s (timeout 120), every wait below has a try count. Loopback only.

set soak_bin [file join $::vl::cfg(root) utils vl-soak]
if {![file executable $soak_bin]} {
    puts "\[skip\]: utils/vl-soak is not built (make)"
    return
}

start_server {tags {"integration" "soak" "slow"}} {
    set pid [srv pid]
    test "soak: 2,000 hostile clients, honest data complete, CPU and RSS back" {
        set elem [string repeat x 100]
        r rpush soak:list {*}[lrepeat 100 $elem]
        # first pass writes every honest key once, so the dataset is in the baseline
        exec $soak_bin -p [srv port] -c 0 -s 1 -k 5000
        assert_equal 50001 [r dbsize]
        # with every block moving all the time (test-defrag-stress) the server is never idle:
        # the data checks still hold, the CPU and RSS ones cannot
        set busy [expr {[lindex [r config get active-defrag-force-all] 1] eq "yes"}]
        if {$busy} { puts "    \[skip\]: CPU and RSS checks (active-defrag-force-all)" }
        wait_for_condition 50 100 {$busy || [proc_cpu_over $pid 200] < 0.02} else {
            fail "server not idle before the soak"
        }
        set rss0 [proc_rss_kb $pid]

        set out [exec timeout 120 $soak_bin -p [srv port] -c 2000 -s 5 -k 5000]
        puts "    $out"
        assert_match "*0 errors, verified*" $out
        regexp {verified (\d+) of (\d+)} $out -> ok acked
        assert_equal $acked $ok
        # every honest key was acknowledged at least once: hostile clients did not stall them
        assert_equal 50000 $acked
        assert_equal 50001 [r dbsize]
        assert_equal 100 [r llen soak:list]

        # the hostile sockets are closed: within a second the server is idle again
        wait_for_condition 50 20 {[s connected_clients] <= 1} else {
            fail "hostile clients still connected: [s connected_clients]"
        }
        if {$busy} return
        # the first second is the server's to finish closing; the next one must be idle
        set cpu_first [proc_cpu_over $pid 1000]
        set cpu [proc_cpu_over $pid 1000]
        assert {$cpu < 0.1} "server used $cpu s of CPU in the second second after the soak"

        if {[vl_asan_build]} {
            puts "    \[skip\]: RSS check (AddressSanitizer's quarantine keeps freed memory)"
            return
        }
        wait_for_condition 150 100 {[proc_rss_kb $pid] <= $rss0 * 1.1} else {
            fail "RSS [proc_rss_kb $pid] kB did not return within 10% of $rss0 kB"
        }
        puts "    RSS before $rss0 kB, after [proc_rss_kb $pid] kB; CPU $cpu_first s then $cpu s"
    }
}
