# list-large.tcl - million-element lists: built with a pipelined RPUSH of 10 batches, then
# LINDEX, LRANGE, LINSERT, LSET, LPOS, LREM, LTRIM and counted pops at both ends and in the
# middle, checked against a formula for each position (no Tcl copy of the list). Run under
# the default fill and, tagged slow, under list-max-listpack-size 5, 1 and -5.

# Element i of the built list: even positions hold integers, odd ones strings, so both
# element encodings are exercised at every spot.
proc big_elem {i} {
    if {$i % 2 == 0} { return $i }
    return "v$i"
}

proc big_debug_field {key field} {
    set line [r debug listpack $key]
    if {![regexp "(?:^| )$field:(\\S+)" $line -> v]} { error "no $field in '$line'" }
    return $v
}

# Builds key big with N elements: 10 RPUSH commands of N/10 elements, all written before
# any reply is read.
proc big_build {n} {
    r del big
    set rd [deferring_client]
    set per [expr {$n / 10}]
    for {set b 0} {$b < 10} {incr b} {
        set batch {}
        for {set i [expr {$b * $per}]} {$i < ($b + 1) * $per} {incr i} {
            lappend batch [big_elem $i]
        }
        $rd rpush big {*}$batch
    }
    for {set b 1} {$b <= 10} {incr b} {
        assert_equal [expr {$b * $per}] [$rd read]
    }
    $rd close
}

proc big_suite {fill} {
    set n 1000000
    set h [expr {$n / 2}]

    test "Million-element list (fill $fill): built by 10 pipelined RPUSH batches" {
        r config set list-max-listpack-size $fill
        big_build $n
        assert_equal $n [r llen big]
        assert_equal ok [big_debug_field big verify]
        assert_equal quicklist [big_debug_field big encoding]
    }

    test "Million-element list (fill $fill): LINDEX at both ends, the middle and random spots" {
        foreach i [list 0 1 2 [expr {$h - 1}] $h [expr {$h + 1}] [expr {$n - 2}] [expr {$n - 1}]] {
            assert_equal [big_elem $i] [r lindex big $i] "index $i"
            assert_equal [big_elem $i] [r lindex big [expr {$i - $n}]] "index [expr {$i - $n}]"
        }
        assert_equal "" [r lindex big $n]
        assert_equal "" [r lindex big [expr {-$n - 1}]]
        expr {srand(7)}
        for {set k 0} {$k < 50} {incr k} {
            set i [randomInt $n]
            assert_equal [big_elem $i] [r lindex big $i] "index $i"
        }
    }

    test "Million-element list (fill $fill): LRANGE windows" {
        set expect {}
        for {set i 0} {$i < 10} {incr i} { lappend expect [big_elem $i] }
        assert_equal $expect [r lrange big 0 9]
        set expect {}
        for {set i [expr {$n - 10}]} {$i < $n} {incr i} { lappend expect [big_elem $i] }
        assert_equal $expect [r lrange big -10 -1]
        set expect {}
        for {set i [expr {$h - 5}]} {$i < $h + 5} {incr i} { lappend expect [big_elem $i] }
        assert_equal $expect [r lrange big [expr {$h - 5}] [expr {$h + 4}]]
        assert_equal [list [big_elem [expr {$n - 2}]] [big_elem [expr {$n - 1}]]] \
            [r lrange big [expr {$n - 2}] [expr {$n + 100}]]
        expr {srand(8)}
        for {set k 0} {$k < 20} {incr k} {
            set s [randomInt [expr {$n - 100}]]
            set got [r lrange big $s [expr {$s + 99}]]
            assert_equal 100 [llength $got]
            assert_equal [big_elem $s] [lindex $got 0]
            assert_equal [big_elem [expr {$s + 57}]] [lindex $got 57]
            assert_equal [big_elem [expr {$s + 99}]] [lindex $got 99]
        }
    }

    test "Million-element list (fill $fill): LINSERT at the head, the tail and the middle" {
        assert_equal [expr {$n + 1}] [r linsert big before [big_elem 0] HEAD]
        assert_equal [expr {$n + 2}] [r linsert big after [big_elem [expr {$n - 1}]] TAIL]
        assert_equal [expr {$n + 3}] [r linsert big after [big_elem $h] MIDDLE]
        # HEAD shifts every original element one place right
        assert_equal {HEAD 0 v1} [r lrange big 0 2]
        assert_equal [list [big_elem [expr {$n - 1}]] TAIL] [r lrange big -2 -1]
        assert_equal [list [big_elem $h] MIDDLE [big_elem [expr {$h + 1}]]] \
            [r lrange big [expr {$h + 1}] [expr {$h + 3}]]
        assert_equal MIDDLE [r lindex big [expr {$h + 2}]]
        assert_equal ok [big_debug_field big verify]
    }

    test "Million-element list (fill $fill): LSET, LPOS and LREM in the middle" {
        assert_equal OK [r lset big [expr {$h + 2}] MIDDLE2]
        assert_equal OK [r lset big -2 [big_elem 5]]
        assert_equal [expr {$h + 2}] [r lpos big MIDDLE2]
        assert_equal [expr {$n + 2}] [r lpos big TAIL rank -1]
        assert_equal "" [r lpos big TAIL maxlen 1000]
        assert_equal [list 6 [expr {$n + 1}]] [r lpos big [big_elem 5] count 0]
        assert_equal 1 [r lrem big 1 MIDDLE2]
        assert_equal 1 [r lrem big -1 [big_elem 5]]
        r rpush big [big_elem [expr {$n - 1}]]
        r lrem big 1 TAIL
        r rpush big TAIL
        assert_equal [expr {$n + 2}] [r llen big]
        assert_equal [list [big_elem $h] [big_elem [expr {$h + 1}]]] \
            [r lrange big [expr {$h + 1}] [expr {$h + 2}]]
        assert_equal ok [big_debug_field big verify]
    }

    test "Million-element list (fill $fill): LTRIM both ends, then counted pops" {
        # the list is HEAD, elem(0..n-1), TAIL: keep elem(1000) .. elem(n-1001)
        assert_equal OK [r ltrim big 1001 -1002]
        assert_equal [expr {$n - 2000}] [r llen big]
        assert_equal [big_elem 1000] [r lindex big 0]
        assert_equal [big_elem [expr {$n - 1001}]] [r lindex big -1]
        assert_equal [list [big_elem $h] [big_elem [expr {$h + 1}]]] \
            [r lrange big [expr {$h - 1000}] [expr {$h - 999}]]
        set got [r lpop big 1000]
        assert_equal 1000 [llength $got]
        assert_equal [big_elem 1000] [lindex $got 0]
        assert_equal [big_elem 1999] [lindex $got end]
        set got [r rpop big 1000]
        assert_equal [big_elem [expr {$n - 1001}]] [lindex $got 0]
        assert_equal [big_elem [expr {$n - 2000}]] [lindex $got end]
        assert_equal [expr {$n - 4000}] [r llen big]
        assert_equal [big_elem 2000] [r lindex big 0]
        assert_equal ok [big_debug_field big verify]
    }

    test "Million-element list (fill $fill): memory stays near the payload" {
        set len [r llen big]
        set mem [big_debug_field big value_mem]
        # entries are 2-10 bytes (7 on average, measured); small chunks pay their 28-byte
        # header and size-class rounding: 16 bytes/element at 5 per chunk, 48 at 1
        set per [expr {double($mem) / $len}]
        switch -- $fill {
            1 { assert_range $per 32 64 }
            5 { assert_range $per 10 24 }
            default { assert_range $per 3 10 }
        }
        set usage [r memory usage big]
        assert_range [expr {$usage - $mem}] 0 1024
    }

    # about 10 s of reply parsing in Tcl: once, under the default fill
    if {$fill == -2} {
    test "Million-element list (fill $fill): whole LRANGE" {
        set all [r lrange big 0 -1]
        assert_equal [r llen big] [llength $all]
        assert_equal [big_elem 2000] [lindex $all 0]
        assert_equal [big_elem 123456] [lindex $all [expr {123456 - 2000}]]
        assert_equal [big_elem [expr {$n - 2001}]] [lindex $all end]
    } {slow}
    }

    test "Million-element list (fill $fill): DEL" {
        assert_equal 1 [r del big]
        assert_equal 0 [r exists big]
        r config set list-max-listpack-size -2
    }
}

start_server {tags {list large}} {
    big_suite -2
    tags {slow} {
        big_suite 5
        big_suite 1
        big_suite -5
    }
}
