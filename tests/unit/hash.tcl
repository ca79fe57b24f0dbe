# hash.tcl - the hash commands in both encodings (listpack and hashtable), encoding
# conversion by size, value length and CONFIG SET, error paths and WRONGTYPE, big hashes
# (HSCAN sees every field), HRANDFIELD, digests, COPY, keyspace events, defrag of hash values,
# and a seeded randomized comparison against a Tcl dict model.

# Sorted "field value" pairs of a hash, for comparisons with a model.
proc hash_pairs {key} {
    set out {}
    foreach {f v} [r hgetall $key] { lappend out [list $f $v] }
    return [lsort $out]
}

proc model_pairs {model} {
    set out {}
    dict for {f v} $model { lappend out [list $f $v] }
    return [lsort $out]
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

start_server {tags {"hash"}} {
    foreach {enc n} {listpack 8 hashtable 1024} {
        test "HSET/HGET/HLEN on a $enc hash ($n fields)" {
            r del h
            set model [dict create]
            for {set i 0} {$i < $n} {incr i} {
                set f "field:$i:[randstring 0 8 alpha]"
                set v [randstring 0 20 binary]
                dict set model $f $v
                r hset h $f $v
            }
            assert_encoding $enc h
            assert_equal [dict size $model] [r hlen h]
            dict for {f v} $model { assert_equal $v [r hget h $f] }
            assert_equal [model_pairs $model] [hash_pairs h]
            set ::hmodel($enc) $model
        }

        test "HKEYS/HVALS/HGETALL on a $enc hash" {
            set model $::hmodel($enc)
            assert_equal [lsort [dict keys $model]] [lsort [r hkeys h]]
            assert_equal [lsort [dict values $model]] [lsort [r hvals h]]
            # the same order in all three
            set keys [r hkeys h]
            set vals [r hvals h]
            set all [r hgetall h]
            set i 0
            foreach {f v} $all {
                assert_equal [lindex $keys $i] $f
                assert_equal [lindex $vals $i] $v
                incr i
            }
        }

        test "HSET returns the count of new fields, HMSET returns OK ($enc)" {
            set base [r hlen h]
            set f0 [lindex [r hkeys h] 0]
            assert_equal 2 [r hset h newa 1 $f0 changed newb 2]
            assert_equal changed [r hget h $f0]
            assert_equal [expr {$base + 2}] [r hlen h]
            assert_equal OK [r hmset h newa 3 newc 4]
            assert_equal 3 [r hget h newa]
            assert_equal 4 [r hget h newc]
            assert_equal 0 [r hset h newa 3]
            assert_encoding $enc h
        }

        test "HSETNX sets only absent fields ($enc)" {
            assert_equal 0 [r hsetnx h newa other]
            assert_equal 3 [r hget h newa]
            assert_equal 1 [r hsetnx h brandnew v]
            assert_equal v [r hget h brandnew]
            assert_equal 1 [r hsetnx nohash f v]
            assert_equal v [r hget nohash f]
            r del nohash
        }

        test "HGET/HMGET of missing fields and keys ($enc)" {
            assert_equal {} [r hget h no-such-field]
            assert_equal {} [r hget nokey f]
            assert_equal [list 3 {} 4] [r hmget h newa no-such-field newc]
            assert_equal {{} {}} [r hmget nokey a b]
        }

        test "HEXISTS and HSTRLEN ($enc)" {
            assert_equal 1 [r hexists h newa]
            assert_equal 0 [r hexists h no-such-field]
            assert_equal 0 [r hexists nokey f]
            r hset h lenfield [string repeat x 17]
            assert_equal 17 [r hstrlen h lenfield]
            assert_equal 0 [r hstrlen h no-such-field]
            assert_equal 0 [r hstrlen nokey f]
            r hset h empty ""
            assert_equal 0 [r hstrlen h empty]
            assert_equal 1 [r hexists h empty]
            assert_equal "" [r hget h empty]
        }

        test "HDEL removes fields and counts them ($enc)" {
            set len [r hlen h]
            assert_equal 2 [r hdel h newa newb no-such-field newa]
            assert_equal [expr {$len - 2}] [r hlen h]
            assert_equal 0 [r hexists h newa]
            assert_equal 0 [r hdel h newa]
            assert_equal 0 [r hdel nokey f]
            assert_encoding $enc h
        }

        test "HINCRBY against new, existing and invalid fields ($enc)" {
            assert_equal 5 [r hincrby h counter 5]
            assert_equal 2 [r hincrby h counter -3]
            r hset h bignum 17179869184
            assert_equal 17179869185 [r hincrby h bignum 1]
            assert_equal -17179869184 [r hincrby h bignum -34359738369]
            r hset h str "not a number"
            assert_error "ERR hash value is not an integer" {r hincrby h str 1}
            r hset h spaced " 11"
            assert_error "ERR hash value is not an integer" {r hincrby h spaced 1}
            r hset h float 1.5
            assert_error "ERR hash value is not an integer" {r hincrby h float 1}
            assert_error "ERR value is not an integer or out of range" {r hincrby h counter x}
            assert_error "ERR value is not an integer or out of range" {r hincrby h counter 1.5}
            r hset h max 9223372036854775807
            assert_error "ERR increment or decrement would overflow" {r hincrby h max 1}
            r hset h min -9223372036854775808
            assert_error "ERR increment or decrement would overflow" {r hincrby h min -1}
            assert_equal 9223372036854775807 [r hget h max]
            assert_equal -9223372036854775807 [r hincrby h min 1]
        }

        test "HINCRBYFLOAT against new, existing and invalid fields ($enc)" {
            assert_equal 10.5 [r hincrbyfloat h fl 10.5]
            assert_equal 10.6 [r hincrbyfloat h fl 0.1]
            assert_equal 10.6 [r hget h fl]
            r hset h expo 3.0e3
            assert_equal 3001 [r hincrbyfloat h expo 1]
            assert_equal 1 [r hincrbyfloat h counter -1]
            r hset h str "not a number"
            assert_error "ERR hash value is not a float" {r hincrbyfloat h str 1}
            assert_error "ERR value is not a valid float" {r hincrbyfloat h fl x}
            assert_error "ERR value is not a valid float" {r hincrbyfloat h fl nan}
            assert_error "ERR value is NaN or Infinity" {r hincrbyfloat h fl inf}
            r hset h huge 1.1e4932
            assert_error "ERR increment would produce NaN or Infinity" \
                {r hincrbyfloat h huge 1.1e4932}
            assert_equal 10.6 [r hget h fl]
        }

        test "HSTRLEN of numbers written by HINCRBY ($enc)" {
            r hset h n 12345
            assert_equal 5 [r hstrlen h n]
            r hincrby h n 1
            assert_equal 5 [r hstrlen h n]
            assert_equal 12346 [r hget h n]
        }
    }

    test "Hash encoding: listpack up to 128 fields, hashtable past it" {
        r del h
        for {set i 0} {$i < 128} {incr i} { r hset h f$i v$i }
        assert_encoding listpack h
        r hset h f128 v128
        assert_encoding hashtable h
        assert_equal 129 [r hlen h]
        # never back, even when small again
        for {set i 0} {$i < 125} {incr i} { r hdel h f$i }
        assert_encoding hashtable h
        assert_equal {f125 f126 f127 f128} [lsort [r hkeys h]]
    }

    test "Hash encoding: a long value or field converts" {
        r del h1 h2 h3 h4
        r hset h1 f [string repeat x 64]
        assert_encoding listpack h1
        r hset h1 f [string repeat x 65]
        assert_encoding hashtable h1
        assert_equal [string repeat x 65] [r hget h1 f]
        r hset h2 a 1
        r hset h2 [string repeat k 65] v
        assert_encoding hashtable h2
        assert_equal v [r hget h2 [string repeat k 65]]
        r hset h3 a 1
        r hsetnx h3 b [string repeat v 100]
        assert_encoding hashtable h3
        # HINCRBYFLOAT writing a long number converts too
        r hset h4 n 1e300
        r hincrbyfloat h4 n 1
        assert_encoding hashtable h4
        assert_equal 301 [string length [r hget h4 n]]
    }

    test "Hash encoding: one HSET with many pairs converts at once" {
        r del h
        set args {}
        for {set i 0} {$i < 200} {incr i} { lappend args f$i v$i }
        assert_equal 200 [r hset h {*}$args]
        assert_encoding hashtable h
        assert_equal v199 [r hget h f199]
    }

    test "Hash encoding thresholds follow CONFIG SET" {
        r config set hash-max-listpack-entries 4
        r config set hash-max-listpack-value 8
        r del h a b
        r hset h 1 a 2 b 3 c 4 d
        assert_encoding listpack h
        r hset h 5 e
        assert_encoding hashtable h
        r hset a f 12345678
        assert_encoding listpack a
        r hincrby a n 123456789
        assert_encoding hashtable a
        r config set hash-max-listpack-entries 0
        r hset b f v
        assert_encoding hashtable b
        r config set hash-max-listpack-entries 128
        r config set hash-max-listpack-value 64
        r hset c f v
        assert_encoding listpack c
        r del h a b c
    }

    test "Hash commands reply WRONGTYPE on other types" {
        r del str
        r set str x
        foreach cmd {
            {hset str f v} {hmset str f v} {hsetnx str f v} {hget str f} {hmget str f}
            {hdel str f} {hlen str} {hstrlen str f} {hexists str f} {hincrby str f 1}
            {hincrbyfloat str f 1} {hkeys str} {hvals str} {hgetall str} {hrandfield str}
            {hrandfield str 2} {hrandfield str -2 withvalues} {hscan str 0}
        } {
            assert_error "WRONGTYPE*" [list r {*}$cmd]
        }
        assert_equal x [r get str]
    }

    test "Hash commands: wrong number of arguments" {
        assert_error "ERR wrong number of arguments for 'hset' command" {r hset h f}
        assert_error "ERR wrong number of arguments for 'hset' command" {r hset h f v g}
        assert_error "ERR wrong number of arguments for 'hmset' command" {r hmset h f v g}
        assert_error "ERR wrong number of arguments for 'hget' command" {r hget h}
        assert_error "ERR wrong number of arguments for 'hsetnx' command" {r hsetnx h f}
        assert_error "ERR wrong number of arguments for 'hdel' command" {r hdel h}
        assert_error "ERR wrong number of arguments for 'hincrby' command" {r hincrby h f}
        assert_error "ERR wrong number of arguments for 'hscan' command" {r hscan h}
        assert_error "ERR wrong number of arguments for 'hrandfield' command" {r hrandfield}
    }

    test "Missing keys: empty replies" {
        r del nokey
        assert_equal 0 [r hlen nokey]
        assert_equal {} [r hkeys nokey]
        assert_equal {} [r hvals nokey]
        assert_equal {} [r hgetall nokey]
        assert_equal {} [r hrandfield nokey]
        assert_equal {} [r hrandfield nokey 5]
        assert_equal {0 {}} [r hscan nokey 0]
        assert_equal 0 [r exists nokey]
    }

    test "HDEL of the last field deletes the key (both encodings)" {
        r del h
        r hset h a 1 b 2
        assert_equal 2 [r hdel h a b]
        assert_equal 0 [r exists h]
        r config set hash-max-listpack-entries 0
        r hset h a 1 b 2
        assert_encoding hashtable h
        assert_equal 2 [r hdel h a b c]
        assert_equal 0 [r exists h]
        r config set hash-max-listpack-entries 128
    }

    test "HGETALL is a map in RESP3, HRANDFIELD WITHVALUES gives pairs" {
        r del h
        r hset h a 1 b 2
        set c [new_client]
        $c hello 3
        assert_equal {a 1 b 2} [lsort -stride 2 [$c hgetall h]]
        assert_equal {{a 1} {b 2}} [lsort [$c hrandfield h 2 withvalues]]
        set one [lindex [$c hrandfield h -1 withvalues] 0]
        assert {$one eq {a 1} || $one eq {b 2}}
        $c readraw 1
        assert_equal "%2" [$c hgetall h]
    }

    test "HRANDFIELD without count, with count, negative count, WITHVALUES" {
        foreach enc {listpack hashtable} {
            r del h
            if {$enc eq "hashtable"} { r config set hash-max-listpack-entries 0 }
            r hset h a 1 b 2 c 3 d 4 e 5
            assert_encoding $enc h
            r config set hash-max-listpack-entries 128
            assert_match {[abcde]} [r hrandfield h]
            assert_equal {} [r hrandfield h 0]
            assert_equal {} [r hrandfield h 0 withvalues]
            # count >= size: every field once
            assert_equal {a b c d e} [lsort [r hrandfield h 5]]
            assert_equal {a b c d e} [lsort [r hrandfield h 100]]
            assert_equal {a 1 b 2 c 3 d 4 e 5} [lsort -stride 2 [r hrandfield h 100 withvalues]]
            # a smaller positive count: distinct fields, values match
            for {set i 0} {$i < 50} {incr i} {
                set res [r hrandfield h 3 withvalues]
                assert_equal 6 [llength $res]
                set seen {}
                foreach {f v} $res {
                    assert {[lsearch $seen $f] < 0}
                    lappend seen $f
                    assert_equal $v [r hget h $f]
                }
                assert_equal 3 [llength [lsort -unique [r hrandfield h 3]]]
            }
            # negative: exactly that many, repeats allowed
            set res [r hrandfield h -20]
            assert_equal 20 [llength $res]
            foreach f $res { assert_match {[abcde]} $f }
            set res [r hrandfield h -7 withvalues]
            assert_equal 14 [llength $res]
            foreach {f v} $res { assert_equal $v [r hget h $f] }
        }
    }

    test "HRANDFIELD errors and range checks" {
        r del h
        r hset h a 1
        assert_error "ERR syntax error" {r hrandfield h 1 foo}
        assert_error "ERR syntax error" {r hrandfield h 1 withvalues foo}
        assert_error "ERR value is not an integer or out of range" {r hrandfield h x}
        assert_error "ERR value is out of range, value must between*" \
            {r hrandfield h -9223372036854775808}
        assert_error "ERR value is out of range" {r hrandfield h -9223372036854775807 withvalues}
        assert_error "ERR value is out of range" {r hrandfield h -4611686018427387904 withvalues}
        assert_error "ERR value is out of range" {r hrandfield h 4611686018427387904 withvalues}
        # huge positive counts just return the whole hash
        assert_equal {a} [r hrandfield h 9223372036854775807]
        assert_equal {a 1} [r hrandfield h 4611686018427387903 withvalues]
    }

    test "HRANDFIELD with a huge negative count stops at the output buffer limit" {
        r del h
        r hset h a 1
        r config set client-output-buffer-limit "normal 1mb 0 0"
        set c [new_client]
        assert_error "*connection closed*" {$c hrandfield h -1000000000000 withvalues}
        r config set client-output-buffer-limit "normal 0 0 0"
        assert_equal PONG [r ping]
    }

    test "HRANDFIELD distribution is roughly uniform (both encodings)" {
        foreach enc {listpack hashtable} {
            r del h
            if {$enc eq "hashtable"} { r config set hash-max-listpack-entries 0 }
            for {set i 0} {$i < 10} {incr i} { r hset h f$i v$i }
            r config set hash-max-listpack-entries 128
            assert_encoding $enc h
            unset -nocomplain cnt
            foreach f [r hrandfield h -5000] { incr cnt($f) }
            for {set i 0} {$i < 10} {incr i} { assert_range $cnt(f$i) 250 750 }
            unset -nocomplain cnt
            for {set k 0} {$k < 500} {incr k} { foreach f [r hrandfield h 3] { incr cnt($f) } }
            for {set i 0} {$i < 10} {incr i} { assert_range $cnt(f$i) 50 250 }
        }
    }

    test "HSCAN of a listpack hash returns everything at once" {
        r del h
        r hset h a 1 b 2 c 3 ab 4
        assert_encoding listpack h
        lassign [r hscan h 0] cur items
        assert_equal 0 $cur
        assert_equal {a 1 ab 4 b 2 c 3} [lsort -stride 2 $items]
        lassign [r hscan h 0 match a*] cur items
        assert_equal {a 1 ab 4} [lsort -stride 2 $items]
        lassign [r hscan h 0 match a* count 1] cur items
        assert_equal 0 $cur
        assert_equal {a 1 ab 4} [lsort -stride 2 $items]
    }

    test "HSCAN NOVALUES: fields only, both encodings; other scans refuse it" {
        r del h big
        r hset h a 1 b 2
        lassign [r hscan h 0 novalues] cur items
        assert_equal {a b} [lsort $items]
        lassign [r hscan h 0 match a* novalues count 5] cur items
        assert_equal {a} $items
        for {set i 0} {$i < 300} {incr i} { r hset big f$i v$i }
        assert_encoding hashtable big
        set all {}
        set cur 0
        while 1 {
            lassign [r hscan big $cur novalues] cur items
            lappend all {*}$items
            if {$cur == 0} break
        }
        assert_equal 300 [llength [lsort -unique $all]]
        assert_equal f0 [lindex [lsort $all] 0]
        r sadd s x
        assert_error "ERR NOVALUES option can only be used in HSCAN" {r sscan s 0 novalues}
    }

    test "HSCAN errors" {
        r del h
        r hset h a 1
        assert_error "ERR invalid cursor" {r hscan h x}
        assert_error "ERR invalid cursor" {r hscan h 18446744073709551616}
        assert_error "ERR syntax error" {r hscan h 0 count 0}
        assert_error "ERR value is not an integer or out of range" {r hscan h 0 count x}
        assert_error "ERR syntax error" {r hscan h 0 match}
        assert_error "ERR syntax error" {r hscan h 0 foo bar}
        assert_error "ERR syntax error" {r hscan h 0 novalues match}
        assert_equal 0 [lindex [r hscan h 18446744073709551615] 0]
        # a huge COUNT on a hashtable: everything in one call, no overflow of the budget
        r del h
        set args {}
        for {set i 0} {$i < 300} {incr i} { lappend args f$i v$i }
        r hset h {*}$args
        assert_encoding hashtable h
        lassign [r hscan h 0 count 9223372036854775807] cur items
        assert_equal 0 $cur
        assert_equal 600 [llength $items]
    }

    test "Big hash (100k fields): HLEN, HGET, HSCAN returns every field" {
        r del big
        set n 100000
        set cmds {}
        for {set i 0} {$i < $n} {incr i 1000} {
            set args {}
            for {set j $i} {$j < $i + 1000} {incr j} { lappend args f$j v$j }
            lappend cmds [list hset big {*}$args]
        }
        pipelined $cmds
        assert_encoding hashtable big
        assert_equal $n [r hlen big]
        assert_equal v77777 [r hget big f77777]
        unset -nocomplain seen
        set cur 0
        set calls 0
        while 1 {
            lassign [r hscan big $cur count 500] cur items
            foreach {f v} $items {
                if {$v ne "v[string range $f 1 end]"} { fail "field $f has value $v" }
                set seen($f) 1
            }
            incr calls
            if {$cur == 0} break
            assert {$calls < 10000}
        }
        assert_equal $n [array size seen]
        # MATCH filters on the field name
        set cur 0
        set got {}
        while 1 {
            lassign [r hscan big $cur count 1000 match f1234*] cur items
            foreach {f v} $items { lappend got $f }
            if {$cur == 0} break
        }
        assert_equal [lsort {f1234 f12340 f12341 f12342 f12343 f12344 f12345 f12346 f12347 f12348
            f12349}] [lsort -unique $got]
    }

    test "Big hash: HRANDFIELD with small and large counts" {
        set res [r hrandfield big 10 withvalues]
        assert_equal 20 [llength $res]
        foreach {f v} $res { assert_equal "v[string range $f 1 end]" $v }
        assert_equal 10 [llength [lsort -unique [r hrandfield big 10]]]
        set res [r hrandfield big 60000]
        assert_equal 60000 [llength [lsort -unique $res]]
        assert_equal 1000 [llength [r hrandfield big -1000]]
    }

    test "Big hash: HSCAN sees every field while the hash grows and shrinks" {
        r del h
        for {set i 0} {$i < 2000} {incr i} { r hset h f$i v }
        unset -nocomplain seen
        set cur 0
        set step 0
        while 1 {
            lassign [r hscan h $cur count 20] cur items
            foreach {f v} $items { set seen($f) 1 }
            # churn: add and remove fields that are not part of the stable set
            incr step
            if {$step % 2} {
                set args {}
                for {set j 0} {$j < 100} {incr j} { lappend args tmp$step:$j v }
                assert_equal 100 [r hset h {*}$args]
            } else {
                set args {}
                for {set j 0} {$j < 100} {incr j} { lappend args tmp[expr {$step - 1}]:$j }
                assert_equal 100 [r hdel h {*}$args]
            }
            if {$cur == 0} break
            assert {$step < 100000}
        }
        for {set i 0} {$i < 2000} {incr i} { assert {[info exists seen(f$i)]} }
    }

    test "DEBUG DIGEST-VALUE does not depend on the encoding or insertion order" {
        r del h1 h2
        r hset h1 a 1 b 2 c 3
        r config set hash-max-listpack-entries 0
        r hset h2 c 3 a 1 b 2
        r config set hash-max-listpack-entries 128
        assert_encoding listpack h1
        assert_encoding hashtable h2
        set d1 [r debug digest-value h1]
        assert_equal $d1 [r debug digest-value h2]
        assert_equal $d1 [r debug digest-value h1]
        r hset h2 c 4
        assert_not_equal $d1 [r debug digest-value h2]
        r hset h2 c 3
        assert_equal $d1 [r debug digest-value h2]
        # field and value are not interchangeable
        r del h3
        r hset h3 1 a 2 b 3 c
        assert_not_equal $d1 [r debug digest-value h3]
    } {needs:debug}

    test "COPY makes a deep copy, RENAME keeps the value (both encodings)" {
        foreach enc {listpack hashtable} {
            r del h h2 h3
            if {$enc eq "hashtable"} { r config set hash-max-listpack-entries 0 }
            r hset h a 1 b 2
            r config set hash-max-listpack-entries 128
            assert_equal 1 [r copy h h2]
            assert_encoding $enc h2
            r hset h2 a changed
            r hdel h2 b
            assert_equal {a 1 b 2} [lsort -stride 2 [r hgetall h]]
            assert_equal {a changed} [r hgetall h2]
            r rename h h3
            assert_equal {a 1 b 2} [lsort -stride 2 [r hgetall h3]]
            assert_equal hash [r type h3]
        }
    }

    test "MEMORY USAGE grows with the hash and reflects the compact encoding" {
        r del h1 h2
        for {set i 0} {$i < 100} {incr i} { r hset h1 field:$i value:$i }
        assert_encoding listpack h1
        set small [r memory usage h1]
        r config set hash-max-listpack-entries 0
        for {set i 0} {$i < 100} {incr i} { r hset h2 field:$i value:$i }
        r config set hash-max-listpack-entries 128
        assert_encoding hashtable h2
        set big [r memory usage h2]
        # listpack: ~17 bytes a field; hashtable: a 32-byte entry and a bucket slot
        assert_range $small 1600 2400
        assert_range $big 3500 6000
        r hset h1 field:100 value:100
        assert {[r memory usage h1] > $small}
    }

    test "Keyspace events of the hash commands" {
        r del h
        r config set notify-keyspace-events KEA
        set rd [deferring_client]
        $rd psubscribe __keyevent@*
        $rd read
        r hset h a 1
        r hsetnx h a 2
        r hsetnx h b 2
        r hincrby h n 1
        r hincrbyfloat h f 1.5
        r hdel h nosuch
        r hdel h a b n
        r hdel h f
        set got {}
        for {set i 0} {$i < 7} {incr i} {
            lassign [$rd read] kind pat chan key
            lappend got [lindex [split $chan :] end] $key
        }
        assert_equal {hset h hset h hincrby h hincrbyfloat h hdel h hdel h del h} $got
        r config set notify-keyspace-events ""
    }

    test "Defrag moves every hash block and keeps the contents" {
        if {[catch {r debug defrag force yes}]} {
            puts "    (skipped: no DEBUG DEFRAG)"
        } else {
            r del h1 h2
            r hset h1 a 1 b 2
            r hset h2 {*}[string repeat "x y " 1]
            for {set i 0} {$i < 5000} {incr i} { r hset h2 f$i v$i }
            set d1 [r debug digest-value h1]
            set d2 [r debug digest-value h2]
            r debug defrag run
            r debug defrag force no
            assert_equal $d1 [r debug digest-value h1]
            assert_equal $d2 [r debug digest-value h2]
            assert_equal v4321 [r hget h2 f4321]
            r hset h2 f4321 new
            assert_equal new [r hget h2 f4321]
            assert_equal 5001 [r hlen h2]
            assert_equal 2 [r hlen h1]
        }
    } {needs:debug defrag}

    foreach {label entries} {"default thresholds" 128 "tiny thresholds" 6} {
        test "Randomized HSET/HDEL/HINCRBY/HGET against a Tcl model ($label)" {
            r config set hash-max-listpack-entries $entries
            r config set hash-max-listpack-value 16
            expr {srand(12345)}
            r del rh
            set model [dict create]
            for {set op 0} {$op < 2000} {incr op} {
                set f "f[expr {int(rand() * 40)}]"
                switch [expr {int(rand() * 8)}] {
                    0 - 1 {
                        set v [randstring 0 [expr {rand() < 0.1 ? 40 : 10}] alpha]
                        set added [expr {[dict exists $model $f] ? 0 : 1}]
                        assert_equal $added [r hset rh $f $v]
                        dict set model $f $v
                    }
                    2 {
                        set del [expr {[dict exists $model $f] ? 1 : 0}]
                        assert_equal $del [r hdel rh $f]
                        dict unset model $f
                    }
                    3 {
                        set cur [expr {[dict exists $model $f] ? [dict get $model $f] : 0}]
                        if {[string is wideinteger -strict $cur] && [regexp {^-?[0-9]+$} $cur]} {
                            set incr [expr {int(rand() * 200) - 100}]
                            assert_equal [expr {$cur + $incr}] [r hincrby rh $f $incr]
                            dict set model $f [expr {$cur + $incr}]
                        } else {
                            assert_error "ERR hash value is not an integer" {r hincrby rh $f 1}
                        }
                    }
                    4 {
                        set exp [expr {[dict exists $model $f] ? [dict get $model $f] : ""}]
                        assert_equal $exp [r hget rh $f]
                    }
                    5 {
                        set added [expr {[dict exists $model $f] ? 0 : 1}]
                        assert_equal $added [r hsetnx rh $f nx]
                        if {$added} { dict set model $f nx }
                    }
                    6 {
                        assert_equal [dict size $model] [r hlen rh]
                        set exp [expr {[dict exists $model $f] ? 1 : 0}]
                        assert_equal $exp [r hexists rh $f]
                    }
                    7 {
                        set exp [expr {[dict exists $model $f] ? [string length [dict get $model $f]] : 0}]
                        assert_equal $exp [r hstrlen rh $f]
                    }
                }
                if {$op % 100 == 0} { assert_equal [model_pairs $model] [hash_pairs rh] }
            }
            assert_equal [model_pairs $model] [hash_pairs rh]
            assert_equal [expr {[dict size $model] ? 1 : 0}] [r exists rh]
            r config set hash-max-listpack-entries 128
            r config set hash-max-listpack-value 64
        }
    }
}
