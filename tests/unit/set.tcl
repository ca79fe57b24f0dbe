# set.tcl - the set commands in the three encodings (intset, listpack, hashtable), encoding
# conversion by type, size, member length and CONFIG SET, error paths and WRONGTYPE, the set
# algebra against results computed in Tcl, big sets (SSCAN sees every member), SPOP and
# SRANDMEMBER, digests, COPY, keyspace events, defrag of set values, and a seeded randomized
# comparison against a Tcl model.

# A set of the given encoding holding members (intset needs integer members).
proc make_set {key enc members} {
    r del $key
    if {$enc eq "hashtable"} { r config set set-max-intset-entries 0 }
    if {$enc eq "hashtable"} { r config set set-max-listpack-entries 0 }
    r sadd $key {*}$members
    r config set set-max-intset-entries 512
    r config set set-max-listpack-entries 128
    assert_encoding $enc $key
}

# Tcl set operations on lists (results sorted, unique).
proc tcl_union {args} { return [lsort -unique [concat {*}$args]] }
proc tcl_inter {first args} {
    set out {}
    foreach m [lsort -unique $first] {
        set in 1
        foreach s $args { if {[lsearch -exact $s $m] < 0} { set in 0; break } }
        if {$in} { lappend out $m }
    }
    return $out
}
proc tcl_diff {first args} {
    set out {}
    foreach m [lsort -unique $first] {
        set in 0
        foreach s $args { if {[lsearch -exact $s $m] >= 0} { set in 1; break } }
        if {!$in} { lappend out $m }
    }
    return $out
}

# Sends many commands on a deferring client and then reads every reply: one round trip's
# worth of waiting instead of one per command (big multi-argument writes otherwise wait on
# delayed ACKs each time).
proc pipelined {cmds} {
    set rd [deferring_client]
    foreach c $cmds { $rd {*}$c }
    set replies {}
    foreach c $cmds { lappend replies [$rd read] }
    $rd close
    return $replies
}

start_server {tags {"set"}} {
    foreach {enc members} {
        intset {1 2 3 -5 100000 9223372036854775807 -9223372036854775808}
        listpack {a b c 1 2 foo bar}
        hashtable {a b c 1 2 foo bar}
    } {
        test "SADD/SCARD/SISMEMBER/SMEMBERS ($enc)" {
            make_set s $enc $members
            assert_equal [llength $members] [r scard s]
            foreach m $members { assert_equal 1 [r sismember s $m] }
            assert_equal 0 [r sismember s nosuchmember]
            assert_equal 0 [r sismember s 42]
            assert_equal [lsort $members] [lsort [r smembers s]]
            assert_equal 0 [r sadd s [lindex $members 0]]
            assert_equal 0 [r sadd s {*}$members]
            assert_encoding $enc s
        }

        test "SMISMEMBER ($enc)" {
            assert_equal {1 0 1} [r smismember s [lindex $members 0] zzz [lindex $members 1]]
            assert_equal {0 0} [r smismember nokey a b]
        }

        test "SREM ($enc)" {
            make_set s $enc $members
            assert_equal 0 [r srem s nosuch 424242]
            assert_equal 2 [r srem s [lindex $members 0] [lindex $members 1] [lindex $members 0]]
            assert_equal [expr {[llength $members] - 2}] [r scard s]
            assert_equal 0 [r sismember s [lindex $members 0]]
            assert_equal [lsort [lrange $members 2 end]] [lsort [r smembers s]]
            assert_encoding $enc s
            assert_equal [expr {[llength $members] - 2}] [r srem s {*}$members]
            assert_equal 0 [r exists s]
            assert_equal 0 [r srem nokey a]
        }

        test "SPOP one member at a time until the set is gone ($enc)" {
            make_set s $enc $members
            set popped {}
            for {set i 0} {$i < [llength $members]} {incr i} { lappend popped [r spop s] }
            assert_equal [lsort $members] [lsort $popped]
            assert_equal 0 [r exists s]
            assert_equal {} [r spop s]
        }

        test "SPOP with count ($enc)" {
            make_set s $enc $members
            set a [r spop s 3]
            assert_equal 3 [llength [lsort -unique $a]]
            assert_equal [expr {[llength $members] - 3}] [r scard s]
            foreach m $a { assert_equal 0 [r sismember s $m] }
            set rest [r smembers s]
            assert_equal [lsort $members] [lsort [concat $a $rest]]
            assert_equal {} [r spop s 0]
            set b [r spop s 100]
            assert_equal [lsort $rest] [lsort $b]
            assert_equal 0 [r exists s]
            assert_equal {} [r spop s 3]
        }

        test "SRANDMEMBER ($enc)" {
            make_set s $enc $members
            assert {[lsearch -exact $members [r srandmember s]] >= 0}
            assert_equal {} [r srandmember s 0]
            assert_equal [lsort $members] [lsort [r srandmember s 100]]
            assert_equal [lsort $members] [lsort [r srandmember s [llength $members]]]
            for {set i 0} {$i < 30} {incr i} {
                set r3 [r srandmember s 3]
                assert_equal 3 [llength [lsort -unique $r3]]
                foreach m $r3 { assert {[lsearch -exact $members $m] >= 0} }
            }
            set many [r srandmember s -50]
            assert_equal 50 [llength $many]
            foreach m $many { assert {[lsearch -exact $members $m] >= 0} }
            assert_equal [llength $members] [r scard s]
        }

        test "SSCAN ($enc)" {
            make_set s $enc $members
            set cur 0
            set got {}
            while 1 {
                lassign [r sscan s $cur count 2] cur items
                lappend got {*}$items
                if {$cur == 0} break
            }
            assert_equal [lsort $members] [lsort -unique $got]
        }
    }

    test "Set encoding: intset, then listpack on a string, hashtable past 128" {
        r del s
        r sadd s 1 2 3
        assert_encoding intset s
        r sadd s a
        assert_encoding listpack s
        assert_equal {1 2 3 a} [lsort [r smembers s]]
        for {set i 0} {$i < 124} {incr i} { r sadd s m$i }
        assert_equal 128 [r scard s]
        assert_encoding listpack s
        r sadd s one-more
        assert_encoding hashtable s
        assert_equal 129 [r scard s]
        # never back
        for {set i 0} {$i < 120} {incr i} { r srem s m$i }
        assert_encoding hashtable s
    }

    test "Set encoding: intset up to 512 integers, then hashtable" {
        r del s
        for {set i 0} {$i < 512} {incr i} { r sadd s $i }
        assert_encoding intset s
        r sadd s 512
        assert_encoding hashtable s
        assert_equal 513 [r scard s]
        assert_equal 1 [r sismember s 511]
    }

    test "Set encoding: a string joining a big intset goes to hashtable" {
        r del s
        for {set i 0} {$i < 200} {incr i} { r sadd s $i }
        assert_encoding intset s
        r sadd s x
        assert_encoding hashtable s
        assert_equal 201 [r scard s]
    }

    test "Set encoding: long members and many members at once" {
        r del s1 s2 s3 s4
        r sadd s1 [string repeat x 64]
        assert_encoding listpack s1
        r sadd s1 [string repeat y 65]
        assert_encoding hashtable s1
        r sadd s2 1 2 [string repeat z 65]
        assert_encoding hashtable s2
        set args {}
        for {set i 0} {$i < 200} {incr i} { lappend args m$i }
        r sadd s3 {*}$args
        assert_encoding hashtable s3
        set args {}
        for {set i 0} {$i < 600} {incr i} { lappend args $i }
        r sadd s4 {*}$args
        assert_encoding hashtable s4
        assert_equal 600 [r scard s4]
        # integers that do not round-trip stay strings
        r del s5
        r sadd s5 01 1
        assert_encoding listpack s5
        assert_equal {01 1} [lsort [r smembers s5]]
        r del s6
        r sadd s6 9223372036854775808
        assert_encoding listpack s6
    }

    test "Set encoding thresholds follow CONFIG SET" {
        r config set set-max-intset-entries 3
        r config set set-max-listpack-entries 3
        r config set set-max-listpack-value 4
        r del a b c
        r sadd a 1 2 3
        assert_encoding intset a
        r sadd a 4
        assert_encoding hashtable a
        r sadd b x y z
        assert_encoding listpack b
        r sadd b w
        assert_encoding hashtable b
        r sadd c abcd
        assert_encoding listpack c
        r sadd c abcde
        assert_encoding hashtable c
        r config set set-max-intset-entries 512
        r config set set-max-listpack-entries 128
        r config set set-max-listpack-value 64
        r del a b c
    }

    test "SMEMBERS of an intset is sorted" {
        r del s
        r sadd s 5 -1 3 100000 -70000 0
        assert_equal {-70000 -1 0 3 5 100000} [r smembers s]
    }

    test "Set commands reply WRONGTYPE on other types" {
        r del str s
        r set str x
        r sadd s a
        foreach cmd {
            {sadd str a} {srem str a} {sismember str a} {smismember str a} {scard str}
            {smembers str} {spop str} {spop str 2} {srandmember str} {srandmember str 2}
            {smove str s a} {smove s str a} {sinter str} {sinter s str} {sintercard 1 str}
            {sinterstore d str} {sunion s str} {sunionstore d str} {sdiff str}
            {sdiff s str} {sdiffstore d s str} {sscan str 0}
        } {
            assert_error "WRONGTYPE*" [list r {*}$cmd]
        }
        assert_equal x [r get str]
        assert_equal {a} [r smembers s]
        assert_equal 0 [r exists d]
        # SINTER checks every key even when an earlier one is missing
        assert_error "WRONGTYPE*" {r sinter nokey str}
    }

    test "Set commands: wrong number of arguments" {
        assert_error "ERR wrong number of arguments for 'sadd' command" {r sadd s}
        assert_error "ERR wrong number of arguments for 'srem' command" {r srem s}
        assert_error "ERR wrong number of arguments for 'smove' command" {r smove a b}
        assert_error "ERR wrong number of arguments for 'sinterstore' command" {r sinterstore d}
        assert_error "ERR wrong number of arguments for 'sintercard' command" {r sintercard 1}
        assert_error "ERR wrong number of arguments for 'sscan' command" {r sscan s}
        assert_error "ERR wrong number of arguments for 'spop' command" {r spop}
    }

    test "Missing keys: empty replies" {
        r del nokey
        assert_equal 0 [r scard nokey]
        assert_equal {} [r smembers nokey]
        assert_equal 0 [r sismember nokey a]
        assert_equal {} [r srandmember nokey]
        assert_equal {} [r srandmember nokey 5]
        assert_equal {} [r spop nokey]
        assert_equal {} [r spop nokey 5]
        assert_equal {0 {}} [r sscan nokey 0]
        assert_equal {} [r sinter nokey]
        assert_equal {} [r sunion nokey]
        assert_equal {} [r sdiff nokey]
        assert_equal 0 [r sintercard 1 nokey]
        assert_equal 0 [r exists nokey]
    }

    test "SPOP/SRANDMEMBER errors" {
        r del s
        r sadd s a b c
        assert_error "ERR syntax error" {r spop s 1 2}
        assert_error "ERR value is out of range, must be positive" {r spop s -1}
        assert_error "ERR value is out of range, must be positive" {r spop s x}
        assert_error "ERR syntax error" {r srandmember s 1 2}
        assert_error "ERR value is not an integer or out of range" {r srandmember s x}
        assert_error "ERR value is out of range, value must between*" \
            {r srandmember s -9223372036854775808}
        assert_equal 3 [r scard s]
    }

    test "SRANDMEMBER with a huge negative count stops at the output buffer limit" {
        r del s
        r sadd s a
        r config set client-output-buffer-limit "normal 1mb 0 0"
        set c [new_client]
        assert_error "*connection closed*" {$c srandmember s -1000000000000}
        r config set client-output-buffer-limit "normal 0 0 0"
        assert_equal PONG [r ping]
    }

    test "RESP3: SMEMBERS, SPOP with count and the algebra are sets, SRANDMEMBER an array" {
        r del s
        r sadd s a b c
        set c [new_client]
        $c hello 3
        $c readraw 1
        assert_equal "~3" [$c smembers s]
        $c read; $c read; $c read; $c read; $c read; $c read
        assert_equal "~3" [$c sinter s]
        $c read; $c read; $c read; $c read; $c read; $c read
        assert_equal "*2" [$c srandmember s 2]
        $c read; $c read; $c read; $c read
        assert_equal "*3" [$c srandmember s 10]
        $c read; $c read; $c read; $c read; $c read; $c read
        assert_equal "~0" [$c spop nokey 2]
        assert_equal "~1" [$c spop s 1]
    }

    test "SPOP/SRANDMEMBER distribution is roughly uniform (all encodings)" {
        foreach {enc members} {
            intset {0 1 2 3 4 5 6 7 8 9}
            listpack {a b c d e f g h i j}
            hashtable {a b c d e f g h i j}
        } {
            make_set s $enc $members
            unset -nocomplain cnt
            foreach m [r srandmember s -5000] { incr cnt($m) }
            foreach m $members { assert_range $cnt($m) 250 750 }
            unset -nocomplain cnt
            for {set k 0} {$k < 500} {incr k} { foreach m [r srandmember s 3] { incr cnt($m) } }
            foreach m $members { assert_range $cnt($m) 50 250 }
            unset -nocomplain cnt
            for {set k 0} {$k < 300} {incr k} {
                make_set s $enc $members
                foreach m [r spop s 2] { incr cnt($m) }
            }
            foreach m $members { assert_range $cnt($m) 20 120 }
        }
    }

    test "SMOVE basics" {
        r del src dst
        r sadd src a b 1
        r sadd dst c
        assert_equal 1 [r smove src dst a]
        assert_equal 0 [r sismember src a]
        assert_equal 1 [r sismember dst a]
        assert_equal 0 [r smove src dst nosuch]
        # already in the destination: removed from the source, still 1
        r sadd src c
        assert_equal 1 [r smove src dst c]
        assert_equal {1 b} [lsort [r smembers src]]
        assert_equal {a c} [lsort [r smembers dst]]
        # same key: 1 if a member, nothing changes
        assert_equal 1 [r smove src src b]
        assert_equal 0 [r smove src src zz]
        assert_equal {1 b} [lsort [r smembers src]]
        # the destination is created with the member's encoding
        r del newdst
        assert_equal 1 [r smove src newdst 1]
        assert_encoding intset newdst
        r smove src newdst b
        assert_encoding listpack newdst
        # the emptied source is deleted
        assert_equal 0 [r exists src]
        assert_equal 0 [r smove nokey dst a]
        # a missing source is not an error even if the destination has the wrong type
        r set str x
        assert_equal 0 [r smove nokey str a]
    }

    test "SMOVE from an intset into a hashtable and back" {
        make_set a intset {1 2 3}
        make_set b hashtable {x y z}
        assert_equal 1 [r smove a b 2]
        assert_equal 1 [r smove b a x]
        assert_encoding listpack a
        assert_equal {1 3 x} [lsort [r smembers a]]
        assert_equal {2 y z} [lsort [r smembers b]]
    }

    # The algebra across every pair of encodings, against Tcl results.
    set ::setdata {
        s1 intset {1 2 3 4 5 6 7 8 9 10}
        s2 intset {5 6 7 8 9 10 11 12 13 14 15}
        s3 listpack {1 3 5 7 9 a b c}
        s4 hashtable {2 4 6 8 10 b c d}
        s5 hashtable {1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 x}
    }
    proc load_setdata {} {
        foreach {k enc m} $::setdata { make_set $k $enc $m }
    }
    proc setdata_of {k} {
        foreach {kk enc m} $::setdata { if {$kk eq $k} { return $m } }
        return {}
    }

    foreach keys {
        {s1 s2} {s1 s3} {s3 s1} {s2 s4} {s4 s3} {s5 s1} {s1 s5} {s1 s2 s3}
        {s3 s4 s5} {s5 s4 s3 s2 s1} {s1 s1} {s1 nokey} {nokey s1} {s4}
    } {
        test "SINTER/SUNION/SDIFF and their STORE forms: $keys" {
            load_setdata
            set data {}
            foreach k $keys { lappend data [setdata_of $k] }
            set inter [tcl_inter {*}$data]
            set union [tcl_union {*}$data]
            set diff [tcl_diff {*}$data]
            assert_equal $inter [lsort [r sinter {*}$keys]]
            assert_equal $union [lsort [r sunion {*}$keys]]
            assert_equal $diff [lsort [r sdiff {*}$keys]]
            assert_equal [llength $inter] [r sintercard [llength $keys] {*}$keys]
            r del dst
            assert_equal [llength $inter] [r sinterstore dst {*}$keys]
            assert_equal $inter [lsort [r smembers dst]]
            assert_equal [llength $union] [r sunionstore dst {*}$keys]
            assert_equal $union [lsort [r smembers dst]]
            assert_equal [llength $diff] [r sdiffstore dst {*}$keys]
            assert_equal $diff [lsort [r smembers dst]]
            assert_equal [expr {[llength $diff] > 0}] [r exists dst]
        }
    }

    test "STORE results take the smallest encoding that fits" {
        load_setdata
        r sinterstore dst s1 s2
        assert_encoding intset dst
        r sunionstore dst s1 s3
        assert_encoding listpack dst
        r sunionstore dst s5 s4
        assert_encoding listpack dst
        r sinterstore dst s5 s1
        assert_encoding intset dst
        r del big
        for {set i 0} {$i < 300} {incr i} { r sadd big m$i }
        r sunionstore dst big s1
        assert_encoding hashtable dst
        assert_equal 310 [r scard dst]
    }

    test "STORE forms: an empty result deletes the destination, any type is replaced" {
        load_setdata
        r set dst string
        r expire dst 1000
        assert_equal 10 [r sunionstore dst s1]
        assert_equal set [r type dst]
        assert_equal -1 [r ttl dst]
        assert_equal 0 [r sinterstore dst s1 nokey]
        assert_equal 0 [r exists dst]
        r set dst string
        assert_equal 0 [r sdiffstore dst s1 s1]
        assert_equal 0 [r exists dst]
        r set dst string
        assert_equal 0 [r sunionstore dst nokey]
        assert_equal 0 [r exists dst]
        # the destination may be one of the sources
        r sunionstore dst s1
        assert_equal 15 [r sunionstore dst dst s2]
        assert_equal [tcl_union [setdata_of s1] [setdata_of s2]] [lsort [r smembers dst]]
        assert_equal 5 [r sdiffstore dst dst s1]
        assert_equal {11 12 13 14 15} [lsort [r smembers dst]]
    }

    test "SINTERCARD LIMIT and errors" {
        load_setdata
        assert_equal 10 [r sintercard 1 s5 limit 10]
        assert_equal 10 [r sintercard 2 s5 s1 limit 0]
        assert_equal 3 [r sintercard 2 s5 s1 limit 3]
        assert_equal 10 [r sintercard 2 s5 s1 limit 300]
        assert_error "ERR numkeys should be greater than 0" {r sintercard 0 s1}
        assert_error "ERR numkeys should be greater than 0" {r sintercard x s1}
        assert_error "ERR Number of keys can't be greater than number of args" {r sintercard 2 s1}
        assert_error "ERR LIMIT can't be negative" {r sintercard 1 s1 limit -1}
        assert_error "ERR LIMIT can't be negative" {r sintercard 1 s1 limit x}
        assert_error "ERR syntax error" {r sintercard 1 s1 foo}
        assert_error "ERR syntax error" {r sintercard 1 s1 limit}
    }

    test "SSCAN errors and MATCH on intsets" {
        make_set s intset {1 10 11 100 2}
        assert_equal {1 10 100 11} [lsort [lindex [r sscan s 0 match 1*] 1]]
        assert_error "ERR invalid cursor" {r sscan s x}
        assert_error "ERR syntax error" {r sscan s 0 count 0}
        assert_error "ERR value is not an integer or out of range" {r sscan s 0 count x}
        assert_error "ERR syntax error" {r sscan s 0 match}
        assert_error "ERR syntax error" {r sscan s 0 foo bar}
        # a huge COUNT on a hashtable: everything in one call, no overflow of the budget
        r del s
        set args {}
        for {set i 0} {$i < 300} {incr i} { lappend args m$i }
        r sadd s {*}$args
        assert_encoding hashtable s
        lassign [r sscan s 0 count 9223372036854775807] cur items
        assert_equal 0 $cur
        assert_equal 300 [llength $items]
    }

    test "Big set (100k members): SCARD, SISMEMBER, SSCAN returns every member" {
        r del big
        set n 100000
        set cmds {}
        for {set i 0} {$i < $n} {incr i 1000} {
            set args {}
            for {set j $i} {$j < $i + 1000} {incr j} { lappend args m$j }
            lappend cmds [list sadd big {*}$args]
        }
        pipelined $cmds
        assert_encoding hashtable big
        assert_equal $n [r scard big]
        assert_equal 1 [r sismember big m99999]
        assert_equal 0 [r sismember big m100000]
        unset -nocomplain seen
        set cur 0
        set calls 0
        while 1 {
            lassign [r sscan big $cur count 500] cur items
            foreach m $items { set seen($m) 1 }
            incr calls
            if {$cur == 0} break
            assert {$calls < 10000}
        }
        assert_equal $n [array size seen]
    }

    test "Big set: SRANDMEMBER and SPOP with small and large counts" {
        assert_equal 10 [llength [lsort -unique [r srandmember big 10]]]
        assert_equal 70000 [llength [lsort -unique [r srandmember big 70000]]]
        assert_equal 1000 [llength [r srandmember big -1000]]
        set p [r spop big 10]
        assert_equal 10 [llength [lsort -unique $p]]
        foreach m $p { assert_equal 0 [r sismember big $m] }
        set p [r spop big 80000]
        assert_equal 80000 [llength [lsort -unique $p]]
        assert_equal 19990 [r scard big]
        assert_equal [r scard big] [llength [r smembers big]]
    }

    test "Big set: SSCAN sees every member while the set grows and shrinks" {
        r del s
        set cmds {}
        for {set i 0} {$i < 2000} {incr i 100} {
            set args {}
            for {set j $i} {$j < $i + 100} {incr j} { lappend args m$j }
            lappend cmds [list sadd s {*}$args]
        }
        pipelined $cmds
        unset -nocomplain seen
        set cur 0
        set step 0
        while 1 {
            lassign [r sscan s $cur count 20] cur items
            foreach m $items { set seen($m) 1 }
            incr step
            set args {}
            for {set j 0} {$j < 200} {incr j} { lappend args tmp$step:$j }
            if {$step % 2} {
                r sadd s {*}$args
            } else {
                set args {}
                for {set j 0} {$j < 200} {incr j} { lappend args tmp[expr {$step - 1}]:$j }
                assert_equal 200 [r srem s {*}$args]
            }
            if {$cur == 0} break
            assert {$step < 100000}
        }
        for {set i 0} {$i < 2000} {incr i} { assert {[info exists seen(m$i)]} }
    }

    test "DEBUG DIGEST-VALUE does not depend on the encoding" {
        make_set a intset {1 2 3}
        make_set b listpack {x 3 2 1}
        r srem b x
        assert_encoding listpack b
        make_set c hashtable {2 3 1}
        set d [r debug digest-value a]
        assert_equal $d [r debug digest-value b]
        assert_equal $d [r debug digest-value c]
        r sadd c 4
        assert_not_equal $d [r debug digest-value c]
        r srem c 4
        assert_equal $d [r debug digest-value c]
    } {needs:debug}

    test "COPY makes a deep copy (all encodings)" {
        foreach {enc members} {intset {1 2} listpack {a b} hashtable {a b}} {
            make_set s $enc $members
            r del s2
            assert_equal 1 [r copy s s2]
            assert_encoding $enc s2
            r srem s2 [lindex $members 0]
            r sadd s2 zzz
            assert_equal [lsort $members] [lsort [r smembers s]]
            assert_equal [lsort [list [lindex $members 1] zzz]] [lsort [r smembers s2]]
        }
    }

    test "MEMORY USAGE by encoding" {
        make_set a intset {1 2 3 4 5 6 7 8 9 10}
        make_set b listpack {a b c d e f g h i j}
        make_set c hashtable {a b c d e f g h i j}
        assert_range [r memory usage a] 40 200
        assert_range [r memory usage b] 40 200
        assert {[r memory usage c] > [r memory usage b]}
    }

    test "Keyspace events of the set commands" {
        r del s d x
        r sadd x a
        r config set notify-keyspace-events KEA
        set rd [deferring_client]
        $rd psubscribe __keyevent@*
        $rd read
        r sadd s a b c
        r sadd s a
        r srem s a
        r spop s
        r smove x s a
        r sinterstore d s
        r sunionstore d s
        r sdiffstore d s s
        r spop s 5
        set got {}
        for {set i 0} {$i < 11} {incr i} {
            lassign [$rd read] kind pat chan key
            lappend got [lindex [split $chan :] end] $key
        }
        set want {sadd s srem s spop s srem x del x sadd s sinterstore d sunionstore d}
        lappend want del d spop s del s
        assert_equal $want $got
        r config set notify-keyspace-events ""
    }

    test "Defrag moves every set block and keeps the contents" {
        if {[catch {r debug defrag force yes}]} {
            puts "    (skipped: no DEBUG DEFRAG)"
        } else {
            make_set a intset {1 2 3}
            make_set b listpack {x y z}
            r del c
            set cmds {}
            for {set i 0} {$i < 5000} {incr i 500} {
                set args {}
                for {set j $i} {$j < $i + 500} {incr j} { lappend args m$j }
                lappend cmds [list sadd c {*}$args]
            }
            pipelined $cmds
            set da [r debug digest-value a]
            set db [r debug digest-value b]
            set dc [r debug digest-value c]
            r debug defrag run
            r debug defrag force no
            assert_equal $da [r debug digest-value a]
            assert_equal $db [r debug digest-value b]
            assert_equal $dc [r debug digest-value c]
            assert_equal 1 [r sismember c m4321]
            r srem c m4321
            assert_equal 4999 [r scard c]
            assert_equal 1 [r sadd b w]
        }
    } {needs:debug defrag}

    foreach {label ie le} {"default thresholds" 512 128 "tiny thresholds" 5 5} {
        test "Randomized SADD/SREM/SPOP/SMOVE against a Tcl model ($label)" {
            r config set set-max-intset-entries $ie
            r config set set-max-listpack-entries $le
            expr {srand(4242)}
            r del ra rb
            set model(ra) {}
            set model(rb) {}
            for {set op 0} {$op < 2000} {incr op} {
                set k [expr {rand() < 0.5 ? "ra" : "rb"}]
                set other [expr {$k eq "ra" ? "rb" : "ra"}]
                # mostly integers, sometimes strings, so intsets form and convert
                set m [expr {rand() < 0.8 ? int(rand() * 30) : "s[expr {int(rand() * 10)}]"}]
                switch [expr {int(rand() * 7)}] {
                    0 - 1 {
                        set added [expr {[lsearch -exact $model($k) $m] < 0}]
                        assert_equal $added [r sadd $k $m]
                        if {$added} { lappend model($k) $m }
                    }
                    2 {
                        set i [lsearch -exact $model($k) $m]
                        assert_equal [expr {$i >= 0}] [r srem $k $m]
                        if {$i >= 0} { set model($k) [lreplace $model($k) $i $i] }
                    }
                    3 {
                        set p [r spop $k]
                        if {[llength $model($k)] == 0} {
                            assert_equal {} $p
                        } else {
                            set i [lsearch -exact $model($k) $p]
                            assert {$i >= 0}
                            set model($k) [lreplace $model($k) $i $i]
                        }
                    }
                    4 {
                        set i [lsearch -exact $model($k) $m]
                        assert_equal [expr {$i >= 0}] [r smove $k $other $m]
                        if {$i >= 0} {
                            set model($k) [lreplace $model($k) $i $i]
                            if {[lsearch -exact $model($other) $m] < 0} { lappend model($other) $m }
                        }
                    }
                    5 {
                        assert_equal [expr {[lsearch -exact $model($k) $m] >= 0}] \
                            [r sismember $k $m]
                        assert_equal [llength $model($k)] [r scard $k]
                    }
                    6 {
                        assert_equal [tcl_inter $model(ra) $model(rb)] [lsort [r sinter ra rb]]
                        assert_equal [tcl_diff $model($k) $model($other)] \
                            [lsort [r sdiff $k $other]]
                    }
                }
                if {$op % 100 == 0} {
                    assert_equal [lsort $model(ra)] [lsort [r smembers ra]]
                    assert_equal [lsort $model(rb)] [lsort [r smembers rb]]
                }
            }
            assert_equal [lsort $model(ra)] [lsort [r smembers ra]]
            assert_equal [lsort $model(rb)] [lsort [r smembers rb]]
            r config set set-max-intset-entries 512
            r config set set-max-listpack-entries 128
        }
    }
}
