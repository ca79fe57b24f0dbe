# lazyfree.tcl - freeing big values without stalls: UNLINK, DEL under lazyfree-lazy-user-del,
# FLUSHALL/FLUSHDB ASYNC and lazyfree-lazy-user-flush hand big values to the lazy-free job,
# which frees them in bounded slices from the event loop. INFO's lazyfree_pending_objects
# and lazyfreed_objects show it; a slow-tagged test probes the loop with PINGs while a
# million-chunk list is being freed.

# Sends CMDS (a list of commands) in one write, so the server runs them back to back in one
# read event (no timer, hence no lazy-free slice, can run between them); returns replies.
proc lf_pipeline {cmds} {
    set rd [deferring_client]
    set buf ""
    foreach cmd $cmds { append buf [::vl::client::encodeCommand $cmd] }
    $rd write $buf
    $rd flush
    set replies {}
    foreach cmd $cmds { lappend replies [$rd read] }
    $rd close
    return $replies
}

# Key KEY of db DB (the one `r` has selected) with N elements from 10 pipelined RPUSH
# batches.
proc lf_build_list {key n {db 0}} {
    r del $key
    set rd [deferring_client]
    $rd select $db
    $rd read
    set per [expr {$n / 10}]
    for {set b 0} {$b < 10} {incr b} {
        set batch {}
        for {set i 0} {$i < $per} {incr i} { lappend batch [expr {$b * $per + $i}] }
        $rd rpush $key {*}$batch
    }
    for {set b 0} {$b < 10} {incr b} { $rd read }
    $rd close
    assert_equal $n [r llen $key]
}

proc lf_wait_drained {} {
    wait_for_condition 500 10 {[s lazyfree_pending_objects] == 0} else {
        fail "lazyfree_pending_objects stuck at [s lazyfree_pending_objects]"
    }
}

start_server {tags {lazyfree}} {
    test "UNLINK of a 1,000,000-element list returns at once and is freed in the background" {
        r config set list-max-listpack-size -2
        set mem0 [s used_memory]
        lf_build_list big 1000000
        set freed0 [s lazyfreed_objects]
        set mem1 [s used_memory]
        assert {$mem1 - $mem0 > 4000000}
        lassign [lf_pipeline {{unlink big} {exists big} {info memory}}] n exists info
        assert_equal 1 $n
        assert_equal 0 $exists
        # the value was queued, not freed inside UNLINK
        assert_equal 1 [getInfoProperty $info lazyfree_pending_objects]
        lf_wait_drained
        assert_equal [expr {$freed0 + 1}] [s lazyfreed_objects]
        assert {[s used_memory] - $mem0 < 1000000}
    }

    test "UNLINK of small values frees them at once" {
        set freed0 [s lazyfreed_objects]
        r rpush small a b c
        r set str v
        assert_equal 2 [r unlink small str nosuchkey]
        assert_equal 0 [s lazyfree_pending_objects]
        assert_equal $freed0 [s lazyfreed_objects]
    }

    test "DEL is synchronous by default and lazy with lazyfree-lazy-user-del yes" {
        lf_build_list big 200000
        set freed0 [s lazyfreed_objects]
        assert_equal 1 [r del big]
        assert_equal $freed0 [s lazyfreed_objects]
        r config set lazyfree-lazy-user-del yes
        lf_build_list big 200000
        lassign [lf_pipeline {{del big} {info memory}}] n info
        assert_equal 1 $n
        assert_equal 1 [getInfoProperty $info lazyfree_pending_objects]
        lf_wait_drained
        assert_equal [expr {$freed0 + 1}] [s lazyfreed_objects]
        r config set lazyfree-lazy-user-del no
    }

    test "FLUSHALL ASYNC with big values empties at once and frees in the background" {
        set mem0 [s used_memory]
        lf_build_list big1 300000
        lf_build_list big2 300000
        r select 9
        lf_build_list big3 300000 9
        for {set i 0} {$i < 100} {incr i} { r set k$i v$i }
        r select 0
        set freed0 [s lazyfreed_objects]
        lassign [lf_pipeline {{flushall async} {dbsize} {info memory}}] ok size info
        assert_equal OK $ok
        assert_equal 0 $size
        assert {[getInfoProperty $info lazyfree_pending_objects] >= 3}
        r select 9
        assert_equal 0 [r dbsize]
        r select 0
        lf_wait_drained
        assert {[s lazyfreed_objects] - $freed0 >= 103}
        assert {[s used_memory] - $mem0 < 1000000}
        # the server keeps working on the keyspace meanwhile and after
        r rpush after x
        assert_equal {x} [r lrange after 0 -1]
    }

    test "FLUSHDB ASYNC frees only the selected db" {
        r flushall
        lf_build_list big 300000
        r select 9
        lf_build_list big 300000 9
        assert_equal OK [r flushdb async]
        assert_equal 0 [r dbsize]
        r select 0
        assert_equal 300000 [r llen big]
        lf_wait_drained
        assert_equal 300000 [r llen big]
        r del big
    }

    test "lazyfree-lazy-user-flush yes makes a plain FLUSHALL asynchronous" {
        lf_build_list big 300000
        r config set lazyfree-lazy-user-flush yes
        lassign [lf_pipeline {{flushall} {info memory}}] ok info
        assert_equal OK $ok
        assert {[getInfoProperty $info lazyfree_pending_objects] >= 1}
        lf_wait_drained
        r config set lazyfree-lazy-user-flush no
        assert_equal 0 [r dbsize]
    }

    test "A key reused while its old value is being freed holds the new value" {
        lf_build_list big 300000
        lassign [lf_pipeline {{unlink big} {rpush big new} {lrange big 0 -1}}] n len range
        assert_equal 1 $n
        assert_equal 1 $len
        assert_equal {new} $range
        lf_wait_drained
        assert_equal {new} [r lrange big 0 -1]
        r del big
    }

    test "UNLINK of a 1,000,000-chunk list never stalls the loop for long (PING probe)" {
        # one element per chunk: a million blocks to free, the costliest list to drop
        r config set list-max-listpack-size 1
        lf_build_list big 1000000
        lf_build_list big2 1000000
        r config set list-max-listpack-size -2
        # the same work done synchronously, for scale
        set t0 [clock microseconds]
        r del big2
        set sync_ms [expr {([clock microseconds] - $t0) / 1000.0}]
        set probe [new_client]
        r unlink big
        set max_ms 0
        set during 0
        for {set i 0} {$i < 20000} {incr i} {
            set t0 [clock microseconds]
            $probe ping
            set ms [expr {([clock microseconds] - $t0) / 1000.0}]
            if {$ms > $max_ms} { set max_ms $ms }
            if {$i % 5 == 0} {
                set info [$probe info memory]
                if {[getInfoProperty $info lazyfree_pending_objects] == 0} break
                incr during
            }
        }
        lf_wait_drained
        # the free took several slices, and no PING waited for more than a few slices
        set why "max PING round trip $max_ms ms, checks while pending $during,\
            synchronous DEL of the same list $sync_ms ms"
        assert {$during >= 1} $why
        assert {$max_ms < 50} $why
    } {slow}
}
