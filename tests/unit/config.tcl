# config.tcl - the configuration table seen from outside: config file syntax and errors,
# CONFIG GET globs and aliases, CONFIG SET types, atomicity and rollback, immutable and unknown
# directives, CONFIG REWRITE round trip, and the reference valkey-lite.conf listing every
# directive.

# Runs the server binary on a config that must be refused; returns what it printed.
proc config_error_of {text} {
    set file [file join $::vl::cfg(tmpdir) "badconf.[pid].[vl_master nextid].conf"]
    set f [open $file w]
    puts -nonewline $f $text
    close $f
    # `timeout`: a server that wrongly accepted the file would otherwise run forever
    set rc [catch {exec timeout 10 $::vl::cfg(server) $file </dev/null 2>@1} out]
    file delete $file
    if {!$rc} { fail "server accepted a bad config: $text" }
    return [list [file tail $file] $out]
}

proc write_file {path text} {
    set f [open $path w]
    puts -nonewline $f $text
    close $f
}

proc read_file {path} {
    set f [open $path]
    set t [read $f]
    close $f
    return $t
}

test "config file errors: Redis's format, with the line, what it says, and the reason" {
    lassign [config_error_of "# a comment\n\nhz 1000\n"] name out
    assert_match "*FATAL CONFIG FILE ERROR (Version *) ***\nReading the configuration file, at line 3\n>>> 'hz 1000'\nargument must be between 1 and 500 inclusive*" $out
    lassign [config_error_of "port 7000\nno-such-directive 1\n"] name out
    assert_match "*at line 2\n>>> 'no-such-directive 1'\nBad directive or wrong number of arguments*" $out
    lassign [config_error_of "activerehashing maybe\n"] name out
    assert_match "*at line 1\n>>> 'activerehashing maybe'\nargument must be 'yes' or 'no'*" $out
    lassign [config_error_of "hz\n"] name out
    assert_match "*at line 1\n>>> 'hz'\nwrong number of arguments*" $out
    lassign [config_error_of "maxmemory 12zb\n"] name out
    assert_match "*at line 1\n*argument must be a memory value*" $out
    lassign [config_error_of "loglevel loud\n"] name out
    assert_match "*at line 1\n*argument(s) must be one of the following: debug, verbose, notice, warning*" $out
    lassign [config_error_of "requirepass \"unbalanced\n"] name out
    assert_match "*at line 1\n*Unbalanced quotes*" $out
    lassign [config_error_of "appendonly yes\n"] name out
    assert_match "*at line 1\n*appendonly yes is not supported*" $out
    lassign [config_error_of "include /no/such/file.conf\n"] name out
    assert_match "*at line 1\n*can't open include file '/no/such/file.conf'*" $out
    # control bytes in the echoed line are escaped, long lines cut
    lassign [config_error_of "bad\x01directive [string repeat x 400]\n"] name out
    assert_match "*>>> 'bad\\\\x01directive xxx*...'\n*" $out
    assert {[string length $out] < 600}
}

set incdir [file join $::vl::cfg(tmpdir) "include.[pid].[vl_master nextid]"]
file mkdir $incdir
write_file $incdir/inner.conf "hz 42\nmaxmemory-policy allkeys-lru\n"
write_file $incdir/outer.conf "# outer\ninclude $incdir/inner.conf\nHZ 43\nMaxMemory 2mb\n"

start_server [list config $incdir/outer.conf overrides {list-max-ziplist-size 7 save "900 1 300 10"}] {
    test "config file: include, case-insensitive names, last one wins, aliases" {
        assert_equal {hz 43} [r config get hz]
        assert_equal {maxmemory-policy allkeys-lru} [r config get maxmemory-policy]
        assert_equal {maxmemory 2097152} [r config get maxmemory]
        assert_equal {list-max-listpack-size 7} [r config get list-max-listpack-size]
        assert_equal {save {900 1 300 10}} [r config get save]
    }
}
file delete -force $incdir

start_server {} {
    test "CONFIG GET exact names, globs, several patterns, no match" {
        assert_equal {hz 10} [r config get hz]
        assert_equal {hz 10} [r config get HZ]
        assert_equal {} [r config get no-such-thing]
        set d [r config get maxmemory*]
        assert_equal {0} [dict get $d maxmemory]
        assert_equal noeviction [dict get $d maxmemory-policy]
        assert_equal 5 [dict get $d maxmemory-samples]
        assert_equal 5 [dict size $d] ;# with maxmemory-clients and -eviction-tenacity
        set d [r config get port timeout databases]
        assert_equal {port timeout databases} [dict keys $d]
        assert_equal 16 [dict get $d databases]
        assert_equal 0 [dict get $d timeout]
        # a directive matched by several patterns is answered once
        set d [r config get hz h? *hz*]
        assert_equal 2 [dict size $d]
        assert_equal {hz dynamic-hz} [lsort -decreasing [dict keys $d]]
        assert_error "*wrong number of arguments*" {r config get}
    }

    test "CONFIG GET defaults of the Redis-style directives" {
        set d [r config get *]
        assert_equal 127.0.0.1 [dict get $d bind]
        assert_equal 536870912 [dict get $d proto-max-bulk-len]
        assert_equal 1073741824 [dict get $d client-query-buffer-limit]
        assert_equal {normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60} \
            [dict get $d client-output-buffer-limit]
        assert_equal -2 [dict get $d list-max-listpack-size]
        assert_equal 104857600 [dict get $d active-defrag-ignore-bytes]
        assert_equal {} [dict get $d requirepass]
        assert_equal {} [dict get $d notify-keyspace-events]
        assert_equal no [dict get $d appendonly]
        assert_equal dump.rdb [dict get $d dbfilename]
        assert_equal everysec [dict get $d appendfsync]
        assert_equal yes [dict get $d replica-read-only]
        assert_equal no [dict get $d cluster-enabled]
        assert_equal 5000 [dict get $d busy-reply-threshold]
        assert_equal 1 [dict get $d io-threads]
        # as Redis 7: each name once, old spellings listed under their own names too
        foreach alias {list-max-ziplist-size hash-max-ziplist-entries slave-read-only lua-time-limit} {
            assert {[dict exists $d $alias]} "$alias not listed by CONFIG GET *"
        }
        assert_equal [llength [lsort -unique [dict keys $d]]] [dict size $d]
    }

    test "CONFIG GET replies a map in RESP3, a flat array in RESP2" {
        set c [new_client]
        $c readraw 1
        assert_equal {*2} [$c config get hz]
        assert_equal [list \$2 hz \$2 10] [list [$c read] [$c read] [$c read] [$c read]]
        $c readraw 0
        $c hello 3
        $c readraw 1
        assert_equal {%1} [$c config get hz]
        assert_equal [list \$2 hz \$2 10] [list [$c read] [$c read] [$c read] [$c read]]
        $c close
    }

    test "aliases: set and get through the old names" {
        assert_equal OK [r config set list-max-ziplist-size 9]
        assert_equal {list-max-listpack-size 9} [r config get list-max-listpack-size]
        assert_equal {list-max-ziplist-size 9} [r config get list-max-ziplist-size]
        r config set hash-max-ziplist-entries 77
        assert_equal {hash-max-listpack-entries 77} [r config get hash-max-listpack-entries]
        r config set slave-read-only no
        assert_equal {replica-read-only no} [r config get replica-read-only]
        assert_equal {slave-read-only no} [r config get slave-read-only]
        r config set lua-time-limit 1234
        assert_equal {busy-reply-threshold 1234} [r config get busy-reply-threshold]
        # a name or glob that matches an alias answers under the alias, as Redis 7's does
        assert_equal {zset-max-ziplist-entries 128} [r config get zset-max-zip*-entries]
        r config set list-max-listpack-size -2
        r config set hash-max-listpack-entries 128
        r config set replica-read-only yes
        r config set busy-reply-threshold 5000
    }

    test "CONFIG SET: bool, integer, enum, string values and their errors" {
        r config set activerehashing no
        assert_equal {activerehashing no} [r config get activerehashing]
        r config set activerehashing YES
        assert_equal {activerehashing yes} [r config get activerehashing]
        assert_error "ERR CONFIG SET failed (possibly related to argument 'activerehashing') - argument must be 'yes' or 'no'" \
            {r config set activerehashing maybe}

        r config set hz 100
        assert_equal {hz 100} [r config get hz]
        assert_error "ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 1 and 500 inclusive" \
            {r config set hz 501}
        assert_error "*argument must be between 1 and 500 inclusive" {r config set hz 0}
        assert_error "*argument couldn't be parsed into an integer" {r config set hz ten}
        assert_error "*argument couldn't be parsed into an integer" {r config set hz 1.5}
        r config set hz 10
        r config set slowlog-log-slower-than -1
        assert_equal {slowlog-log-slower-than -1} [r config get slowlog-log-slower-than]
        r config set slowlog-log-slower-than 10000
        # below -5 is read as -5 (64 KB chunks), as in Redis
        assert_equal OK [r config set list-max-listpack-size -6]
        r del lp6
        r rpush lp6 [string repeat x 60000]
        assert_encoding listpack lp6
        r rpush lp6 [string repeat x 5536]
        assert_encoding quicklist lp6
        r del lp6
        r config set list-max-listpack-size -2
        assert_error "*between 1 and 500*" {r config set hz -6}

        foreach p {allkeys-lru allkeys-random volatile-lru volatile-ttl volatile-random allkeys-lfu volatile-lfu noeviction} {
            r config set maxmemory-policy $p
            assert_equal [list maxmemory-policy $p] [r config get maxmemory-policy]
        }
        r config set maxmemory-policy ALLKEYS-LRU
        assert_equal {maxmemory-policy allkeys-lru} [r config get maxmemory-policy]
        assert_error "*argument(s) must be one of the following: noeviction, allkeys-lru*" \
            {r config set maxmemory-policy lru-ish}
        r config set maxmemory-policy noeviction
        foreach l {debug verbose warning notice} {
            r config set loglevel $l
            assert_equal [list loglevel $l] [r config get loglevel]
        }

        r config set dbfilename other.rdb
        assert_equal {dbfilename other.rdb} [r config get dbfilename]
        assert_error "*dbfilename can't be a path*" {r config set dbfilename a/b.rdb}
        r config set dbfilename dump.rdb
        r config set save "3600 1 300 100 60 10000"
        assert_equal {save {3600 1 300 100 60 10000}} [r config get save]
        assert_error "*Invalid save parameters*" {r config set save "3600"}
        r config set save ""
        assert_equal {save {}} [r config get save]
        assert_error "*appendonly yes is not supported*" {r config set appendonly yes}
        assert_equal OK [r config set appendonly no]
        r config set notify-keyspace-events ""
        assert_equal {notify-keyspace-events {}} [r config get notify-keyspace-events]
    }

    test "CONFIG SET: memory units, CONFIG GET answers in bytes" {
        foreach {in out} {10mb 10485760 1k 1000 1kb 1024 2m 2000000 1gb 1073741824 1G 1000000000 12345 12345 0 0} {
            r config set maxmemory $in
            assert_equal [list maxmemory $out] [r config get maxmemory]
        }
        assert_error "*argument must be a memory value" {r config set maxmemory 10xb}
        assert_error "*argument must be a memory value" {r config set maxmemory -1mb}
        assert_error "*argument must be between 1048576 and*" {r config set proto-max-bulk-len 1000}
        r config set active-defrag-ignore-bytes 2mb
        assert_equal {active-defrag-ignore-bytes 2097152} [r config get active-defrag-ignore-bytes]
        r config set active-defrag-ignore-bytes 100mb
    }

    test "CONFIG SET client-output-buffer-limit updates only the classes named" {
        r config set client-output-buffer-limit "pubsub 1mb 512kb 30"
        assert_equal {normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 30} \
            [lindex [r config get client-output-buffer-limit] 1]
        r config set client-output-buffer-limit "normal 100 50 5 replica 1mb 1mb 0"
        assert_equal {normal 100 50 5 slave 1048576 1048576 0 pubsub 1048576 524288 30} \
            [lindex [r config get client-output-buffer-limit] 1]
        assert_error "*Invalid client class*" {r config set client-output-buffer-limit "master 1 1 1"}
        assert_error "*Wrong number of arguments in buffer limit*" \
            {r config set client-output-buffer-limit "normal 1 1"}
        assert_error "*Error in hard, soft or soft_seconds*" \
            {r config set client-output-buffer-limit "normal 1 x 1"}
        r config set client-output-buffer-limit "normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60"
        assert_equal {normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60} \
            [lindex [r config get client-output-buffer-limit] 1]
    }

    test "CONFIG SET of several pairs is atomic: a bad value restores the others" {
        assert_equal OK [r config set hz 20 maxmemory-samples 7 lazyfree-lazy-eviction yes]
        assert_equal {hz 20 maxmemory-samples 7 lazyfree-lazy-eviction yes} \
            [r config get hz maxmemory-samples lazyfree-lazy-eviction]
        assert_error "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - *" \
            {r config set hz 30 maxmemory 1mb maxmemory-policy nope maxmemory-samples 9}
        assert_equal {hz 20 maxmemory 0 maxmemory-policy noeviction maxmemory-samples 7} \
            [r config get hz maxmemory maxmemory-policy maxmemory-samples]
        # the failing pair first: nothing was set at all
        assert_error "*'timeout'*" {r config set timeout -1 hz 40}
        assert_equal {hz 20} [r config get hz]
        r config set hz 10 maxmemory-samples 5 lazyfree-lazy-eviction no
    }

    test "CONFIG SET: duplicate, unknown, immutable, arity" {
        assert_error "ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter" \
            {r config set hz 11 hz 12}
        assert_error "*possibly related to argument 'hash-max-listpack-entries') - duplicate parameter" \
            {r config set hash-max-ziplist-entries 10 hash-max-listpack-entries 20}
        assert_equal {hz 10} [r config get hz]
        assert_error "ERR Unknown option or number of arguments for CONFIG SET - 'no-such-option'" \
            {r config set no-such-option 1}
        assert_error "ERR Unknown option or number of arguments for CONFIG SET - 'nope'" \
            {r config set hz 11 nope 1}
        assert_equal {hz 10} [r config get hz]
        assert_error "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config" \
            {r config set databases 4}
        foreach d {daemonize unixsocket tcp-backlog io-threads cluster-enabled enable-debug-command logfile pidfile} {
            assert_error "*possibly related to argument '$d') - can't set immutable config" \
                [list r config set $d [lindex [r config get $d] 1]]
        }
        assert_error "*wrong number of arguments*" {r config set hz}
        assert_error "*wrong number of arguments*" {r config set hz 10 port}
    }

    test "CONFIG SET dir changes the working directory; a bad dir is refused" {
        set dir [lindex [r config get dir] 1]
        assert_equal [file normalize [srv dir]] [file normalize $dir]
        assert_error "*possibly related to argument 'dir')*" {r config set dir /no/such/dir/here}
        assert_equal [list dir $dir] [r config get dir]
        r config set dir /
        assert_equal {dir /} [r config get dir]
        r config set dir $dir
        assert_equal [list dir $dir] [r config get dir]
    }

    test "CONFIG SET port rollback: a port in use leaves the old listener working" {
        set busy [get_free_port]
        set sock [socket -server {apply {{c a p} {close $c}}} -myaddr 127.0.0.1 $busy]
        set before [r config get port hz]
        catch {r config set hz 15 port $busy} e
        close $sock
        assert_equal "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs." $e
        assert_equal $before [r config get port hz]
        set c [new_client]
        assert_equal PONG [$c ping]
        $c close
    }

    test "CONFIG REWRITE keeps the file's lines and writes changed values" {
        set conf [srv config]
        set orig [read_file $conf]
        write_file $conf "# my comment\n$orig\nhz 10\nhz 12\n"
        r config set hz 33 maxmemory 5mb maxmemory-policy allkeys-lru
        r config set client-output-buffer-limit "pubsub 1mb 1mb 0" save "900 1"
        assert_equal OK [r config rewrite]
        set text [read_file $conf]
        set lines [split $text \n]
        assert_equal "# my comment" [lindex $lines 0]
        assert {[lsearch -exact $lines "hz 33"] >= 0} "hz line: $text"
        assert_equal 1 [llength [lsearch -all -regexp $lines {^hz }]]
        assert {[lsearch -exact $lines "maxmemory 5mb"] >= 0} $text
        assert {[lsearch -exact $lines "maxmemory-policy allkeys-lru"] >= 0} $text
        assert {[lsearch -exact $lines "save 900 1"] >= 0} $text
        assert {[lsearch -exact $lines "port [srv port]"] >= 0} $text
        assert {[lsearch -exact $lines "# Generated by CONFIG REWRITE"] >= 0} $text
        # directives still at their default and absent before are not added
        assert_equal {} [lsearch -all -regexp $lines {^(timeout|databases|tcp-keepalive) }]
        # a second rewrite with nothing changed is a fixed point
        r config rewrite
        assert_equal $text [read_file $conf]
        # and a server started from the rewritten file has the same values
        set copy [file join [srv dir] rewritten.conf]
        write_file $copy $text
        # (the harness appends its own `save ""` to any config it is given)
        start_server [list config $copy] {
            assert_equal {hz 33 maxmemory 5242880 maxmemory-policy allkeys-lru} \
                [r config get hz maxmemory maxmemory-policy]
            assert_equal {normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 1048576 0} \
                [lindex [r config get client-output-buffer-limit] 1]
        }
        r config set hz 10 maxmemory 0 maxmemory-policy noeviction
    }
}

test "valkey-lite.conf lists every directive CONFIG GET * knows" {
    set conf [read_file [file join $::vl::cfg(root) valkey-lite.conf]]
    start_server {} {
        set names [dict keys [r config get *]]
    }
    assert {[llength $names] >= 70} "only [llength $names] directives"
    set missing {}
    foreach n $names {
        # Redis's old spellings (slave-*, *-ziplist-*, master*, lua-time-limit, x_cpulist)
        set old 0
        foreach g {*slave* *ziplist* *master* lua-time-limit *_cpulist} {
            if {[string match $g $n]} { set old 1 }
        }
        if {$old} continue
        if {$n eq "loadmodule"} continue
        if {![regexp -line "^#? ?${n}(\\s|$)" $conf]} { lappend missing $n }
    }
    assert_equal {} $missing "directives missing from valkey-lite.conf"
}

test "valkey-lite.conf loads as is" {
    # it binds 6379: check the text through a server on a free port instead
    set text [read_file [file join $::vl::cfg(root) valkey-lite.conf]]
    set copy [file join $::vl::cfg(tmpdir) "refconf.[pid].[vl_master nextid].conf"]
    write_file $copy $text
    start_server [list config $copy] {
        assert_equal {hz 10} [r config get hz]
    }
    file delete $copy
}
