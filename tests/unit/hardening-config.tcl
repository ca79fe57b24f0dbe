# hardening-config.tcl - what a client could do through configuration and the log: inject
# lines into the config file, leave the server without a socket, place files through `dir`,
# forge log lines, stay locked out (or in) across password changes, and reach a server in
# protected mode from another host. Each test failed before its fix (issue 13).

proc conf_text {} {
    set f [open [srv config]]
    set t [read $f]
    close $f
    return $t
}

start_server {tags {"hardening"}} {
    test "CONFIG SET bind takes addresses only: no line can be injected into the file" {
        set evil "127.0.0.1 \"-x\nenable-debug-command yes\nrequirepass injected\""
        assert_error "*possibly related to argument 'bind') - Failed to bind to specified addresses.*" \
            [list r config set bind $evil]
        foreach bad {"127.0.0.1 localhost;" "- " "1.2.3.4.5" "fe80::1%eth0\nx" "::1%"} {
            assert_error "*Failed to bind to specified addresses.*" [list r config set bind $bad]
        }
        assert_equal {bind 127.0.0.1} [r config get bind]
        r config rewrite
        set t [conf_text]
        assert {![regexp -line {^requirepass} $t]} $t
        assert_equal 1 [regexp -all -line {^enable-debug-command} $t]
    }

    test "CONFIG REWRITE quotes every value: hostile strings round-trip" {
        set pw "p w\n\"q\" 'r' \\ \x01ZZEND"
        try {
            r config set requirepass $pw
            r auth $pw
            r config set dbfilename "a\nrequirepass x.rdb"
            r config rewrite
            set t [conf_text]
            assert {![regexp -line {^requirepass x} $t]} $t
            foreach line [split $t \n] {
                assert {![string match "*ZZEND*" $line] || [string match "requirepass *" $line]}
            }
        } finally {
            r config set requirepass ""
            r config set dbfilename dump.rdb
        }
    }

    test "A failed CONFIG SET of port and bind keeps the exact old listeners" {
        set port [srv port]
        set newport [get_free_port]
        catch {r config set port $newport bind 1.2.3.4} e
        assert_match "ERR CONFIG SET failed*" $e
        assert_equal [list port $port] [r config get port]
        assert_equal {bind 127.0.0.1} [r config get bind]
        set c [vl_client 127.0.0.1 $port]
        assert_equal PONG [$c ping]
        $c close
        assert_error "*connection refused*" {socket 127.0.0.1 $newport}
    }

    test "A successful rebind keeps an address that stays and drops the others" {
        set port [srv port]
        r config set bind "127.0.0.1 -::1"
        set c [vl_client 127.0.0.1 $port]
        assert_equal PONG [$c ping]
        r config set bind "127.0.0.1"
        assert_equal PONG [$c ping]
        $c close
    }

    test "DEBUG LOG text with newlines stays on one log line" {
        r debug log "first\n1 Jan 2026 00:00:00.000 # forged\rline"
        wait_for_log_messages "*DEBUG LOG: first\\\\x0a1 Jan 2026*forged\\\\x0dline*" 50 20
        assert_equal 0 [count_log_lines "1 Jan 2026*"]
    }

    test "The server never changes the process's working directory" {
        set cwd [file readlink /proc/[srv pid]/cwd]
        set dir [lindex [r config get dir] 1]
        set other [file join $::vl::cfg(tmpdir) "otherdir.[pid]"]
        file mkdir $other
        r config set dir $other
        assert_equal [list dir [file normalize $other]] [r config get dir]
        assert_equal $cwd [file readlink /proc/[srv pid]/cwd]
        assert_error "*Not a directory*" [list r config set dir [srv config]]
        r config set dir $dir
        file delete -force $other
    }

    test "Clearing requirepass lets clients connected before it in" {
        r config set requirepass s3cret
        set c [vl_client 127.0.0.1 [srv port]]
        assert_error "NOAUTH*" {$c ping}
        r auth s3cret
        r config set requirepass ""
        assert_equal PONG [$c ping]
        $c close
    }
}

start_server {tags {"hardening"} overrides {enable-protected-configs no}} {
    test "dir and dbfilename are protected configs by default" {
        foreach {name value} [list dir / dbfilename x.rdb] {
            assert_error "ERR CONFIG SET failed (possibly related to argument '$name') - can't set protected config" \
                [list r config set $name $value]
        }
        assert_equal {enable-protected-configs no} [r config get enable-protected-configs]
    }
}

start_server {tags {"hardening"} overrides {enable-protected-configs local}} {
    test "enable-protected-configs local lets a loopback client change dir" {
        set dir [lindex [r config get dir] 1]
        assert_equal OK [r config set dir /]
        r config set dir $dir
    }
}

start_server {tags {"hardening"} overrides {logfile server.log}} {
    test "A relative logfile is relative to dir, and stays where it was opened" {
        set log [file join [srv dir] server.log]
        wait_for_condition 50 20 {[file exists $log]} else { fail "no $log" }
        r debug log "marker-one"
        set other [file join $::vl::cfg(tmpdir) "logdir.[pid]"]
        file mkdir $other
        set dir [lindex [r config get dir] 1]
        r config set dir $other
        r debug log "marker-two"
        r config set dir $dir
        wait_for_condition 50 20 {[string match "*marker-one*" [vl_lines $log]]} else {
            fail "marker-one not in $log"
        }
        # Redis's meaning: the log follows dir, which only a protected-configs client may move
        assert {![file exists [file join $dir other.log]]}
        file delete -force $other
    }
}

start_server {tags {"hardening"} overrides {unixsocket vl.sock}} {
    test "A relative unixsocket lives in dir and survives a rebind" {
        set path [file join [srv dir] vl.sock]
        assert {[file exists $path]}
        file stat $path st
        set ino $st(ino)
        set other [file join $::vl::cfg(tmpdir) "sockdir.[pid]"]
        file mkdir $other
        set dir [lindex [r config get dir] 1]
        r config set dir $other
        r config set bind "127.0.0.1 -::1"
        r config set dir $dir
        assert {[file exists $path]}
        file stat $path st
        assert_equal $ino $st(ino)
        assert {![file exists [file join $other vl.sock]]}
        file delete -force $other
    }
}

# Protected mode needs a peer that is not on loopback: a network namespace of our own, with a
# private address on its lo, the server inside bound to every address.
proc netns_usable {} {
    if {[auto_execok ip] eq "" || [auto_execok redis-cli] eq ""} { return 0 }
    if {[catch {exec id -u} uid] || $uid != 0} { return 0 }
    return 1
}

tags {"hardening"} {
    test "Protected mode: no password means loopback only, whatever bind says" {
        if {![netns_usable]} {
            puts "    \[skip\]: needs root, ip and redis-cli for a network namespace"
            return
        }
        set ns "vlprot[pid]"
        if {[catch {exec ip netns add $ns} e]} {
            puts "    \[skip\]: cannot create a network namespace: $e"
            return
        }
        set pid 0
        try {
            exec ip -n $ns link set lo up
            exec ip -n $ns addr add 10.123.45.1/32 dev lo
            set port [get_free_port]
            set dir [file join $::vl::cfg(tmpdir) "netns.[pid]"]
            file mkdir $dir
            set pid [exec ip netns exec $ns $::vl::cfg(server) --port $port --bind * \
                --enable-debug-command local >$dir/stdout 2>@1 &]
            vl_master track $pid
            set cli [list ip netns exec $ns redis-cli -p $port]
            wait_for_condition 100 50 {![catch {exec {*}$cli -h 127.0.0.1 PING} r] &&
                $r eq "PONG"} else { fail "server in $ns did not answer" }
            set out [exec {*}$cli -h 10.123.45.1 PING 2>@1]
            assert_match "*DENIED Running in protected mode*" $out
            # a password lifts it, and DEBUG stays local-only
            exec {*}$cli -h 127.0.0.1 CONFIG SET requirepass pw
            assert_equal PONG [exec {*}$cli -h 10.123.45.1 -a pw --no-auth-warning PING]
            assert_match "*DEBUG command not allowed*" \
                [exec {*}$cli -h 10.123.45.1 -a pw --no-auth-warning DEBUG SLEEP 0 2>@1]
            assert_equal OK [exec {*}$cli -h 127.0.0.1 -a pw --no-auth-warning DEBUG SLEEP 0]
            # and with protected mode off, a password-less server answers everyone
            exec {*}$cli -h 127.0.0.1 -a pw --no-auth-warning CONFIG SET requirepass ""
            exec {*}$cli -h 127.0.0.1 CONFIG SET protected-mode no
            assert_equal PONG [exec {*}$cli -h 10.123.45.1 PING]
        } finally {
            if {$pid} { vl_kill $pid }
            catch {exec ip netns del $ns}
        }
    }
}

tags {"hardening"} {
    test "Rebinding between * and 127.0.0.1 on one port, and back after a failure" {
        if {![netns_usable]} {
            puts "    \[skip\]: needs root, ip and redis-cli for a network namespace"
            return
        }
        set ns "vlbind[pid]"
        if {[catch {exec ip netns add $ns} e]} {
            puts "    \[skip\]: cannot create a network namespace: $e"
            return
        }
        set pid 0
        try {
            exec ip -n $ns link set lo up
            set port [get_free_port]
            set dir [file join $::vl::cfg(tmpdir) "netnsbind.[pid]"]
            file mkdir $dir
            # "*" only ever binds inside the private namespace
            set pid [exec ip netns exec $ns $::vl::cfg(server) --port $port --bind * \
                >$dir/stdout 2>@1 &]
            vl_master track $pid
            set cli [list ip netns exec $ns redis-cli -h 127.0.0.1 -p $port]
            wait_for_condition 100 50 {![catch {exec {*}$cli PING} r] && $r eq "PONG"} else {
                fail "server in $ns did not answer"
            }
            # the wildcard holds the port: the specific address needs it closed first
            assert_equal OK [exec {*}$cli CONFIG SET bind 127.0.0.1]
            assert_equal PONG [exec {*}$cli PING]
            assert_equal OK [exec {*}$cli CONFIG SET bind *]
            assert_equal PONG [exec {*}$cli PING]
            # a set that cannot be had: the wildcard listener comes back
            assert_match "*Failed*" [exec {*}$cli CONFIG SET bind "127.0.0.1 10.9.9.9" 2>@1]
            assert_equal {bind *} [split [exec {*}$cli CONFIG GET bind] \n]
            assert_equal PONG [exec {*}$cli PING]
        } finally {
            if {$pid} { vl_kill $pid }
            catch {exec ip netns del $ns}
        }
    }
}
