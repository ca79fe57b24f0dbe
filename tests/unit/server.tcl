# server.tcl - server and admin commands: COMMAND (shapes clients parse), TIME, DBSIZE,
# FLUSHDB/FLUSHALL, SWAPDB, LASTSAVE/SAVE, MEMORY, CONFIG subcommands, SHUTDOWN.

start_server {tags {"server"}} {
    test "COMMAND COUNT matches COMMAND; COMMAND LIST adds the subcommands" {
        set n [r command count]
        assert {$n > 10}
        assert_equal $n [llength [r command]]
        assert_equal $n [llength [r command info]]
        set nsubs 0
        foreach e [r command] { incr nsubs [llength [lindex $e 9]] }
        assert {$nsubs > 30}
        set list [r command list]
        assert_equal [expr {$n + $nsubs}] [llength $list]
        assert {"client|list" in $list && "config|resetstat" in $list && "config" in $list}
        assert_equal {config|resetstat config|rewrite} \
            [lsort [r command list filterby pattern config|*re*]]
    }

    test "Subcommands: COMMAND INFO by full name, own arity, own stats, unknown ones" {
        set info [lindex [r command info config|get] 0]
        assert_equal {config|get -3} [lrange $info 0 1]
        assert_equal {{}} [r command info get|key]
        assert_equal {{}} [r command info config|get|key]
        assert_error "ERR wrong number of arguments for 'config|get' command" {r config get}
        assert_error "ERR unknown subcommand 'nope'. Try CONFIG HELP." {r config nope}
        r config resetstat
        r config get hz
        set stats [r info commandstats]
        assert_match "*cmdstat_config|get:calls=1,*" $stats
        assert_match "*id=* cmd=client|info *" [r client info]
        assert_equal {key} [r command getkeys memory usage key]
        assert_equal {{key {RO access}}} [r command getkeysandflags memory usage key]
        assert_equal {{k1 {RW update}}} [r command getkeysandflags set k1 v1]
    }

    test "COMMAND: every entry has Redis 7's ten fields" {
        foreach e [r command] {
            assert_equal 10 [llength $e] "entry $e"
            lassign $e name arity flags first last step cats tips specs subs
            assert_equal [string tolower $name] $name
            assert {[string is integer -strict $arity] && $arity != 0} "$name arity"
            foreach v [list $first $last $step] { assert {[string is integer -strict $v]} "$name keys" }
            assert {[llength $cats] > 0} "$name categories"
            foreach cat $cats { assert_match "@*" $cat }
            assert_equal {} $tips
            foreach sub $subs {
                assert_equal 10 [llength $sub] "subcommand $sub"
                assert_match "$name|*" [lindex $sub 0]
                assert_equal {} [lindex $sub 9]
            }
            if {$first > 0} {
                assert_equal 1 [llength $specs] "$name key specs"
                set spec [lindex $specs 0]
                assert_equal {flags begin_search find_keys} [dict keys $spec]
                assert_equal index [dict get $spec begin_search type]
                assert_equal $first [dict get $spec begin_search spec index]
                assert_equal range [dict get $spec find_keys type]
            } elseif {"movablekeys" in $flags} {
                # numkeys commands (LMPOP): 0 0 0 and a keynum spec, as in Redis 7
                assert_equal {0 0 0} [list $first $last $step]
                set spec [lindex $specs 0]
                assert_equal keynum [dict get $spec find_keys type]
            } else {
                assert_equal {} $specs
            }
        }
    }

    test "COMMAND INFO of known and unknown commands" {
        set info [r command info get nosuchcmd SET]
        assert_equal 3 [llength $info]
        lassign [lindex $info 0] name arity flags first last step cats
        assert_equal get $name
        assert_equal 2 $arity
        assert {"readonly" in $flags && "fast" in $flags}
        assert_equal {1 1 1} [list $first $last $step]
        assert {"@read" in $cats && "@string" in $cats && "@fast" in $cats}
        assert_equal "" [lindex $info 1]
        assert_equal set [lindex [lindex $info 2] 0]
        assert {"write" in [lindex [lindex $info 2] 2]}
    }

    test "COMMAND DOCS: name -> summary, since, group (RESP2 and RESP3)" {
        set docs [r command docs get]
        assert_equal 2 [llength $docs]
        assert_equal get [lindex $docs 0]
        set d [lindex $docs 1]
        assert_equal {summary since group} [dict keys $d]
        assert {[dict get $d summary] ne ""}
        assert_equal string [dict get $d group]
        # unknown names are left out
        assert_equal {} [r command docs nosuchcmd]
        assert_equal 2 [llength [r command docs nosuchcmd get]]
        # all commands
        assert_equal [expr {2 * [r command count]}] [llength [r command docs]]
        set c [new_client]
        $c hello 3
        assert_equal {summary since group} [dict keys [dict get [$c command docs set] set]]
        $c readraw 1
        assert_equal "%1" [$c command docs set]
        $c close
    }

    test "redis-cli starts against this server (it parses COMMAND DOCS)" {
        if {[auto_execok redis-cli] eq ""} { return }
        set out [exec redis-cli -p [srv port] << "ping\nset cli-key 1\nget cli-key\n"]
        assert_equal "PONG\nOK\n1" $out
        assert_match "*cmdstat_command:calls=*" [r info commandstats]
    }

    test "COMMAND LIST FILTERBY" {
        set l [r command list filterby pattern fl*]
        assert_equal {flushall flushdb} [lsort $l]
        set l [r command list filterby aclcat keyspace]
        assert {"del" in $l && "get" ni $l}
        assert_equal {} [r command list filterby module foo]
        assert_error "ERR syntax error*" {r command list filterby}
        assert_error "ERR syntax error*" {r command list filterby nope x}
    }

    test "COMMAND GETKEYS" {
        assert_equal {a} [r command getkeys set a b]
        assert_equal {a c} [r command getkeys mset a b c d]
        assert_equal {k1 k2} [r command getkeys del k1 k2]
        assert_error "ERR Invalid command specified*" {r command getkeys nosuch a}
        assert_error "ERR The command has no key arguments*" {r command getkeys ping}
        assert_error "ERR Invalid number of arguments*" {r command getkeys get}
        assert_error "*wrong number of arguments for 'command|getkeys'*" {r command getkeys}
    }

    test "COMMAND unknown subcommand and HELP" {
        assert_error "ERR unknown subcommand 'foo'. Try COMMAND HELP." {r command foo}
        assert_match "COMMAND <subcommand>*" [lindex [r command help] 0]
        assert_error "*wrong number of arguments for 'command|count'*" {r command count x}
    }

    test "TIME" {
        lassign [r time] sec usec
        assert {[string is wide -strict $sec] && [string is integer -strict $usec]}
        assert_range $usec 0 999999
        assert {abs($sec - [clock seconds]) < 60}
    }

    test "DBSIZE" {
        r flushall
        assert_equal 0 [r dbsize]
        r set a 1
        r set b 2
        assert_equal 2 [r dbsize]
        r select 1
        assert_equal 0 [r dbsize]
        r select 0
    }

    test "FLUSHALL SYNC, ASYNC and bad arguments" {
        r debug populate 1000
        r select 2
        r set other 1
        r select 0
        assert_equal OK [r flushall sync]
        assert_equal 0 [r dbsize]
        r select 2
        assert_equal 0 [r dbsize]
        r select 0
        r debug populate 1000
        assert_equal OK [r flushall async]
        assert_equal 0 [r dbsize]
        wait_for_condition 100 20 {[s lazyfree_pending_objects] == 0} else {
            fail "lazyfree did not drain"
        }
        assert_equal OK [r flushall]
        assert_error "ERR syntax error*" {r flushall foo}
        assert_error "ERR syntax error*" {r flushall sync async}
    }

    test "FLUSHDB empties only the current db" {
        r set k0 v
        r select 5
        r set k5 v
        assert_equal OK [r flushdb]
        assert_equal 0 [r dbsize]
        r select 0
        assert_equal 1 [r dbsize]
        assert_equal OK [r flushdb async]
        assert_equal 0 [r dbsize]
        assert_error "ERR syntax error*" {r flushdb nope}
    }

    test "SWAPDB exchanges contents, clients stay on their index" {
        r flushall
        r set a 1
        r select 1
        r set b 2
        r set b2 3
        r select 0
        assert_equal OK [r swapdb 0 1]
        assert_equal "" [r get a]
        assert_equal 2 [r get b]
        assert_equal 2 [r dbsize]
        r select 1
        assert_equal 1 [r get a]
        r select 0
        assert_equal OK [r swapdb 0 0]
        assert_equal 2 [r dbsize]
        assert_error "ERR invalid first DB index*" {r swapdb x 1}
        assert_error "ERR invalid second DB index*" {r swapdb 0 y}
        assert_error "ERR DB index is out of range*" {r swapdb 0 1000}
        assert_error "ERR DB index is out of range*" {r swapdb -1 0}
        r flushall
    }

    test "LASTSAVE, SAVE, BGSAVE" {
        assert {[r lastsave] > 0}
        assert_error "ERR persistence is not supported*" {r save}
        assert_error "ERR persistence is not supported*" {r bgsave}
    }

    test "MEMORY USAGE" {
        r flushall
        r set small v
        set big [string repeat x 5000]
        r set big $big
        set su [r memory usage small]
        set bu [r memory usage big]
        assert {$su > 0 && $su < 200} "small: $su"
        assert {$bu > 5000 && $bu < 9000} "big: $bu"
        assert_equal $bu [r memory usage big samples 0]
        assert_equal $bu [r memory usage big SAMPLES 10]
        assert_equal "" [r memory usage nosuch]
        assert_error "ERR syntax error*" {r memory usage big foo}
        assert_error "ERR syntax error*" {r memory usage big samples}
        assert_error "*not an integer*" {r memory usage big samples x}
        assert_error "*wrong number of arguments for 'memory|usage'*" {r memory usage}
    }

    test "MEMORY STATS is a well-formed map" {
        r debug populate 100 st
        set m [r memory stats]
        assert_equal 0 [expr {[llength $m] % 2}]
        foreach f {peak.allocated total.allocated startup.allocated keys.count dataset.bytes
                   overhead.total allocator.allocated allocator.active allocator.resident
                   allocator-fragmentation.ratio allocator-fragmentation.bytes
                   allocator-rss.ratio rss-overhead.ratio fragmentation fragmentation.bytes} {
            assert {[dict exists $m $f]} "field $f"
        }
        assert_equal 102 [dict get $m keys.count]
        assert {[dict get $m total.allocated] > 0}
        assert {[dict get $m peak.allocated] >= [dict get $m total.allocated]}
        assert {[string is double -strict [dict get $m fragmentation]]}
        assert {[dict exists $m db.0]}
        assert {[dict exists [dict get $m db.0] overhead.hashtable.main]}
        set c [new_client]
        $c hello 3
        assert {[dict exists [$c memory stats] keys.count]}
        $c close
    }

    test "MEMORY PURGE, DOCTOR, MALLOC-STATS, HELP, errors" {
        assert_equal OK [r memory purge]
        assert {[string length [r memory doctor]] > 10}
        assert {[string length [r memory malloc-stats]] > 10}
        assert_match "MEMORY <subcommand>*" [lindex [r memory help] 0]
        assert_error "ERR unknown subcommand 'foo'. Try MEMORY HELP." {r memory foo}
        assert_error "*wrong number of arguments for 'memory|stats'*" {r memory stats x}
        assert_error "*wrong number of arguments for 'memory' command" {r memory}
    }

    test "CONFIG HELP, unknown subcommand, RESETSTAT arity" {
        assert_match "CONFIG <subcommand>*" [lindex [r config help] 0]
        assert_error "ERR unknown subcommand 'nope'. Try CONFIG HELP." {r config nope}
        assert_error "*wrong number of arguments for 'config|resetstat'*" {r config resetstat x}
        assert_equal OK [r config resetstat]
    }

    test "SHUTDOWN argument errors keep the server running" {
        assert_error "ERR syntax error*" {r shutdown foo}
        assert_error "ERR syntax error*" {r shutdown save nosave}
        assert_error "ERR syntax error*" {r shutdown abort now}
        assert_error "ERR No shutdown in progress.*" {r shutdown abort}
        assert_equal PONG [r ping]
    }
}

start_server {tags {"server"}} {
    test "SHUTDOWN NOSAVE ends the process" {
        set pid [srv pid]
        r set k v
        catch {r shutdown nosave}
        wait_for_condition 100 50 {![process_is_alive $pid]} else {
            fail "server pid $pid still running after SHUTDOWN NOSAVE"
        }
        assert_equal 1 [count_log_lines "*User requested shutdown*"]
    }
}
