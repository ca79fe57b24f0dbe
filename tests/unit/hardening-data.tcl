# hardening-data.tcl - passwords kept out of SLOWLOG and MONITOR, eviction that can pick any
# key and counts lazily freed memory, eviction while only reads arrive, and movable keys in
# COMMAND GETKEYS. Each test failed before its fix (issue 13).

start_server {tags {"hardening"}} {
    test "SLOWLOG never shows a password" {
        r config set slowlog-log-slower-than 0
        r slowlog reset
        set c [new_client]
        catch {$c auth guess-one}
        catch {$c auth default guess-two}
        catch {$c hello 2 auth default guess-three setname n1}
        catch {$c hello 2 setname n2 auth default guess-four}
        r config set requirepass guess-five
        r auth guess-five
        r config set requirepass ""
        set log [r slowlog get 100]
        r config set slowlog-log-slower-than 10000
        assert {![string match "*guess*" $log]} $log
        assert_match "*auth (redacted) (redacted)*" $log
        assert_match "*hello 2 auth (redacted) (redacted) setname n1*" $log
        assert_match "*hello 2 setname n2 auth (redacted) (redacted)*" $log
        assert_match "*config set requirepass (redacted)*" $log
        $c close
    }

    test "MONITOR never shows a password, in every AUTH clause of HELLO" {
        set m [new_client 0 1]
        $m monitor
        assert_equal OK [$m read]
        set c [new_client]
        catch {$c hello 2 auth default secret-a auth default secret-b}
        $c ping marker
        set lines {}
        while {![string match "*marker*" [lindex $lines end]]} { lappend lines [$m read] }
        assert {![string match "*secret*" $lines]} $lines
        assert_match {*"hello" "2" "auth" "(redacted)" "(redacted)" "auth" "(redacted)" "(redacted)"*} $lines
        $c close
        $m close
    }

    test "COMMAND GETKEYS finds keys counted by numkeys" {
        assert_equal {a} [r command getkeys lmpop 1 a left]
        assert_equal {a b} [r command getkeys lmpop 2 a b left]
        assert_equal {a} [r command getkeys blmpop 0 1 a left]
        assert_equal {a b} [r command getkeys sintercard 2 a b limit 3]
        foreach bad {{lmpop 0 a left} {lmpop 5 a left} {lmpop x a left}} {
            assert_error "ERR Invalid arguments specified for command" \
                [list r command getkeys {*}$bad]
        }
        assert_match "*movablekeys*" [r command info lmpop]
    }

    test "Keys with names over 4 KB can be evicted" {
        r flushall
        r config set maxmemory-policy allkeys-lru
        set pad [string repeat n 5000]
        for {set i 0} {$i < 2000} {incr i} { r set $pad[format %06d $i] v }
        r config set maxmemory [expr {[s used_memory] + 100000}]
        set refused 0
        set mpad [string repeat m 5000]
        for {set i 0} {$i < 50} {incr i} {
            if {[catch {r set $mpad[format %06d $i] v}]} { incr refused }
        }
        r config set maxmemory 0
        assert_equal 0 $refused
        assert {[s evicted_keys] > 0}
    }

    test "Memory handed to lazy free counts as freed: lazy eviction does not OOM" {
        r flushall
        r config set maxmemory-policy allkeys-lru
        r config set lazyfree-lazy-eviction yes
        try {
            # big values (1,000-field hashes): each goes to the lazy-free queue when evicted
            set fields {}
            for {set f 0} {$f < 1000} {incr f} { lappend fields f$f [string repeat x 20] }
            for {set i 0} {$i < 150} {incr i} { r hset big$i {*}$fields }
            set before [s evicted_keys]
            r config set maxmemory [expr {[s used_memory] - 200000}]
            assert_equal OK [r set one-more-key value]
            set evicted [expr {[s evicted_keys] - $before}]
            assert {$evicted < 20} "$evicted keys evicted to free ~200 KB"
        } finally {
            r config set maxmemory 0
            r config set lazyfree-lazy-eviction no
        }
    }

    test "Eviction runs while only reads arrive" {
        r flushall
        r config set maxmemory-policy allkeys-lru
        for {set i 0} {$i < 2000} {incr i} { r set key$i [string repeat v 200] }
        set used [s used_memory]
        # a limit under the current use, set in a way that evicts nothing by itself
        r config set maxmemory-policy noeviction
        r config set maxmemory [expr {$used - 100000}]
        set before [s evicted_keys]
        # one pipeline, one loop pass: the cron cannot evict in between, only the GET can
        set c [new_client 0 1]
        $c config set maxmemory-policy allkeys-lru
        $c get key1
        $c info stats
        $c read
        $c read
        set info [$c read]
        $c close
        r config set maxmemory 0
        assert {[getInfoProperty $info evicted_keys] > $before} $info
    }
}
