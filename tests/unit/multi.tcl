# multi.tcl - transactions: MULTI/EXEC/DISCARD queueing and their errors (Redis 7 texts), WATCH
# and what touches a watched key (writes of every type, with notifications on or off, expiry
# lazy and active, eviction, FLUSHDB/FLUSHALL, SWAPDB, RENAME, MOVE; stale keys), EXEC's
# special cases (blocking commands, MONITOR order, OOM, CLIENT PAUSE WRITE), CLIENT LIST and
# INFO fields, memory accounting and the queue limit, and connection close. Writes made through
# the embedding API are covered by tests/c/lib_multi.c. Waits are on conditions, never sleeps.

# Wait until the wall clock has passed MS milliseconds from now, without touching any key.
proc wait_ms {ms} {
    set until [expr {[clock milliseconds] + $ms}]
    wait_for_condition 1000 5 {[clock milliseconds] > $until} else { fail "clock stuck" }
}

# CLIENT LIST line of a client, given as a client command or as an id.
proc client_line {c} {
    set id [expr {[string is integer -strict $c] ? $c : [$c client id]}]
    foreach line [split [r client list] "\n"] {
        if {[string match "id=$id *" $line]} { return $line }
    }
    return ""
}

proc client_field {line field} {
    if {[regexp "(?:^| )$field=(\\S*)" $line -> v]} { return $v }
    return ""
}

proc assert_no_match_flag {ch flags} {
    if {[string first $ch $flags] >= 0} { fail "flag '$ch' set in '$flags'" }
}

# EXEC's raw first line: *-1 for a failed WATCH in RESP2, _ in RESP3, *N otherwise.
proc exec_raw {c} {
    $c readraw 1
    set line [$c exec]
    $c readraw 0
    return $line
}

start_server {tags {"multi"} overrides {enable-debug-command local}} {
    test "MULTI/EXEC: commands answer QUEUED, EXEC answers all the replies in order" {
        r del mylist
        r rpush mylist a b c
        assert_equal OK [r multi]
        assert_equal QUEUED [r lrange mylist 0 -1]
        assert_equal QUEUED [r ping]
        assert_equal QUEUED [r incr counter]
        assert_equal {{a b c} PONG 1} [r exec]
        assert_equal 1 [r get counter]
    }

    test "An empty transaction answers an empty array" {
        r multi
        assert_equal {} [r exec]
        r multi
        assert_equal {*0} [exec_raw r]
    }

    test "DISCARD drops the queue, nothing runs" {
        r set k before
        r multi
        r set k after
        r del mylist
        assert_equal OK [r discard]
        assert_equal before [r get k]
        assert_equal 3 [r llen mylist]
        assert_equal PONG [r ping] ;# not in MULTI any more
    }

    test "Error texts: nested MULTI, EXEC/DISCARD without MULTI, WATCH inside MULTI" {
        assert_error "ERR EXEC without MULTI" {r exec}
        assert_error "ERR DISCARD without MULTI" {r discard}
        r multi
        assert_error "ERR MULTI calls can not be nested" {r multi}
        assert_error "EXECABORT Transaction discarded because of previous errors." {r exec}
        r multi
        assert_error "ERR WATCH inside MULTI is not allowed" {r watch x}
        assert_error "EXECABORT*" {r exec}
        # DISCARD after either error still works
        r multi
        catch {r multi}
        assert_equal OK [r discard]
    }

    test "Unknown commands and arity errors while queueing: EXECABORT, nothing runs" {
        r del a b
        r multi
        r set a 1
        assert_error "ERR unknown command 'nosuchcmd', with args beginning with: 'x' " {
            r nosuchcmd x
        }
        assert_equal QUEUED [r set b 2]
        assert_error "EXECABORT Transaction discarded because of previous errors." {r exec}
        assert_equal {0 0} [list [r exists a] [r exists b]]
        r multi
        r set a 1
        assert_error "ERR wrong number of arguments for 'get' command" {r get}
        assert_error "EXECABORT*" {r exec}
        assert_equal 0 [r exists a]
        # the client is out of MULTI after the abort
        assert_equal PONG [r ping]
    }

    test "SAVE and SHUTDOWN are refused inside MULTI and flag the transaction" {
        r del foo
        foreach cmd {save shutdown} {
            r multi
            r set foo bar
            assert_error "ERR Command not allowed inside a transaction" {r $cmd}
            assert_error "EXECABORT*" {r exec}
            assert_equal 0 [r exists foo]
        }
    }

    test "Runtime errors inside EXEC do not roll back: the error is one element" {
        r del s
        r multi
        r set s 1
        r lpush s x
        r incr s
        set res [r exec]
        assert_equal 3 [llength $res]
        assert_equal OK [lindex $res 0]
        assert_match "WRONGTYPE*" [lindex $res 1]
        assert_equal 2 [lindex $res 2]
        assert_equal 2 [r get s]
    }

    test "Queued arguments are copied: a long pipelined transaction keeps every value" {
        set rd [deferring_client]
        set n 300
        set payload {}
        $rd multi
        for {set i 0} {$i < $n} {incr i} {
            set v [string repeat [format %c [expr {65 + $i % 26}]] [expr {($i * 37) % 5000 + 1}]]
            lappend payload $v
            $rd set copy:$i $v
        }
        $rd exec
        assert_equal OK [$rd read]
        for {set i 0} {$i < $n} {incr i} { assert_equal QUEUED [$rd read] }
        set res [$rd read]
        assert_equal $n [llength $res]
        for {set i 0} {$i < $n} {incr i} {
            assert_equal [lindex $payload $i] [r get copy:$i] "key copy:$i"
        }
        $rd close
    }

    test "SELECT inside MULTI applies to the commands queued after it" {
        r select 0
        r multi
        r select 3
        r set indb3 yes
        r select 0
        r exec
        assert_equal 0 [r exists indb3]
        r select 3
        assert_equal yes [r get indb3]
        r del indb3
        r select 0
    }

    test "RESP3: EXEC answers an array, a failed WATCH a null" {
        set c [new_client]
        $c hello 3
        $c set w 1
        $c watch w
        r set w 2
        $c multi
        $c ping
        assert_equal {_} [exec_raw $c]
        $c multi
        $c ping
        $c get w
        assert_equal {PONG 2} [$c exec]
        $c close
    }

    test "WATCH: an untouched key lets EXEC run; a touched one answers *-1 and nothing runs" {
        r set x 30
        r watch x y z
        r multi
        r ping
        assert_equal PONG [r exec]
        r watch x
        r set x 40
        r multi
        r set x 50
        assert_equal {*-1} [exec_raw r]
        assert_equal 40 [r get x]
    }

    test "WATCH: a write by another client touches the key" {
        set c [new_client]
        r set x 1
        r watch x
        $c incr x
        r multi
        r ping
        assert_equal {} [r exec]
        $c close
    }

    test "After EXEC (successful or not) and after UNWATCH nothing is watched" {
        r set x 1
        r watch x
        r multi
        r ping
        r exec
        r set x 2
        r multi
        r ping
        assert_equal PONG [r exec]
        r watch x
        r set x 3
        r multi
        r exec
        r set x 4
        r multi
        r ping
        assert_equal PONG [r exec]
        r watch x
        r set x 5
        assert_equal OK [r unwatch]
        r multi
        r ping
        assert_equal PONG [r exec]
        assert_equal OK [r unwatch] ;# nothing watched: still OK
        assert_equal 0 [s total_watched_keys]
        assert_equal 0 [s watching_clients]
    }

    test "DISCARD unwatches and clears the dirty flag" {
        r watch x
        r set x 10
        r multi
        r discard
        r multi
        r incr x
        assert_equal 11 [r exec]
    }

    test "WATCH remembers the db of its key" {
        r select 5
        r set x 30
        r watch x
        r select 1
        r set x 10
        r select 5
        r multi
        r ping
        assert_equal PONG [r exec]
        r select 1
        r del x
        r select 5
        r del x
        r select 0
    }

    test "Writes of every type touch the key, with notifications off and on" {
        set cases {
            {set k v}            {append k x}        {incr k}
            {del k}              {expire k 100}      {persist k}
            {lpush k a}          {rpush k a}         {lpop k}
            {hset k f v}         {hdel k f}          {sadd k m}
            {srem k m}           {spop k}            {getdel k}
            {getex k px 100000}  {setrange k 0 zz}   {lset k 0 z}
            {unlink k}           {copy src k}        {sinterstore k s1 s2}
            {mset k 1 j 2}       {msetnx k 1 j 2}    {setnx k v}
            {setex k 100 v}      {psetex k 100000 v} {getset k v}
            {decr k}             {incrby k 5}        {incrbyfloat k 1.5}
            {hsetnx k f v}       {hincrby k f 1}     {hincrbyfloat k f 1.5}
            {hmset k f v}        {linsert k before a z} {lrem k 0 a}
            {ltrim k 0 0}        {lmove src k left left} {rpoplpush src k}
            {lmpop 1 k left}     {lpushx k z}        {rpushx k z}
            {rpop k}             {smove src k m}     {sunionstore k s1 s2}
            {sdiffstore k s1 s2} {renamenx src k}    {pexpire k 100000}
            {expireat k 4000000000} {pexpireat k 4000000000000} {set k v keepttl}
            {blpop k 0}          {blmove k src left left 0} {sinterstore k nos1 nos2}
        }
        foreach flags {"" KEA} {
            r config set notify-keyspace-events $flags
            foreach cmd $cases {
                r del k j src s1 s2
                switch -glob -- $cmd {
                    "lmove*" - "rpoplpush*" { r rpush src a b }
                    "lpop*" - "lset*" - "linsert*" - "lrem*" - "ltrim*" - "lmpop*" - "lpushx*" -
                    "rpushx*" - "rpop*" - "blpop*" - "blmove*" { r rpush k a b }
                    "hdel*" { r hset k f v }
                    "srem*" - "spop*" { r sadd k m n }
                    "smove*" { r sadd src m }
                    "del*" - "unlink*" - "getdel*" - "append*" - "incr*" - "expire*" -
                    "getex*" - "setrange*" - "decr*" - "pexpire*" - "set k v keepttl" { r set k 1 }
                    "persist*" { r set k 1 ex 100 }
                    "copy*" - "renamenx*" { r set src v }
                    "sinterstore k s1*" - "sunionstore*" - "sdiffstore*" {
                        r sadd s1 a b; r sadd s2 a
                    }
                    "sinterstore k nos*" { r set k 1 } ;# an empty result deletes k
                }
                r watch k
                r {*}$cmd
                r multi
                r ping
                assert_equal {} [r exec] "after $cmd, notify-keyspace-events '$flags'"
            }
        }
        r config set notify-keyspace-events ""
    }

    test "A read, or a keymiss event, does not touch the key" {
        r config set notify-keyspace-events KEm
        r del k
        r set k2 v
        r watch k k2
        r get k
        r get k2
        r exists k
        r multi
        r ping
        assert_equal PONG [r exec]
        r config set notify-keyspace-events ""
    }

    test "A write that changes nothing does not touch (DEL of a missing key)" {
        r del k
        r watch k
        r del k
        r multi
        r ping
        assert_equal PONG [r exec]
    }

    test "RENAME touches both keys; MOVE touches its key in both dbs" {
        foreach watched {from to} {
            r del from to
            r set from v
            r watch $watched
            r rename from to
            r multi
            r ping
            assert_equal {} [r exec] "rename, watching $watched"
        }
        r select 2
        r del mv
        r select 0
        r set mv v
        r watch mv
        r move mv 2
        r multi
        r ping
        assert_equal {} [r exec] "move, source db"
        r select 2
        r watch mv ;# now in db 2
        r select 0
        r set mv again
        r move mv 2 ;# refused: exists there; nothing written
        r select 2
        r multi
        r ping
        assert_equal PONG [r exec] "failed move"
        r del mv
        r select 0
        r del mv
        r select 2
        r watch mv
        r select 0
        r set mv v
        r move mv 2
        r select 2
        r multi
        r ping
        assert_equal {} [r exec] "move, destination db"
        r del mv
        r select 0
    }

    test "FLUSHDB and FLUSHALL touch watched keys that exist, only those" {
        foreach flush {flushdb flushall} {
            r set x 30
            r watch x
            r $flush
            r multi
            r ping
            assert_equal {} [r exec] "$flush, existing key"
            r del x
            r set other 1
            r watch x
            r $flush
            r multi
            r ping
            assert_equal PONG [r exec] "$flush, missing key"
        }
        # a key of another db is not touched by FLUSHDB
        r select 1
        r set x 1
        r watch x
        r select 0
        r set y 1
        r flushdb
        r multi
        r ping
        assert_equal PONG [r exec]
        r select 1
        r del x
        r select 0
    }

    test "SWAPDB touches watched keys that exist in either db" {
        r flushall
        r set x 30
        r watch x
        r swapdb 0 1
        r multi
        r ping
        assert_equal {} [r exec] "key leaves"
        r flushall
        r select 1
        r set x 30
        r select 0
        r watch x
        r swapdb 0 1
        r multi
        r ping
        assert_equal {} [r exec] "key arrives"
        r flushall
        r set y 1
        r watch x
        r swapdb 0 1
        r multi
        r ping
        assert_equal PONG [r exec] "missing in both"
        r flushall
    }

    test "Stale keys: WATCH of an expired key does not fail EXEC; its deletion changes nothing" {
        r debug set-active-expire 0
        r set x foo px 1
        wait_ms 3
        r watch x
        r multi
        r ping
        assert_equal PONG [r exec] "stale at watch and at exec"
        r set x foo px 1
        wait_ms 3
        r watch x
        assert_equal 0 [r exists x] ;# lazy deletion
        r multi
        r ping
        assert_equal PONG [r exec] "stale then deleted"
        r set x foo px 1
        wait_ms 3
        r watch x
        r flushdb
        r multi
        r ping
        assert_equal PONG [r exec] "stale then flushed"
        r set x foo px 1
        wait_ms 3
        r watch x
        r set x new ;# a stale key given a value is a change
        r multi
        r ping
        assert_equal {} [r exec] "stale then written"
        r debug set-active-expire 1
    }

    test "SWAPDB and stale keys: stale out, stale in, stale for stale change nothing" {
        r flushall
        r debug set-active-expire 0
        r select 1
        r set x foo px 1
        wait_ms 3
        r watch x
        r swapdb 0 1
        r multi
        r ping
        assert_equal PONG [r exec] "stale replaced by nothing"
        r flushall
        r select 0
        r set x foo px 1
        wait_ms 3
        r select 1
        r watch x
        r swapdb 0 1
        r multi
        r ping
        assert_equal PONG [r exec] "nothing replaced by stale"
        r flushall
        r select 1
        r set x foo px 1
        r select 0
        r set x bar px 1
        wait_ms 3
        r select 1
        r watch x
        r swapdb 0 1
        r multi
        r ping
        assert_equal PONG [r exec] "stale replaced by stale"
        r flushall
        r select 0
        r debug set-active-expire 1
    }

    test "A key that expires between WATCH and EXEC fails EXEC (lazy, not yet deleted)" {
        r debug set-active-expire 0
        r set key 1 px 50
        r watch key
        wait_ms 60
        r multi
        r incr key
        assert_equal {} [r exec]
        r debug set-active-expire 1
    }

    test "A key deleted by active expiry touches its watchers" {
        r flushall
        r set x foo px 20
        r watch x
        wait_for_condition 100 20 {[r dbsize] == 0} else { fail "x was never expired" }
        r multi
        r ping
        assert_equal {} [r exec]
        assert_equal 0 [s total_watched_keys] ;# a touched client is unwatched at once
    }

    test "EXPIRE on a watched key touches it" {
        r set x foo
        r watch x
        r expire x 10
        r multi
        r ping
        assert_equal {} [r exec]
    }

    test "Eviction touches the evicted key's watchers" {
        r flushall
        r config set maxmemory-policy allkeys-random
        r set victim [string repeat v 1000]
        r watch victim
        r config set maxmemory 1
        r ping ;# eviction runs before any command
        r config set maxmemory 0
        r config set maxmemory-policy noeviction
        assert_equal 0 [r exists victim]
        r multi
        r ping
        assert_equal {} [r exec]
        assert_equal 1 [expr {[s evicted_keys] > 0}]
    }

    test "CLIENT LIST: x in MULTI with multi=N, d when dirty; multi=-1 outside MULTI" {
        set c [new_client]
        set id [$c client id] ;# asked now: inside MULTI it would only be queued
        set line [client_line $id]
        assert_equal -1 [client_field $line multi]
        assert_no_match_flag x [client_field $line flags]
        $c multi
        $c set a 1
        $c set b 2
        set line [client_line $id]
        assert_match *x* [client_field $line flags]
        assert_equal 2 [client_field $line multi]
        assert {[client_field $line multi-mem] > 0}
        assert_equal {OK OK} [$c exec]
        # CLIENT INFO run by EXEC sees the transaction still there and EXEC as the command
        $c multi
        $c client info
        set info [lindex [$c exec] 0]
        assert_match "* multi=1 *" $info
        assert_match "* cmd=exec *" $info
        assert_match "*flags=x*" $info
        # dirty: d from the touch on, and a dirty transaction queues nothing (it cannot run)
        $c watch wk
        r set wk 2
        set line [client_line $id]
        assert_match *d* [client_field $line flags]
        $c multi
        $c set a 1
        set line [client_line $id]
        assert_match *xd* [client_field $line flags]
        assert_equal 0 [client_field $line multi]
        assert_equal {} [$c exec]
        set line [client_line $id]
        assert_equal -1 [client_field $line multi]
        assert_no_match_flag x [client_field $line flags]
        assert_no_match_flag d [client_field $line flags]
        $c close
    }

    test "INFO: watching_clients and total_watched_keys" {
        set c [new_client]
        $c watch a b c
        set mem [client_field [$c client info] multi-mem]
        $c watch a c ;# watched already: no second record
        assert_equal $mem [client_field [$c client info] multi-mem]
        r watch a
        assert_equal 3 [s total_watched_keys]
        assert_equal 2 [s watching_clients]
        r unwatch
        $c unwatch
        assert_equal 0 [s total_watched_keys]
        assert_equal 0 [s watching_clients]
        $c close
    }

    test "Closing a client in MULTI with watched keys frees its queue and watches" {
        r del cla clb clc
        set c [new_client]
        $c watch cla clb clc
        $c multi
        $c set cla 1
        $c set clb [string repeat x 10000]
        assert_equal 3 [s total_watched_keys]
        $c close
        wait_for_condition 100 10 {[s total_watched_keys] == 0} else {
            fail "watches outlived their client"
        }
        assert_equal 0 [r exists cla]
        assert_equal 0 [r exists clb]
    }

    test "RESET discards the transaction and unwatches" {
        set c [new_client]
        $c set x 1
        $c watch x
        $c multi
        $c set x 2
        assert_equal RESET [$c reset]
        assert_equal 0 [s total_watched_keys]
        assert_equal 1 [r get x]
        assert_error "ERR EXEC without MULTI" {$c exec}
        $c close
    }

    test "QUIT inside MULTI closes the connection and drops the queue" {
        set c [new_client]
        $c multi
        $c set quitkey 1
        assert_equal OK [$c quit]
        $c close
        assert_equal 0 [r exists quitkey]
    }

    test "Blocking commands inside EXEC time out at once" {
        r del empty1 empty2
        r multi
        r blpop empty1 0
        r brpop empty1 0
        r brpoplpush empty1 empty2 0
        r blmove empty1 empty2 left left 0
        r blmpop 0 1 empty1 left
        assert_equal {{} {} {} {} {}} [r exec]
        r multi
        r blpop empty1 0
        assert_equal {*1} [exec_raw r]
        r read ;# the element: *-1
        r rpush full a
        r multi
        r blpop full 0
        assert_equal {{full a}} [r exec]
    }

    test "MONITOR shows MULTI, the queued commands as EXEC runs them, then EXEC" {
        set m [deferring_client]
        $m monitor
        assert_equal OK [$m read]
        r multi
        r set mon 1
        r get mon
        r exec
        assert_match {*"multi"*} [$m read]
        assert_match {*"set" "mon" "1"*} [$m read]
        assert_match {*"get" "mon"*} [$m read]
        assert_match {*"exec"*} [$m read]
        # an aborted transaction: MULTI then EXEC, nothing in between
        r multi
        catch {r nosuchcmd}
        catch {r exec}
        assert_match {*"multi"*} [$m read]
        assert_match {*"exec"*} [$m read]
        r ping
        assert_match {*"ping"*} [$m read]
        $m close
    }

    test "MONITOR is refused inside EXEC" {
        r multi
        r monitor
        set res [r exec]
        assert_match "*MONITOR isn't allowed*" [lindex $res 0]
        assert_equal PONG [r ping]
    }

    test "Keyspace notifications fire as each queued command runs" {
        r config set notify-keyspace-events KEA
        set ev [deferring_client]
        $ev psubscribe __keyevent@*
        $ev read
        r multi
        r set n1 v
        r del n1
        r exec
        assert_equal {pmessage __keyevent@* __keyevent@0__:set n1} [$ev read]
        assert_equal {pmessage __keyevent@* __keyevent@0__:del n1} [$ev read]
        $ev close
        r config set notify-keyspace-events ""
    }

    test "OOM: EXEC of reads runs, EXEC with a deny-oom command aborts, DISCARD works" {
        set r2 [new_client]
        r set x value
        r multi
        r get x
        r ping
        $r2 config set maxmemory 1
        assert_equal {value PONG} [r exec]
        $r2 config set maxmemory 0
        r multi
        r set x 1
        r get x
        $r2 config set maxmemory 1
        assert_error "EXECABORT Transaction discarded because of: OOM command not allowed*" {
            r exec
        }
        $r2 config set maxmemory 0
        assert_equal value [r get x]
        r multi
        r set x 2
        $r2 config set maxmemory 1
        assert_equal OK [r discard]
        $r2 config set maxmemory 0
        $r2 close
    }

    test "OOM while queueing: even a read is refused and the transaction aborts" {
        set r2 [new_client]
        r multi
        r set foo1 bar1
        $r2 config set maxmemory 1
        assert_error "OOM*" {r get foo1}
        $r2 config set maxmemory 0
        r set foo2 bar2
        assert_error "EXECABORT*" {r exec}
        assert_equal {0 0} [list [r exists foo1] [r exists foo2]]
        $r2 close
    }

    test "CLIENT PAUSE WRITE holds an EXEC with writes, not one with only reads" {
        set rd [deferring_client]
        $rd client id
        set rdid [$rd read]
        $rd multi
        $rd set paused 1
        set ro [new_client]
        $ro multi
        $ro get paused
        assert_equal OK [$rd read]
        assert_equal QUEUED [$rd read]
        r client pause 100000 write
        # the read-only transaction goes through
        assert_equal {{}} [$ro exec]
        $rd exec
        wait_for_condition 50 20 {[regexp {qbuf=[1-9]} [client_line $rdid]]} else {
            fail "EXEC never arrived"
        }
        assert_equal 0 [r exists paused]
        r client unpause
        assert_equal {OK} [$rd read]
        assert_equal 1 [r get paused]
        $rd close
        $ro close
    }

    test "COMMAND INFO of the transaction commands" {
        set info [r command info multi exec discard watch unwatch]
        foreach entry $info want {{multi 1} {exec 1} {discard 1} {watch -2} {unwatch 1}} {
            assert_equal $want [lrange $entry 0 1]
            assert_match "*@transaction*" [lindex $entry 6]
        }
        assert_match "*skip_slowlog*" [lindex $info 1 2]
        set watch [lindex $info 3]
        assert_equal {1 -1 1} [lrange $watch 3 5]
        set spec [lindex $watch 8 0]
        assert_equal {RO} [dict get $spec flags]
        assert_equal {type range spec {lastkey -1 keystep 1 limit 0}} [dict get $spec find_keys]
        assert_match "*no_multi*" [lindex [r command info save] 0 2]
    }

    test "SLOWLOG records the commands EXEC ran, not EXEC itself" {
        r config set slowlog-log-slower-than 0
        r slowlog reset
        r multi
        r set slow1 v
        r exec
        r config set slowlog-log-slower-than 10000
        set names {}
        foreach e [r slowlog get] { lappend names [lindex [lindex $e 3] 0] }
        assert {[lsearch $names set] >= 0}
        assert {[lsearch $names exec] < 0}
        assert {[lsearch $names multi] >= 0}
    }

    test "Queued arguments count in used_memory and multi-mem" {
        set c [new_client]
        set id [$c client id]
        $c multi
        for {set i 0} {$i < 20} {incr i} { $c set k$i [string repeat x 100000] }
        set mem [client_field [client_line $id] multi-mem]
        assert {$mem >= 2000000}
        assert {[s mem_clients_normal] >= 2000000}
        set during [s used_memory]
        $c discard
        assert {[client_field [client_line $id] multi-mem] < 1000}
        # what DISCARD gave back (the query buffer may have changed size meanwhile)
        assert {$during - [s used_memory] >= 1900000}
        $c close
    }

    test "A queue past client-query-buffer-limit closes the client" {
        r config set client-query-buffer-limit 1mb
        set before [s client_query_buffer_limit_disconnections]
        set c [new_client]
        $c multi
        set closed 0
        for {set i 0} {$i < 40} {incr i} {
            if {[catch {$c set big$i [string repeat x 100000]}]} { set closed 1; break }
        }
        assert_equal 1 $closed
        assert_equal [expr {$before + 1}] [s client_query_buffer_limit_disconnections]
        r config set client-query-buffer-limit 1gb
        assert_equal 0 [r exists big0]
        catch {$c close}
    }
}
