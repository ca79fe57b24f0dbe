# config-compat.tcl - configuration files written for Redis 7 and Valkey 8 work here: Debian's
# installed redis.conf starts the server, every directive redis-server 7 knows is accepted by
# CONFIG GET/SET with redis's own values, directives without effect here are named once in the
# startup log, and what this server cannot do is refused in Redis's FATAL format.

proc cc_write {path text} {
    set f [open $path w]
    puts -nonewline $f $text
    close $f
}

# Runs the server on a config that must be refused; returns what it printed.
proc cc_refused {text} {
    set file [file join $::vl::cfg(tmpdir) "compat.[pid].[vl_master nextid].conf"]
    cc_write $file $text
    set rc [catch {exec timeout 10 $::vl::cfg(server) $file </dev/null 2>@1} out]
    file delete $file
    if {!$rc} { fail "server accepted: $text" }
    return $out
}

set debconf /etc/redis/redis.conf
test "Debian's installed redis.conf starts the server (daemonize no, our own dir)" {
    # deps/ installs redis-server, which installs this file: its absence is a broken setup
    assert {[file readable $debconf]} "$debconf missing: run deps/install"
    set dir [file join $::vl::cfg(tmpdir) "debconf.[pid].[vl_master nextid]"]
    file mkdir $dir
    set port [get_free_port]
    set pid [exec $::vl::cfg(server) $debconf --daemonize no --dir $dir --port $port \
                 --pidfile $dir/server.pid --logfile $dir/server.log \
                 >$dir/stdout 2>$dir/stderr </dev/null &]
    vl_master track $pid
    set s [dict create host 127.0.0.1 port $port pid $pid]
    set why [vl_wait_ready $s]
    if {$why ne ""} {
        vl_kill $pid
        fail "$why: [vl_tail $dir/stderr 10] [vl_tail $dir/server.log 10]"
    }
    set c [vl_client 127.0.0.1 $port]
    assert_equal OK [$c set k v]
    # the file's own settings hold
    assert_equal {maxmemory-policy noeviction} [$c config get maxmemory-policy]
    assert_equal {databases 16} [$c config get databases]
    $c close
    vl_kill $pid
    file delete -force $dir
}

# Valkey 8's tests/assets/default.conf, in our own words: a bare `save`, and directives for
# features this server does not have.
set conf [file join $::vl::cfg(tmpdir) "valkeyish.[pid].conf"]
cc_write $conf "save\nrepl-diskless-sync-delay 0\nno-appendfsync-on-rewrite no\nappendonly no
enable-module-command yes\npropagation-error-behavior panic\nshutdown-on-sigterm force
enable-debug-assert yes\nhide-user-data-from-log no\nslave-serve-stale-data yes
repl-backlog-size 4mb\n"
start_server [list config $conf] {
    test "A bare save means no save points; inert directives are stored" {
        assert_equal {save {}} [r config get save]
        assert_equal {repl-backlog-size 4194304} [r config get repl-backlog-size]
        assert_equal {propagation-error-behavior panic} [r config get propagation-error-behavior]
        # an alias answers under its own name, as in Redis 7
        assert_equal {slave-serve-stale-data yes} [r config get slave-serve-stale-data]
        assert_equal {replica-serve-stale-data yes} [r config get replica-serve-stale-data]
    }

    test "The startup log names, once, the directives that have no effect here" {
        wait_for_log_messages "*Ready to accept connections*" 50 20
        assert_equal 1 [count_log_lines "*with no effect in valkey-lite:*"]
        set line [lindex [lsearch -inline -all [vl_lines [srv stdout]] "*with no effect*"] 0]
        foreach d {repl-backlog-size propagation-error-behavior enable-module-command} {
            assert_match "*$d*" $line
        }
        # defaults are not named, nor directives that do have effect
        assert {![string match "*appendonly*" $line]}
        assert {![string match "*no-appendfsync-on-rewrite*" $line]}
    }

    test "Inert directives: CONFIG SET checks their values, REWRITE keeps them" {
        assert_equal OK [r config set repl-backlog-size 2mb]
        assert_equal {repl-backlog-size 2097152} [r config get repl-backlog-size]
        assert_error "*argument must be a memory value*" {r config set repl-backlog-size lots}
        assert_equal OK [r config set repl-diskless-load swapdb]
        assert_error "*must be one of the following*" {r config set repl-diskless-load maybe}
        assert_equal OK [r config set tls-protocols "TLSv1.2 TLSv1.3"]
        assert_equal OK [r config set oom-score-adj-values "0 -100 2000"]
        assert_equal {oom-score-adj-values {0 -100 2000}} [r config get oom-score-adj-values]
        assert_error "*elements must be between -2000 and 2000*" {r config set oom-score-adj-values "0 1 2001"}
        assert_error "*wrong number of arguments*" {r config set oom-score-adj-values "0 1"}
        r config set oom-score-adj-values "0 200 800"
        assert_equal OK [r config rewrite]
        set text [read [set f [open [srv config]]]][close $f]
        assert_match "*repl-backlog-size 2mb*" $text
        assert_match "*repl-diskless-load swapdb*" $text
    }
}
file delete $conf

test "What this server cannot do is refused, in Redis's format" {
    foreach {line reason} {
        "replicaof 127.0.0.1 6379" "*replication*"
        "slaveof 127.0.0.1 6379" "*replication*"
        "cluster-enabled yes" "*cluster*"
        "tls-port 6380" "*TLS*"
        "loadmodule /tmp/no-such-module.so" "*module*"
    } {
        set out [cc_refused "port 0\n$line\n"]
        assert_match "*FATAL CONFIG FILE ERROR*\nReading the configuration file, at line 2\n>>> '$line'\n*" $out
        assert_match $reason $out
    }
}

start_server {} {
    test "replicaof no one and cluster-enabled no are accepted" {
        assert_equal {cluster-enabled no} [r config get cluster-enabled]
        assert_error "*immutable*" {r config set cluster-enabled yes}
        assert_error "*TLS*" {r config set tls-port 6380}
    }

    test "Every directive redis-server 7 has, with redis's own values, is accepted here" {
        set bin [auto_execok redis-server]
        assert {$bin ne ""} "redis-server missing: run deps/install"
        set dir [file join $::vl::cfg(tmpdir) "peer.[pid].[vl_master nextid]"]
        file mkdir $dir
        set port [get_free_port]
        set pid [exec {*}$bin --port $port --bind 127.0.0.1 --save "" --dir $dir \
                     --daemonize no --enable-protected-configs yes \
                     >$dir/stdout 2>$dir/stderr </dev/null &]
        vl_master track $pid
        set why [vl_wait_ready [dict create host 127.0.0.1 port $port pid $pid]]
        if {$why ne ""} { vl_kill $pid; fail "redis-server: $why" }
        set peer [vl_client 127.0.0.1 $port]
        set theirs [$peer config get *]
        set missing {}
        set refused {}
        foreach {k v} $theirs {
            if {[r config get $k] eq {}} { lappend missing $k; continue }
            # only what redis itself takes at run time, and not our own listener
            if {$k in {port bind unixsocket dir logfile pidfile}} continue
            if {[catch {$peer config set $k $v}]} continue
            if {[catch {r config set $k $v} e]} { lappend refused "$k=$v: $e"; continue }
            if {[dict get [r config get $k] $k] ne $v} {
                lappend refused "$k=$v reads back [dict get [r config get $k] $k]"
            }
        }
        $peer close
        vl_kill $pid
        file delete -force $dir
        assert_equal {} $missing
        assert_equal {} $refused
        assert {[llength $theirs] > 300}
    }
}

test "save: built-in points; the first save line replaces them, later ones add, \"\" clears" {
    set dir [file join $::vl::cfg(tmpdir) "save.[pid].[vl_master nextid]"]
    file mkdir $dir
    foreach {text args expected} {
        "port PORT\n" {} {3600 1 300 100 60 10000}
        "port PORT\nsave 100 100\n" {} {100 100}
        "port PORT\nsave ''\nsave 900 1\n" {--save 100 100} {900 1 100 100}
        "port PORT\nsave 900 1\n" {--save ""} {}
    } {
        set port [get_free_port]
        cc_write $dir/s.conf [string map [list PORT $port] $text]
        set pid [exec $::vl::cfg(server) $dir/s.conf {*}$args >$dir/out 2>$dir/err </dev/null &]
        vl_master track $pid
        if {[set why [vl_wait_ready [dict create host 127.0.0.1 port $port pid $pid]]] ne ""} {
            vl_kill $pid
            fail "$why: [vl_tail $dir/out 5]"
        }
        set c [vl_client 127.0.0.1 $port]
        assert_equal [list save $expected] [$c config get save] "$text $args"
        $c close
        vl_kill $pid
    }
    file delete -force $dir
}

start_server {} {
    test "Hidden directives answer by exact name only, as Valkey's" {
        assert_equal {key-load-delay 0} [r config get key-load-delay]
        assert_equal {} [r config get key-load-*]
        assert_equal -1 [lsearch [dict keys [r config get *]] enable-debug-assert]
        assert_equal -1 [lsearch [dict keys [r config get *]] loadmodule]
        assert_equal OK [r config set rdb-key-save-delay 100]
        assert_equal {rdb-key-save-delay 100} [r config get rdb-key-save-delay]
    }

    test "Every directive CONFIG GET * lists takes its own value back, but the immutable ones" {
        set refused {}
        foreach {k v} [r config get *] {
            if {[catch {r config set $k $v} e]} {
                if {![string match "*immutable*" $e] && ![string match "*protected*" $e]} {
                    lappend refused "$k=$v: $e"
                }
                continue
            }
            if {[dict get [r config get $k] $k] ne $v} { lappend refused "$k reads back changed" }
        }
        assert_equal {} $refused
    }
}


start_server {} {
    test "DEBUG CONFIG-REWRITE-FORCE-ALL writes every directive; the file starts the same server" {
        r config set maxmemory-clients 10% latency-tracking-info-percentiles "50 99.9"
        set before [r config get *]
        assert_equal OK [r debug config-rewrite-force-all]
        set text [read [set f [open [srv config]]]][close $f]
        foreach d {hz maxmemory repl-backlog-size latency-tracking save appendonly} {
            assert_match "*\n$d *" $text
        }
        assert {![string match "*\nloadmodule*" $text]}
        # the same file, on another port and dir
        set dir [file join $::vl::cfg(tmpdir) "forceall.[pid].[vl_master nextid]"]
        file mkdir $dir
        set port [get_free_port]
        set pid [exec $::vl::cfg(server) [srv config] --port $port --dir $dir \
                     >$dir/out 2>$dir/err </dev/null &]
        vl_master track $pid
        if {[set why [vl_wait_ready [dict create host 127.0.0.1 port $port pid $pid]]] ne ""} {
            vl_kill $pid
            fail "$why: [vl_tail $dir/err 5] [vl_tail $dir/out 5]"
        }
        set c [vl_client 127.0.0.1 $port]
        set after [$c config get *]
        $c close
        vl_kill $pid
        file delete -force $dir
        foreach {k v} $before {
            if {$k in {port dir}} continue
            assert_equal $v [dict get $after $k] "$k after the rewrite"
        }
    }
}

test "With no config file, bind is Redis's * -::*, and protected mode keeps it local" {
    set dir [file join $::vl::cfg(tmpdir) "nobind.[pid].[vl_master nextid]"]
    file mkdir $dir
    set port [get_free_port]
    set pid [exec $::vl::cfg(server) --port $port --dir $dir --save "" >$dir/out 2>$dir/err </dev/null &]
    vl_master track $pid
    if {[set why [vl_wait_ready [dict create host 127.0.0.1 port $port pid $pid]]] ne ""} {
        vl_kill $pid
        fail "$why: [vl_tail $dir/err 5]"
    }
    set c [vl_client 127.0.0.1 $port]
    assert_equal {bind {* -::*}} [$c config get bind]
    assert_equal {protected-mode yes} [$c config get protected-mode]
    $c close
    vl_kill $pid
    file delete -force $dir
}

test "Command line: Redis 7's reading, and its errors quote each value" {
    foreach {args line why} {
        {--invalid} {'invalid'} {Bad directive or wrong number of arguments}
        {--port} {'port'} {wrong number of arguments}
        {--port 6379 6380} {'port "6379" "6380"'} {wrong number of arguments}
        {--port --loglevel verbose} {'port "--loglevel" "verbose"'} {wrong number of arguments}
        {--port --bla --loglevel verbose} {'port "--bla"'} {argument couldn't be parsed into an integer}
        {--logfile --my--log --loglevel --bla} {'loglevel "--bla"'} {argument(s) must be one of the following*}
        {--shutdown-on-sigint} {'shutdown-on-sigint'} {argument(s) must be one of the following*}
        {--replicaof 127.0.0.1 abc} {'replicaof "127.0.0.1" "abc"'} {Invalid primary port}
        {--replicaof 127.0.0.1 6379} {'replicaof "127.0.0.1" "6379"'} {replication is not supported*}
    } {
        catch {exec timeout 10 $::vl::cfg(server) {*}$args </dev/null 2>@1} out
        assert_match "*>>> $line\n$why*" $out
    }
}

test "Command line: name and value in one argument, values starting with --, bare save" {
    set dir [file join $::vl::cfg(tmpdir) "cmdline.[pid].[vl_master nextid]"]
    file mkdir $dir
    foreach {args checks} {
        {"--maxmemory 700mb" "--maxmemory-policy volatile-lru"}
            {maxmemory 734003200 maxmemory-policy volatile-lru}
        {loglevel verbose "--maxmemory '700mb'"} {loglevel verbose maxmemory 734003200}
        {--proc-title-template --my--title --loglevel verbose}
            {proc-title-template --my--title loglevel verbose}
        {--save --loglevel verbose} {save {} loglevel verbose}
        {--loglevel verbose --save} {save {} loglevel verbose}
        {--shutdown-on-sigint "now force nosave"} {shutdown-on-sigint {nosave now force}}
    } {
        set port [get_free_port]
        cc_write $dir/empty.conf "# nothing\n"
        set pid [exec $::vl::cfg(server) $dir/empty.conf {*}$args --port $port --dir $dir \
                     >$dir/out 2>$dir/err </dev/null &]
        vl_master track $pid
        if {[set why [vl_wait_ready [dict create host 127.0.0.1 port $port pid $pid]]] ne ""} {
            vl_kill $pid
            fail "$args: $why: [vl_tail $dir/err 5]"
        }
        set c [vl_client 127.0.0.1 $port]
        foreach {k v} $checks { assert_equal [list $k $v] [$c config get $k] "$args" }
        $c close
        vl_kill $pid
    }
    file delete -force $dir
}

test "rename-command: a new name, or none; errors at load; CONFIG REWRITE keeps the line" {
    set out [cc_refused "rename-command nosuchcmd x\n"]
    assert_match "*>>> 'rename-command nosuchcmd x'\nNo such command in rename-command*" $out
    set out [cc_refused "rename-command get set\n"]
    assert_match "*Target command name already exists*" $out
    set conf [file join $::vl::cfg(tmpdir) "rename.[pid].conf"]
    cc_write $conf "rename-command flushdb badger\nrename-command keys \"\"\n"
    start_server [list config $conf] {
        assert_error "ERR unknown command 'flushdb'*" {r flushdb}
        assert_error "ERR unknown command 'keys'*" {r keys *}
        r set k v
        assert_equal OK [r badger]
        assert_equal 0 [r dbsize]
        r config rewrite
        set text [read [set f [open [srv config]]]][close $f]
        assert_match "*rename-command flushdb badger*" $text
    }
    file delete $conf
}
