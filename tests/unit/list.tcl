# list.tcl - the list commands: every command and its error paths, encodings, memory
# accounting, DEBUG LISTPACK, notifications, and a seeded randomized comparison against a Tcl
# list model under several list-max-listpack-size settings. Blocking commands are in
# list-blocking.tcl, million-element lists in list-large.tcl.

# The part of DEBUG LISTPACK's line after "FIELD:".
proc list_debug_field {key field} {
    set line [r debug listpack $key]
    if {![regexp "(?:^| )$field:(\\S+)" $line -> v]} { error "no $field in '$line'" }
    return $v
}

# Redis LRANGE/LTRIM index rules on a Tcl list: the kept range as {from to}, or {} if none.
proc list_norm_range {len start end} {
    if {$start < 0} { set start [expr {$len + $start}] }
    if {$end < 0} { set end [expr {$len + $end}] }
    if {$start < 0} { set start 0 }
    if {$start > $end || $start >= $len} { return {} }
    if {$end >= $len} { set end [expr {$len - 1}] }
    return [list $start $end]
}

set ::list_model_trace 0 ;# 1: print length and chunks every 250 operations
start_server {tags {list}} {
    test "LPUSH, RPUSH, LLEN, LRANGE basics" {
        r del l
        assert_equal 1 [r rpush l b]
        assert_equal 2 [r rpush l c]
        assert_equal 3 [r lpush l a]
        assert_equal 6 [r rpush l d e f]
        assert_equal 8 [r lpush l y x]
        assert_equal {x y a b c d e f} [r lrange l 0 -1]
        assert_equal 8 [r llen l]
        assert_equal 0 [r llen nosuchkey]
        assert_equal list [r type l]
    }

    test "LPUSH with several elements prepends them one by one" {
        r del l
        r lpush l a b c
        assert_equal {c b a} [r lrange l 0 -1]
    }

    test "Elements are binary safe and keep their exact bytes" {
        r del l
        set vals [list "" "\x00" "a\x00b" "\r\n" [string repeat x 63] [string repeat y 64] \
            [string repeat z 8191] [string repeat w 8192] [string repeat v 70000]]
        foreach v $vals { r rpush l $v }
        assert_equal [llength $vals] [r llen l]
        set i 0
        foreach v $vals {
            assert_equal $v [r lindex l $i]
            incr i
        }
        assert_equal $vals [r lrange l 0 -1]
    }

    test "Integer-looking elements round-trip exactly" {
        r del l
        set vals [list 0 1 -1 127 128 -128 -129 32767 32768 -32768 8388607 8388608 -8388609 \
            2147483647 2147483648 -2147483649 9223372036854775807 -9223372036854775808 \
            9223372036854775808 -9223372036854775809 007 +1 -0 00 1.5 1e3 " 1" "1 " 0x10]
        foreach v $vals { r rpush l $v }
        assert_equal $vals [r lrange l 0 -1]
        foreach v $vals { assert_equal $v [r lpop l] }
        assert_equal 0 [r exists l]
    }

    test "LPUSHX, RPUSHX on missing and existing keys" {
        r del l
        assert_equal 0 [r lpushx l a]
        assert_equal 0 [r rpushx l a b]
        assert_equal 0 [r exists l]
        r rpush l m
        assert_equal 2 [r lpushx l a]
        assert_equal 4 [r rpushx l y z]
        assert_equal {a m y z} [r lrange l 0 -1]
    }

    test "LPOP, RPOP without count" {
        r del l
        r rpush l a b c
        assert_equal a [r lpop l]
        assert_equal c [r rpop l]
        assert_equal b [r lpop l]
        assert_equal 0 [r exists l]
        assert_equal "" [r lpop l]
        assert_equal "" [r rpop l]
    }

    test "LPOP, RPOP with count" {
        r del l
        r rpush l a b c d e
        assert_equal {a b} [r lpop l 2]
        assert_equal {e d} [r rpop l 2]
        assert_equal {} [r lpop l 0]
        assert_equal {c} [r rpop l 10]
        assert_equal 0 [r exists l]
        r rpush l 1 2 3
        assert_equal {1 2 3} [r lpop l 3]
        assert_equal 0 [r exists l]
    }

    test "LPOP with count on a missing key is a nil array, count 0 on a list an empty array" {
        r del l
        r readraw 1
        assert_equal {*-1} [r lpop l 2]
        assert_equal {*-1} [r lpop l 0]
        assert_equal {$-1} [r lpop l]
        r rpush l a
        assert_equal {*0} [r lpop l 0]
        r readraw 0
        r hello 3
        r readraw 1
        r del l
        assert_equal {_} [r lpop l 2]
        assert_equal {_} [r rpop l]
        r readraw 0
        r hello 2
    }

    test "LPOP/RPOP count errors" {
        r del l
        r rpush l a
        assert_error "ERR value is out of range, must be positive" {r lpop l -1}
        assert_error "ERR value is out of range, must be positive" {r rpop l x}
        assert_error "ERR wrong number of arguments for 'lpop' command" {r lpop l 1 2}
        assert_error "ERR wrong number of arguments for 'rpop' command" {r rpop}
    }

    test "LINDEX positive, negative and out of range" {
        r del l
        r rpush l a b c
        assert_equal a [r lindex l 0]
        assert_equal c [r lindex l 2]
        assert_equal c [r lindex l -1]
        assert_equal a [r lindex l -3]
        assert_equal "" [r lindex l 3]
        assert_equal "" [r lindex l -4]
        assert_equal "" [r lindex l 9223372036854775807]
        assert_equal "" [r lindex l -9223372036854775808]
        assert_equal "" [r lindex nosuchkey 0]
        assert_error "ERR value is not an integer or out of range" {r lindex l x}
        assert_error "ERR value is not an integer or out of range" {r lindex l 1.0}
    }

    test "LSET and its errors" {
        r del l
        r rpush l a b c
        assert_equal OK [r lset l 0 x]
        assert_equal OK [r lset l -1 z]
        assert_equal OK [r lset l 1 [string repeat q 10000]]
        assert_equal [list x [string repeat q 10000] z] [r lrange l 0 -1]
        assert_equal OK [r lset l 1 12345]
        assert_equal {x 12345 z} [r lrange l 0 -1]
        assert_error "ERR index out of range" {r lset l 3 v}
        assert_error "ERR index out of range" {r lset l -4 v}
        assert_error "ERR no such key" {r lset nosuchkey 0 v}
        assert_error "ERR value is not an integer or out of range" {r lset l x v}
    }

    test "LRANGE ranges" {
        r del l
        r rpush l 0 1 2 3 4 5 6 7 8 9
        assert_equal {0 1 2} [r lrange l 0 2]
        assert_equal {7 8 9} [r lrange l -3 -1]
        assert_equal {0 1 2 3 4 5 6 7 8 9} [r lrange l -100 100]
        assert_equal {} [r lrange l 5 4]
        assert_equal {} [r lrange l 10 20]
        assert_equal {} [r lrange l -100 -11]
        assert_equal {9} [r lrange l -1 -1]
        assert_equal {0} [r lrange l -100 0]
        assert_equal {} [r lrange nosuchkey 0 -1]
        assert_equal {} [r lrange l 9223372036854775807 -9223372036854775808]
        assert_error "ERR value is not an integer or out of range" {r lrange l a 1}
        assert_error "ERR value is not an integer or out of range" {r lrange l 0 b}
        assert_error "ERR value is not an integer or out of range" {r lrange nosuchkey 0 b}
    }

    test "LINSERT before and after, pivot missing, key missing" {
        r del l
        r rpush l a b c
        assert_equal 4 [r linsert l before b x]
        assert_equal 5 [r linsert l after c y]
        assert_equal 6 [r linsert l BEFORE a z]
        assert_equal 7 [r linsert l AFTER b 100]
        assert_equal {z a x b 100 c y} [r lrange l 0 -1]
        assert_equal -1 [r linsert l before nosuch v]
        assert_equal 0 [r linsert nosuchkey before a v]
        assert_equal 0 [r exists nosuchkey]
        assert_error "ERR syntax error" {r linsert l middle a v}
        # the first match is the pivot; integer pivots match their string form
        r del l
        r rpush l 1 2 1 2
        assert_equal 5 [r linsert l after 2 x]
        assert_equal {1 2 x 1 2} [r lrange l 0 -1]
        assert_equal -1 [r linsert l after 02 y]
    }

    test "LREM with positive, negative and zero counts" {
        r del l
        r rpush l a b a c a b a
        assert_equal 2 [r lrem l 2 a]
        assert_equal {b c a b a} [r lrange l 0 -1]
        assert_equal 1 [r lrem l -1 b]
        assert_equal {b c a a} [r lrange l 0 -1]
        assert_equal 2 [r lrem l 0 a]
        assert_equal {b c} [r lrange l 0 -1]
        assert_equal 0 [r lrem l 0 zz]
        assert_equal 0 [r lrem nosuchkey 0 a]
        assert_equal 1 [r lrem l -9223372036854775808 c]
        assert_equal 1 [r lrem l 9223372036854775807 b]
        assert_equal 0 [r exists l]
        assert_error "ERR value is not an integer or out of range" {r lrem l x a}
    }

    test "LREM of integer elements" {
        r del l
        r rpush l 1 01 1 -1 1
        assert_equal 3 [r lrem l 0 1]
        assert_equal {01 -1} [r lrange l 0 -1]
    }

    test "LTRIM keeps the range and deletes an emptied key" {
        r del l
        r rpush l 0 1 2 3 4 5 6 7 8 9
        assert_equal OK [r ltrim l 1 -2]
        assert_equal {1 2 3 4 5 6 7 8} [r lrange l 0 -1]
        r ltrim l -3 100
        assert_equal {6 7 8} [r lrange l 0 -1]
        r ltrim l 0 0
        assert_equal {6} [r lrange l 0 -1]
        r ltrim l 1 0
        assert_equal 0 [r exists l]
        r rpush l a b
        r ltrim l 5 10
        assert_equal 0 [r exists l]
        assert_equal OK [r ltrim nosuchkey 0 1]
        assert_error "ERR value is not an integer or out of range" {r ltrim l x 1}
    }

    test "LPOS basics, RANK, COUNT, MAXLEN" {
        r del l
        r rpush l a b c 1 2 3 c c
        assert_equal 2 [r lpos l c]
        assert_equal 3 [r lpos l 1]
        assert_equal "" [r lpos l zz]
        assert_equal 6 [r lpos l c rank 2]
        assert_equal 7 [r lpos l c rank -1]
        assert_equal 6 [r lpos l c rank -2]
        assert_equal "" [r lpos l c rank 4]
        assert_equal {2 6} [r lpos l c count 2]
        assert_equal {2 6 7} [r lpos l c count 0]
        assert_equal {7 6 2} [r lpos l c count 0 rank -1]
        assert_equal {6 7} [r lpos l c count 0 rank 2]
        assert_equal {} [r lpos l zz count 0]
        assert_equal "" [r lpos l c maxlen 2]
        assert_equal 2 [r lpos l c maxlen 3]
        assert_equal {2 6} [r lpos l c count 0 maxlen 7]
        assert_equal {2} [r lpos l c count 0 maxlen 6]
        assert_equal {7 6} [r lpos l c count 0 rank -1 maxlen 2]
        assert_equal 6 [r lpos l c rank 1 rank 2]
        assert_equal "" [r lpos nosuchkey a]
        assert_equal {} [r lpos nosuchkey a count 1]
    }

    test "LPOS errors" {
        r del l
        r rpush l a
        assert_error "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list" {r lpos l a rank 0}
        assert_error "ERR value is not an integer or out of range" {r lpos l a rank x}
        assert_error "ERR value is out of range*" {r lpos l a rank -9223372036854775808}
        assert_error "ERR COUNT can't be negative" {r lpos l a count -1}
        assert_error "ERR COUNT can't be negative" {r lpos l a count x}
        assert_error "ERR MAXLEN can't be negative" {r lpos l a maxlen -1}
        assert_error "ERR syntax error" {r lpos l a count}
        assert_error "ERR syntax error" {r lpos l a foo 1}
        assert_error "ERR syntax error" {r lpos nosuchkey a foo 1}
    }

    test "LMOVE in all four directions" {
        foreach {from to src dst} {
            left left {b c} {a x y}
            left right {b c} {x y a}
            right left {a b} {c x y}
            right right {a b} {x y c}
        } {
            r del s d
            r rpush s a b c
            r rpush d x y
            set expect [expr {$from eq "left" ? "a" : "c"}]
            assert_equal $expect [r lmove s d $from $to]
            assert_equal $src [r lrange s 0 -1]
            assert_equal $dst [r lrange d 0 -1]
        }
    }

    test "LMOVE creates the destination and deletes an emptied source" {
        r del s d
        r rpush s only
        assert_equal only [r lmove s d left right]
        assert_equal 0 [r exists s]
        assert_equal {only} [r lrange d 0 -1]
        assert_equal "" [r lmove s d left right]
        assert_equal 0 [r exists s]
    }

    test "LMOVE and RPOPLPUSH on the same key rotate" {
        r del l
        r rpush l a b c
        assert_equal c [r rpoplpush l l]
        assert_equal {c a b} [r lrange l 0 -1]
        assert_equal c [r lmove l l left right]
        assert_equal {a b c} [r lrange l 0 -1]
        r del l
        r rpush l 42
        assert_equal 42 [r lmove l l left left]
        assert_equal {42} [r lrange l 0 -1]
    }

    test "LMOVE onto a non-list leaves the source alone" {
        r del s d
        r rpush s a
        r set d str
        assert_error "WRONGTYPE*" {r lmove s d left left}
        assert_error "WRONGTYPE*" {r rpoplpush s d}
        assert_equal {a} [r lrange s 0 -1]
        assert_equal str [r get d]
        # a missing source answers nil before the destination is looked at
        r del s
        assert_equal "" [r lmove s d left left]
        assert_error "ERR syntax error" {r lmove s d up left}
        assert_error "ERR syntax error" {r lmove s d left down}
    }

    test "RPOPLPUSH moves tail to head" {
        r del s d
        r rpush s 1 2 3
        assert_equal 3 [r rpoplpush s d]
        assert_equal 2 [r rpoplpush s d]
        assert_equal {2 3} [r lrange d 0 -1]
        assert_equal {1} [r lrange s 0 -1]
        assert_equal "" [r rpoplpush nosuchkey d]
    }

    test "LMPOP pops from the first non-empty list" {
        r del a b c
        r rpush b 1 2 3 4
        r rpush c x
        assert_equal {b 1} [r lmpop 3 a b c left]
        assert_equal {b {4 3}} [r lmpop 3 a b c right count 2]
        assert_equal {b 2} [r lmpop 2 b c left count 10]
        assert_equal 0 [r exists b]
        assert_equal {c x} [r lmpop 3 a b c LEFT COUNT 1]
        assert_equal "" [r lmpop 3 a b c left]
        r readraw 1
        assert_equal {*-1} [r lmpop 1 a left]
        r readraw 0
    }

    test "LMPOP errors" {
        r del l
        r rpush l a
        assert_error "ERR numkeys should be greater than 0" {r lmpop 0 l left}
        assert_error "ERR numkeys should be greater than 0" {r lmpop -1 l left}
        assert_error "ERR numkeys should be greater than 0" {r lmpop x l left}
        assert_error "ERR syntax error" {r lmpop 2 l left}
        assert_error "ERR syntax error" {r lmpop 9223372036854775807 l left}
        assert_error "ERR syntax error" {r lmpop 1 l middle}
        assert_error "ERR count should be greater than 0" {r lmpop 1 l left count 0}
        assert_error "ERR count should be greater than 0" {r lmpop 1 l left count -1}
        assert_error "ERR count should be greater than 0" {r lmpop 1 l left count x}
        assert_error "ERR syntax error" {r lmpop 1 l left count}
        assert_error "ERR syntax error" {r lmpop 1 l left count 1 count 2}
        assert_error "ERR syntax error" {r lmpop 1 l left foo}
        assert_error "ERR wrong number of arguments for 'lmpop' command" {r lmpop 1 l}
        r set s str
        assert_error "WRONGTYPE*" {r lmpop 2 s l left}
        assert_equal {l a} [r lmpop 2 l s left]
    }

    test "WRONGTYPE from every list command on a string key" {
        r del s
        r set s v
        foreach cmd {
            {lpush s a} {rpush s a} {lpushx s a} {rpushx s a} {lpop s} {rpop s} {lpop s 2}
            {llen s} {lindex s 0} {lset s 0 a} {lrange s 0 -1} {linsert s before a b}
            {lrem s 0 a} {ltrim s 0 1} {lpos s a} {lmove s d left left}
            {rpoplpush s d} {lmpop 1 s left} {blpop s 0} {brpop s 0} {blmove s d left left 0}
            {brpoplpush s d 0} {blmpop 0 1 s left}
        } {
            assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" {r {*}$cmd}
        }
        assert_equal v [r get s]
    }

    test "Arity errors" {
        foreach {cmd name} {
            {lpush l} lpush {rpush} rpush {lpushx l} lpushx {rpushx l} rpushx
            {llen} llen {llen a b} llen {lindex l} lindex {lset l 0} lset {lrange l 0} lrange
            {linsert l before a} linsert {lrem l 0} lrem {ltrim l 0} ltrim {lpos l} lpos
            {lmove a b left} lmove {rpoplpush a} rpoplpush {lmpop 1 l} lmpop {blpop l} blpop
            {brpop l} brpop {blmove a b left left} blmove {brpoplpush a b} brpoplpush
            {blmpop 0 1 l} blmpop
        } {
            assert_error "ERR wrong number of arguments for '$name' command" {r {*}$cmd}
        }
    }

    test "A list emptied by any command is deleted" {
        foreach script {
            {r lpop l}
            {r rpop l 5}
            {r lrem l 0 x}
            {r ltrim l 1 0}
            {r lmove l other left left}
            {r lmpop 1 l right}
            {r blpop l 0}
        } {
            r del l other
            r rpush l x
            uplevel 0 $script
            assert_equal 0 [r exists l] $script
        }
    }

    test "OBJECT ENCODING: listpack for one chunk, quicklist for several" {
        r config set list-max-listpack-size 4
        r del l
        r rpush l a b c d
        assert_encoding listpack l
        r rpush l e
        assert_encoding quicklist l
        r rpop l
        assert_encoding listpack l
        r config set list-max-listpack-size -2
        r del l
        r rpush l [string repeat x 100]
        assert_encoding listpack l
        for {set i 0} {$i < 100} {incr i} { r rpush l [string repeat x 100] }
        assert_encoding quicklist l
        r ltrim l 0 9
        assert_encoding listpack l
    }

    test "DEBUG LISTPACK / QUICKLIST describe the chunks" {
        r config set list-max-listpack-size 5
        r del l
        for {set i 0} {$i < 23} {incr i} { r rpush l $i }
        assert_equal 5 [list_debug_field l chunks]
        assert_equal 23 [list_debug_field l elements]
        assert_equal 5 [list_debug_field l fill]
        assert_equal ok [list_debug_field l verify]
        assert_equal quicklist [list_debug_field l encoding]
        assert_match "*chunks:5 *" [r debug quicklist l]
        assert_error "ERR no such key" {r debug listpack nosuchkey}
        r set s v
        assert_error "WRONGTYPE*" {r debug listpack s}
        r config set list-max-listpack-size -2
    }

    test "Positive fill caps entries per chunk, 1 makes one chunk per element" {
        foreach {fill n chunks} {1 10 10 3 10 4 5 10 2} {
            r config set list-max-listpack-size $fill
            r del l
            for {set i 0} {$i < $n} {incr i} { r rpush l v$i }
            assert_equal $chunks [list_debug_field l chunks] "fill $fill"
            for {set i 0} {$i < $n} {incr i} { r lpush l w$i }
            assert_equal [expr {2 * $chunks}] [list_debug_field l chunks] "fill $fill"
            assert_equal ok [list_debug_field l verify]
        }
        r config set list-max-listpack-size -2
    }

    test "Elements bigger than a chunk get a chunk of their own" {
        r config set list-max-listpack-size -1
        r del l
        r rpush l a [string repeat B 5000] c [string repeat D 20000] e
        assert_equal 5 [r llen l]
        assert_equal [string repeat D 20000] [r lindex l 3]
        assert_equal ok [list_debug_field l verify]
        assert {[list_debug_field l chunks] >= 3}
        r linsert l before c [string repeat X 9000]
        r lset l 0 [string repeat A 9000]
        assert_equal [list [string repeat A 9000] [string repeat B 5000] [string repeat X 9000] c \
            [string repeat D 20000] e] [r lrange l 0 -1]
        assert_equal ok [list_debug_field l verify]
        r config set list-max-listpack-size -2
    }

    test "MEMORY USAGE of a list is its object plus its chunks, exactly" {
        r flushdb
        r config set list-max-listpack-size -2
        r rpush small a b c
        for {set i 0} {$i < 2000} {incr i} { lappend big [string repeat x 100]$i }
        r rpush big {*}$big
        # both keys pay the same share of the keyspace table; the rest is exact
        set share {}
        foreach k {small big} {
            set vm [list_debug_field $k value_mem]
            set om [list_debug_field $k object_mem]
            lappend share [expr {[r memory usage $k] - $vm - $om}]
        }
        assert_equal [lindex $share 0] [lindex $share 1]
        assert_range [lindex $share 0] 0 256
        # 2000 x ~104 bytes of payload: the chunks stay close to it
        set vm [list_debug_field big value_mem]
        assert_range $vm 208000 250000
        # popping half gives memory back
        r lpop big 1000
        assert {[list_debug_field big value_mem] < $vm * 2 / 3}
    }

    test "COPY, RENAME and DEBUG DIGEST-VALUE of lists" {
        r flushdb
        r rpush l a 1 b 2 [string repeat z 300]
        r copy l l2
        assert_equal [r lrange l 0 -1] [r lrange l2 0 -1]
        assert_equal [r debug digest-value l] [r debug digest-value l2]
        r rpush l2 more
        assert_equal 5 [r llen l]
        assert_not_equal [r debug digest-value l] [r debug digest-value l2]
        r rpop l2
        assert_equal [r debug digest-value l] [r debug digest-value l2]
        # order matters to the digest
        r del a b
        r rpush a x y
        r rpush b y x
        assert_not_equal [r debug digest-value a] [r debug digest-value b]
        r rename l l3
        assert_equal {a 1 b 2} [lrange [r lrange l3 0 -1] 0 3]
        assert_equal 6 [r rpush l3 x]
    }

    test "Keyspace notifications of list commands" {
        r config set notify-keyspace-events KEA
        set sub [new_client]
        $sub psubscribe __keyevent@9__:*
        r select 9
        r del l d
        r rpush l a b c
        r lpush l z
        r linsert l before a y
        r lset l 0 q
        r lrem l 1 q
        r ltrim l 0 -1
        r lpop l
        r rpop l
        r lmove l d left right
        r rpush l x
        r lmpop 1 l right count 2
        set events {}
        for {set i 0} {$i < 13} {incr i} {
            lassign [$sub read] kind pattern channel key
            lappend events [lindex [split $channel :] end] $key
        }
        assert_equal [list rpush l lpush l linsert l lset l lrem l ltrim l lpop l rpop l \
            rpush d lpop l rpush l rpop l del l] $events
        $sub close
        r select 0
        r config set notify-keyspace-events ""
    }

    # ------------------------------------------------------------------ model comparison

    # A random element: mostly from a small pool (so LREM/LINSERT find them, integers and
    # integer-looking strings included), some random text, rarely bigger than a whole chunk.
    proc list_model_value {pool} {
        set k [randomInt 200]
        if {$k < 110} { return [lindex $pool [randomInt [llength $pool]]] }
        if {$k < 170} { return [randstring 0 40 alpha] }
        if {$k < 185} { return [expr {[randomInt 2000000] - 1000000}] }
        # long ones are repeated short random text: randstring is slow per byte
        set unit [randstring 10 20 alpha]
        if {$k < 199} { return [string repeat $unit [expr {5 + [randomInt 30]}]] }
        return [string repeat $unit [expr {800 + [randomInt 1000]}]]
    }

    # One seeded run of NOPS random operations against key rl and a Tcl list, comparing every
    # reply. FILLS: the list-max-listpack-size values it may switch between as it goes. Pushes
    # are variadic and trims keep wide windows, so the list grows to thousands of elements
    # and spans many chunks under every fill.
    proc list_model_run {seed nops fills} {
        expr {srand($seed)}
        r del rl
        set m {}
        set pool {a b c 1 2 -3 007 9223372036854775807 "" x}
        set maxlen 0
        for {set op 0} {$op < $nops} {incr op} {
            set len [llength $m]
            if {$len > $maxlen} { set maxlen $len }
            set where "seed $seed op $op"
            if {[randomInt 100] == 0} {
                r config set list-max-listpack-size [lindex $fills [randomInt [llength $fills]]]
            }
            set v [list_model_value $pool]
            set idx [expr {[randomInt [expr {2 * $len + 5}]] - $len - 2}]
            switch [randomInt 12] {
                0 - 1 {
                    set vals [list $v]
                    for {set n [randomInt 30]} {$n > 0} {incr n -1} {
                        lappend vals [list_model_value $pool]
                    }
                    set m [concat [lreverse $vals] $m]
                    assert_equal [llength $m] [r lpush rl {*}$vals] $where
                }
                2 - 3 {
                    set vals [list $v]
                    for {set n [randomInt 30]} {$n > 0} {incr n -1} {
                        lappend vals [list_model_value $pool]
                    }
                    lappend m {*}$vals
                    assert_equal [llength $m] [r rpush rl {*}$vals] $where
                }
                4 {
                    if {[randomInt 2]} {
                        assert_equal [lindex $m 0] [r lpop rl] $where
                        set m [lrange $m 1 end]
                    } else {
                        set n [expr {1 + [randomInt 10]}]
                        if {$len} {
                            assert_equal [lrange $m 0 [expr {$n - 1}]] [r lpop rl $n] $where
                        } else {
                            assert_equal {} [r lpop rl $n] $where
                        }
                        set m [lrange $m $n end]
                    }
                }
                5 {
                    if {[randomInt 2]} {
                        assert_equal [lindex $m end] [r rpop rl] $where
                        set m [lrange $m 0 end-1]
                    } else {
                        set n [expr {1 + [randomInt 10]}]
                        if {$len} {
                            assert_equal [lreverse [lrange $m end-[expr {$n - 1}] end]] \
                                [r rpop rl $n] $where
                        } else {
                            assert_equal {} [r rpop rl $n] $where
                        }
                        set m [lrange $m 0 end-$n]
                    }
                }
                6 {
                    set i [expr {$idx < 0 ? $len + $idx : $idx}]
                    if {$len == 0} {
                        assert_error "ERR no such key" {r lset rl $idx $v}
                    } elseif {$i < 0 || $i >= $len} {
                        assert_error "ERR index out of range" {r lset rl $idx $v}
                    } else {
                        assert_equal OK [r lset rl $idx $v] $where
                        lset m $i $v
                    }
                }
                7 {
                    set pivot [lindex $pool [randomInt [llength $pool]]]
                    set after [randomInt 2]
                    set i [lsearch -exact $m $pivot]
                    set got [r linsert rl [expr {$after ? "after" : "before"}] $pivot $v]
                    if {$len == 0} {
                        assert_equal 0 $got $where
                    } elseif {$i < 0} {
                        assert_equal -1 $got $where
                    } else {
                        set m [linsert $m [expr {$i + $after}] $v]
                        assert_equal [llength $m] $got $where
                    }
                }
                8 {
                    set count [lindex {-2 -1 -1 1 1 2 2 0} [randomInt 8]]
                    set target [lindex $pool [randomInt [llength $pool]]]
                    set want [expr {abs($count)}]
                    set removed 0
                    set keep {}
                    set seq [expr {$count >= 0 ? $m : [lreverse $m]}]
                    foreach e $seq {
                        if {$e eq $target && ($want == 0 || $removed < $want)} {
                            incr removed
                        } else {
                            lappend keep $e
                        }
                    }
                    if {$count >= 0} { set m $keep } else { set m [lreverse $keep] }
                    assert_equal $removed [r lrem rl $count $target] $where
                }
                9 {
                    if {[randomInt 8] == 0} {
                        set start [expr {[randomInt 40] - 5}]
                        set end [expr {[randomInt 2] ? -[randomInt 40] - 1 : $start + 50 + [randomInt 3000]}]
                        set rg [list_norm_range $len $start $end]
                        if {$rg eq {}} { set m {} } else { set m [lrange $m {*}$rg] }
                        assert_equal OK [r ltrim rl $start $end] $where
                    } else {
                        assert_equal [llength $m] [r llen rl] $where
                    }
                }
                10 {
                    set i [expr {$idx < 0 ? $len + $idx : $idx}]
                    if {$i < 0} { set expect "" } else { set expect [lindex $m $i] }
                    assert_equal $expect [r lindex rl $idx] $where
                }
                11 {
                    set start [expr {[randomInt [expr {2 * $len + 5}]] - $len - 2}]
                    if {[randomInt 2]} {
                        set end [expr {$start + [randomInt 20]}]
                    } else {
                        set end [expr {[randomInt [expr {2 * $len + 5}]] - $len - 2}]
                    }
                    set rg [list_norm_range $len $start $end]
                    if {$rg eq {}} { set expect {} } else { set expect [lrange $m {*}$rg] }
                    assert_equal $expect [r lrange rl $start $end] $where
                }
            }
            if {$op % 250 == 0 && [llength $m]} {
                assert_equal ok [list_debug_field rl verify] $where
                if {$::list_model_trace} {
                    puts "    op $op len [llength $m] chunks [list_debug_field rl chunks]"
                }
            }
        }
        assert_equal $m [r lrange rl 0 -1] "seed $seed final"
        assert_equal [expr {[llength $m] ? 1 : 0}] [r exists rl] "seed $seed final"
        if {[llength $m]} { assert_equal ok [list_debug_field rl verify] }
        assert {$maxlen > 1000}
        r config set list-max-listpack-size -2
    }

    foreach {fill seed tags} {-2 1001 {} 5 1002 {} 1 1003 slow -5 1004 slow -1 1005 slow} {
        test "Randomized operations match a Tcl model (list-max-listpack-size $fill, seed $seed)" {
            r config set list-max-listpack-size $fill
            list_model_run $seed 2000 [list $fill]
        } $tags
    }

    test "Randomized operations match a Tcl model while the fill changes (seed 1006)" {
        list_model_run 1006 2000 {-5 -2 -1 1 2 5 100}
    }
}

start_server {tags {list} overrides {list-max-listpack-size 5}} {
    test "Pushes and pops across chunk boundaries with list-max-listpack-size 5" {
        r del l
        for {set i 0} {$i < 100} {incr i} { r rpush l $i }
        for {set i 1} {$i <= 100} {incr i} { r lpush l -$i }
        assert_equal 40 [list_debug_field l chunks]
        assert_equal {-100 -99 -98} [r lrange l 0 2]
        assert_equal {-1 0 1} [r lrange l 99 101]
        assert_equal {-5 -4 -3 -2 -1 0 1 2 3 4 5} [r lrange l 95 105]
        assert_equal 50 [r lindex l 150]
        # middle inserts split chunks; removes merge them back
        for {set i 0} {$i < 20} {incr i} { r linsert l after 50 m$i }
        assert_equal 220 [r llen l]
        assert_equal ok [list_debug_field l verify]
        assert {[list_debug_field l chunks] > 40}
        for {set i 0} {$i < 20} {incr i} { assert_equal 1 [r lrem l 0 m$i] }
        assert_equal 200 [r llen l]
        assert_equal ok [list_debug_field l verify]
        assert_range [list_debug_field l chunks] 40 42
        # trims from both ends free whole chunks
        r ltrim l 53 -53
        assert_equal 95 [r llen l]
        assert_equal {-47 -46} [r lrange l 0 1]
        assert_equal {46 47} [r lrange l -2 -1]
        assert_equal ok [list_debug_field l verify]
        assert_range [list_debug_field l chunks] 19 21
    }
}

start_server {tags {"list"} overrides {list-max-listpack-size -1}} {
    test "OBJECT ENCODING: one element too big for the 4 KB chunk cap makes a quicklist" {
        r del big
        r rpush big [string repeat x 8192]
        assert_encoding quicklist big
        r rpush big b c
        assert_encoding quicklist big
        r lpop big
        assert_equal {b c} [r lrange big 0 -1]
        assert_encoding listpack big
        r del small
        r rpush small a b c
        assert_encoding listpack small
    }
}
