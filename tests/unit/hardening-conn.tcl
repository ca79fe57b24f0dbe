# hardening-conn.tcl - clients that misbehave on the connection: they stop reading, pile up
# output without a password, idle past `timeout`, watch MONITOR without reading, announce
# huge bulks, send millions of empty arguments, or arrive when descriptors run out. Each test
# failed before its fix (issue 13); CPU figures are windows of /proc accounting, not timing.

proc max_qbuf {} {
    set max 0
    foreach {- q} [regexp -all -inline {qbuf=(\d+)} [r client list]] {
        if {$q > $max} { set max $q }
    }
    return $max
}

start_server {tags {"hardening"}} {
    test "tcp-backlog is the listen backlog (libevent's 128 replaced it)" {
        if {[auto_execok ss] eq ""} {
            puts "    \[skip\]: no ss"
        } else {
            set line [exec ss -ltnH "sport = :[srv port]"]
            assert_equal 511 [lindex $line 2]
        }
    }

    test "A closing client that never reads does not spin the server" {
        set elem [string repeat x 100]
        for {set i 0} {$i < 20} {incr i} { r rpush big {*}[lrepeat 1000 $elem] }
        set fd [raw_socket]
        puts -nonewline $fd "LRANGE big 0 -1\r\nLRANGE big 0 -1\r\nQUIT\r\n"
        wait_for_condition 50 20 {[string match "*flags=c*" [r client list]]} else {
            fail "QUIT was not read"
        }
        # more input after QUIT keeps the socket readable; the server must not poll it
        puts -nonewline $fd "PING\r\n"
        set cpu [proc_cpu_over [srv pid] 1000]
        assert {$cpu < 0.3} "server used $cpu s of CPU in 1 s beside a closing client"
        close $fd
    }

    test "A client that never reads is cut at the output limit of its class" {
        r config set client-output-buffer-limit "normal 1mb 0 0"
        set fd [raw_socket]
        for {set i 0} {$i < 10} {incr i} { puts -nonewline $fd "LRANGE big 0 -1\r\n" }
        wait_for_condition 100 20 {[raw_closed $fd]} else { fail "not closed at 1 MB" }
        close $fd
        r config set client-output-buffer-limit "normal 0 0 0"
    }

    test "timeout closes every idle client, not only the newest" {
        r config set timeout 1
        set idle {}
        for {set i 0} {$i < 10} {incr i} { lappend idle [raw_socket] }
        set active {}
        for {set i 0} {$i < 5} {incr i} { lappend active [new_client] }
        set closed 0
        for {set t 0} {$t < 60 && $closed < 10} {incr t} {
            foreach c $active { $c ping }
            r ping ;# the test's own client is active too
            after 100
            set closed 0
            foreach fd $idle { incr closed [raw_closed $fd] }
        }
        foreach fd $idle { close $fd }
        r config set timeout 0
        assert_equal 10 $closed
        foreach c $active { assert_equal PONG [$c ping] }
    }

    test "A MONITOR that never reads is cut at its output limit" {
        r config set client-output-buffer-limit "normal 1mb 0 0"
        set fd [raw_socket]
        puts -nonewline $fd "MONITOR\r\n"
        wait_for_condition 50 20 {[string match "*cmd=monitor*" [r client list]]} else {
            fail "no monitor"
        }
        set w [new_client 0 1]
        set v [string repeat v 200]
        # (reading the monitor's socket to look for EOF would be reading it: ask the server)
        for {set i 0} {$i < 20 && [string match "*cmd=monitor*" [r client list]]} {incr i} {
            for {set j 0} {$j < 1000} {incr j} { $w set k$j $v }
            for {set j 0} {$j < 1000} {incr j} { $w read }
        }
        wait_for_condition 50 20 {![string match "*cmd=monitor*" [r client list]]} else {
            fail "a never-reading monitor is still connected"
        }
        close $fd
        r config set client-output-buffer-limit "normal 0 0 0"
    }

    test "A huge bulk header reserves nothing until its bytes arrive" {
        set before [s used_memory]
        set fd [raw_socket]
        puts -nonewline $fd "*3\r\n\$3\r\nSET\r\n\$1\r\nx\r\n\$536870000\r\n[string repeat b 1000]"
        wait_for_condition 50 20 {[max_qbuf] > 1000} else { fail "the header was not read" }
        # room is made when the next bytes of the bulk come
        puts -nonewline $fd [string repeat b 1000]
        wait_for_condition 50 20 {[max_qbuf] > 2000} else { fail "the next bytes were not read" }
        set grown [expr {[s used_memory] - $before}]
        assert {$grown < 1000000} "used_memory grew by $grown bytes for 2 KB of a bulk"
        close $fd
    }

    test "Argument bookkeeping counts toward client-query-buffer-limit" {
        r config set client-query-buffer-limit 1mb
        try {
            set before [s client_query_buffer_limit_disconnections]
            set fd [raw_socket]
            # 600 KB on the wire, but 100,001 arguments of bookkeeping (32 bytes each)
            # the server may close us before all of it is written: that is the point
            catch {puts -nonewline $fd "*100001\r\n\$3\r\nDEL\r\n[string repeat "\$0\r\n\r\n" 100000]"}
            wait_for_condition 100 20 {[raw_closed $fd]} else { fail "not closed" }
            close $fd
            assert_equal [expr {$before + 1}] [s client_query_buffer_limit_disconnections]
        } finally {
            r config set client-query-buffer-limit 1gb
        }
        assert_equal PONG [r ping]
    }

    test "One reply cannot outgrow maxmemory, whatever the class limit" {
        r config set maxmemory 30mb
        try {
            r sadd rs a b c
            set fd [raw_socket]
            puts -nonewline $fd "SRANDMEMBER rs -200000000\r\n"
            wait_for_log_messages "*closed ASAP for overcoming of the output ceiling*" 200 50
            close $fd
            assert_equal PONG [r ping]
            assert {[s used_memory] < 30000000}
        } finally {
            r config set maxmemory 0
        }
    }
}

start_server {tags {"hardening"} overrides {requirepass s3cret}} {
    r auth s3cret
    test "An unauthenticated client cannot pile up output" {
        set fd [raw_socket]
        catch {puts -nonewline $fd [string repeat "PING\r\n" 1000000]}
        wait_for_condition 100 50 {[raw_closed $fd]} else { fail "not closed" }
        close $fd
        foreach line [split [r client list] \n] {
            if {[regexp {omem=(\d+)} $line -> omem]} { assert {$omem < 1000000} $line }
        }
    }

    test "An authenticated client that pipelines is not cut" {
        set c [new_client 0 1]
        $c auth s3cret
        for {set i 0} {$i < 5000} {incr i} { $c ping }
        for {set i 0} {$i < 5001} {incr i} { $c read }
        $c close
        assert_equal PONG [r ping]
    }

    test "An unauthenticated client with a protocol error does not spin the server" {
        # blocking, so every byte is sent before we measure (the server reads while it
        # answers NOAUTH, so the write cannot stall)
        set before [s connected_clients]
        set fd [socket [srv host] [srv port]]
        fconfigure $fd -translation binary
        catch {puts -nonewline $fd "[string repeat "PING\r\n" 300000]*abc\r\n"; flush $fd}
        # either the error is reached (flags=c: closing after its reply) or the output cap of
        # unauthenticated clients closed it first
        wait_for_condition 500 20 {[string match "*flags=c*" [r client list]] ||
            [s connected_clients] == $before} else { fail "the protocol error was not reached" }
        # bytes after the error keep the socket readable once the server stops reading
        catch {puts -nonewline $fd [string repeat "PING\r\n" 1000]; flush $fd}
        set cpu [proc_cpu_over [srv pid] 1000]
        assert {$cpu < 0.3} "server used $cpu s of CPU in 1 s"
        close $fd
    }
}

# A server started by hand under a shell's limit (the harness's start_server cannot).
proc spawn_limited {limit args} {
    set port [get_free_port]
    set dir [file join $::vl::cfg(tmpdir) "limited.[pid].[vl_master nextid]"]
    file mkdir $dir
    set pid [exec sh -c "ulimit $limit && exec \"\$0\" \"\$@\"" $::vl::cfg(server) \
        --port $port --bind 127.0.0.1 {*}$args >$dir/stdout 2>$dir/stderr &]
    vl_master track $pid
    for {set i 0} {$i < 100} {incr i} {
        if {![catch {set c [vl_client 127.0.0.1 $port]}]} {
            if {![catch {$c ping} r] && $r eq "PONG"} { return [list $pid $port $c $dir] }
            $c close
        }
        after 50
    }
    vl_kill $pid
    error "limited server did not start: [vl_tail $dir/stdout 5]"
}

tags {"hardening"} {
    test "Out of descriptors: maxclients fitted, every client answered, no spin" {
        lassign [spawn_limited "-n 64"] pid port c dir
        try {
            assert_equal {maxclients 32} [$c config get maxclients]
            set log [vl_lines $dir/stdout]
            assert_match "*maxclients has been reduced to 32*" $log
            assert_error "*not able to handle the specified number of clients*" \
                {$c config set maxclients 100000}
            assert_equal {maxclients 32} [$c config get maxclients]
            set socks {}
            for {set i 0} {$i < 80} {incr i} {
                if {![catch {socket 127.0.0.1 $port} fd]} {
                    fconfigure $fd -translation binary -blocking 0 -buffering none
                    catch {puts -nonewline $fd "PING\r\n"}
                    lappend socks $fd
                }
            }
            set cpu [proc_cpu_over $pid 1000]
            assert {$cpu < 0.3} "server used $cpu s of CPU in 1 s"
            set answered 0
            foreach fd $socks {
                set got ""
                for {set t 0} {$t < 100 && $got eq ""} {incr t} {
                    catch {append got [read $fd]}
                    if {$got eq "" && [eof $fd]} break
                    if {$got eq ""} { after 10 }
                }
                if {[string match "+PONG*" $got] ||
                    [string match "-ERR max number of clients reached*" $got]} {
                    incr answered
                }
                close $fd
            }
            assert_equal [llength $socks] $answered
            assert {[file size $dir/stdout] < 100000}
        } finally {
            $c close
            vl_kill $pid
        }
    }

    test "A client whose buffer cannot be had is closed, the server lives" {
        if {[vl_asan_build]} {
            puts "    \[skip\]: an AddressSanitizer build cannot run under ulimit -v"
            return
        }
        lassign [spawn_limited "-v 1000000" --client-query-buffer-limit 4gb \
            --proto-max-bulk-len 4gb] pid port c dir
        try {
            set fd [socket 127.0.0.1 $port]
            fconfigure $fd -translation binary -buffering none
            set chunk [string repeat x 1048576]
            set sent 0
            if {[catch {
                puts -nonewline $fd "*3\r\n\$3\r\nSET\r\n\$1\r\nx\r\n\$3000000000\r\n"
                for {} {$sent < 1500} {incr sent} { puts -nonewline $fd $chunk }
            }]} {
                # the server closed us: what we want
            }
            catch {close $fd}
            assert {$sent < 1500} "the server took 1.5 GB under a 1 GB address-space limit"
            assert_equal PONG [$c ping]
            wait_for_condition 50 20 {[string match "*asked for more memory than there is*" \
                [vl_lines $dir/stdout]]} else { fail "no log line" }
        } finally {
            $c close
            vl_kill $pid
        }
    }
}

start_server {tags {"querybuf"} overrides {hz 100}} {
    proc qbuf_total {name} {
        foreach line [split [string trim [r client list]] "\n"] {
            if {[string match "*name=$name *" $line]} {
                regexp {qbuf=([0-9]+)} $line -> q
                regexp {qbuf-free=([0-9]+)} $line -> f
                return [expr {$q + $f}]
            }
        }
        return -1
    }

    test "Query buffers: an idle client holds none; a partial command gets one, freed when idle" {
        set rd [deferring_client]
        $rd client setname qb1
        $rd read
        assert_equal 0 [qbuf_total qb1]
        r debug pause-cron 1
        $rd write "*3\r\n\$3\r\nset\r\n\$2\r\na"
        $rd flush
        wait_for_condition 100 10 {[qbuf_total qb1] > 0} else { fail "no buffer of its own" }
        $rd write "a\r\n\$1\r\nb\r\n"
        $rd flush
        assert_equal OK [$rd read]
        assert_range [qbuf_total qb1] 16384 32768
        r debug pause-cron 0
        wait_for_condition 200 20 {[qbuf_total qb1] == 0} else { fail "not freed when idle" }
        $rd close
    }

    test "Query buffers: a big command's buffer shrinks back once the commands are small" {
        set c [new_client]
        $c client setname qb2
        $c set x [string repeat A 400000]
        set big [qbuf_total qb2]
        assert {$big > 32768}
        wait_for_condition 200 10 {
            [$c set x y] eq "OK" && [qbuf_total qb2] > 0 && [qbuf_total qb2] < $big
        } else { fail "did not shrink: [qbuf_total qb2]" }
        $c close
    }

    test "Query buffers: pipelined commands behind a blocked one wait in a buffer of its own" {
        set rd [deferring_client]
        r del qbl
        $rd write "*3\r\n\$5\r\nblpop\r\n\$3\r\nqbl\r\n\$1\r\n0\r\n*2\r\n\$4\r\necho\r\n\$5\r\nafter\r\n"
        $rd flush
        wait_for_condition 50 20 {[s blocked_clients] == 1} else { fail "not blocked" }
        # other clients read through the shared buffer meanwhile
        for {set i 0} {$i < 20} {incr i} { r set k$i [string repeat z 1000] }
        r rpush qbl v
        assert_equal {qbl v} [$rd read]
        assert_equal after [$rd read]
        $rd close
    }
}
