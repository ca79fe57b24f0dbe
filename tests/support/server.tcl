# server.tcl - start_server: run a real server process around a block of tests.
#
#   start_server {tags {list} overrides {maxmemory 1mb}} {
#       test "..." { r set k v; assert_equal v [r get k] }
#   }
#
# Each server gets a free loopback port, its own dir tests/tmp/server.<pid>.<n>/ holding the
# generated config and the process's stdout/stderr, and is stopped (SIGTERM, then SIGKILL
# after 10 s) when the block ends, however it ends. Servers nest: the innermost is level 0,
# `r -1 ...` / `srv -1 port` reach the one around it. After a stop the logs are scanned for
# sanitizer reports, which fail the test (or the file) loudly. The dir is removed only when
# nothing failed inside the block, so a failure leaves its logs to read.
# Rejected: daemonize + pidfile (a second process to track), fixed ports (parallel runs clash).

namespace eval ::vl {
    variable servers {}      ;# stack of dicts, innermost last
    variable next_port [expr {20000 + int(rand() * 30000)}]
}

# A loopback port nobody listens on now. Ports go up from a random base so that two runs, or
# two servers of one run, rarely even try the same one.
proc get_free_port {} {
    for {set i 0} {$i < 1000} {incr i} {
        set port [incr ::vl::next_port]
        if {$port > 60000} { set ::vl::next_port [set port 20000] }
        if {![catch {socket -server {apply {{c a p} {close $c}}} -myaddr 127.0.0.1 $port} s]} {
            close $s
            return $port
        }
    }
    error "no free port found"
}

# Is PID a live process (a zombie that has exited counts as dead)?
proc process_is_alive {pid} {
    if {[file exists /proc/$pid/stat]} {
        if {[catch {set f [open /proc/$pid/stat]; set stat [read $f]; close $f}]} { return 0 }
        # Field 3, after the ")" that closes the command name, is the state letter.
        set state [lindex [string range $stat [string last ")" $stat]+1 end] 0]
        return [expr {$state ne "Z" && $state ne "X"}]
    }
    return [expr {![catch {exec kill -0 $pid}]}]
}

# srv ?LEVEL? FIELD: host port pid dir stdout stderr config client.
proc srv {args} {
    set level 0
    if {[llength $args] == 2} { lassign $args level field } else { set field [lindex $args 0] }
    set idx [expr {[llength $::vl::servers] - 1 + $level}]
    if {$idx < 0 || $level > 0} { error "srv: no server at level $level" }
    set s [lindex $::vl::servers $idx]
    if {$field eq "client"} {
        if {[dict get $s client] eq ""} {
            dict set s client [vl_client [dict get $s host] [dict get $s port]]
            lset ::vl::servers $idx $s
        }
    }
    return [dict get $s $field]
}

# r ?LEVEL? CMD ARGS...: send to the level's default client, created on first use.
proc r {args} {
    set level 0
    if {[string is integer -strict [lindex $args 0]]} {
        set level [lindex $args 0]
        set args [lrange $args 1 end]
    }
    [srv $level client] {*}$args
}

# Extra clients, closed with the server: new_client ?LEVEL?, deferring_client ?LEVEL?.
proc new_client {{level 0} {deferred 0}} {
    set c [vl_client [srv $level host] [srv $level port] $deferred]
    set idx [expr {[llength $::vl::servers] - 1 + $level}]
    set s [lindex $::vl::servers $idx]
    dict lappend s extra $c
    lset ::vl::servers $idx $s
    return $c
}
proc deferring_client {{level 0}} { return [new_client $level 1] }

proc vl_tail {file n} {
    if {[catch {set f [open $file]; set t [read $f]; close $f}]} { return "" }
    return [join [lrange [split [string trimright $t \n] \n] end-[expr {$n - 1}] end] \n]
}

# Write the config and spawn the server; returns the server dict (not yet known to answer).
proc vl_spawn {options dir} {
    set port [get_free_port]
    set conf "$dir/server.conf"
    set f [open $conf w]
    if {[dict exists $options config]} {
        set base [dict get $options config]
        if {![file exists $base]} { set base [file join $::vl::cfg(root) tests assets $base] }
        set b [open $base]; puts $f [read $b]; close $b
    }
    # as Valkey's tests/assets/default.conf: tests may use DEBUG and move dir (tests of the
    # defaults, which are "no" for both, override them)
    puts $f "port $port\nbind 127.0.0.1\ndir $dir\nsave \"\"\nappendonly no"
    puts $f "enable-debug-command yes\nenable-protected-configs yes"
    # A value is written as is, so {client-output-buffer-limit {pubsub 0 0 0}} gives several
    # arguments; an empty value becomes "".
    set host 127.0.0.1
    foreach {k v} [expr {[dict exists $options overrides] ? [dict get $options overrides] : {}}] {
        puts $f "$k [expr {$v eq "" ? {""} : $v}]"
        if {$k eq "port"} { set port $v }
        if {$k eq "bind"} { set host [lindex $v 0] }
    }
    close $f
    set extra [expr {[dict exists $options args] ? [dict get $options args] : {}}]
    # --server-args (e.g. the defrag stress mode) apply to every server of the run
    set pid [exec $::vl::cfg(server) $conf {*}$extra {*}$::vl::cfg(server_args) \
        >$dir/stdout 2>$dir/stderr </dev/null &]
    vl_master track $pid
    return [dict create host $host port $port pid $pid dir $dir stdout $dir/stdout \
        stderr $dir/stderr config $conf client "" extra {}]
}

# Poll PING every 50 ms for up to 10 s. Returns "" when ready, else why not.
proc vl_wait_ready {s} {
    for {set i 0} {$i < 200} {incr i} {
        if {![process_is_alive [dict get $s pid]]} { return "exited" }
        if {![catch {set c [vl_client [dict get $s host] [dict get $s port]]}]} {
            $c timeout 1000
            # NOAUTH also means ready: the server is up and has a requirepass
            set failed [catch {$c ping} reply]
            set ok [expr {(!$failed && $reply eq "PONG") || ($failed && [string match "NOAUTH*" $reply])}]
            $c close
            if {$ok} { return "" }
        }
        after 50
    }
    return "did not answer PING within 10 s"
}

proc start_server {options body} {
    set tags [expr {[dict exists $options tags] ? [dict get $options tags] : {}}]
    if {[vl_tags_denied [concat $::vl::tags $tags]]} {
        puts "\[skip\]: start_server block tagged {$tags}"
        return
    }
    if {![file executable $::vl::cfg(server)]} {
        error "server binary not found or not executable: $::vl::cfg(server) (build it first)"
    }
    # A port taken between our check and the server's bind is retried on another port.
    for {set try 1} {1} {incr try} {
        set dir [file join $::vl::cfg(tmpdir) "server.[pid].[vl_master nextid]"]
        file mkdir $dir
        set s [vl_spawn $options $dir]
        set why [vl_wait_ready $s]
        if {$why eq ""} break
        vl_kill [dict get $s pid]
        set log "[vl_tail $dir/stdout 20]\n[vl_tail $dir/stderr 20]"
        if {$try < 3 && [string match -nocase "*address already in use*" $log]} continue
        error "server failed to start ($why), dir $dir, log tail:\n$log"
    }
    if {$::vl::cfg(verbose)} {
        puts "    (server pid [dict get $s pid] on port [dict get $s port], dir $dir)"
    }
    lappend ::vl::servers $s
    set saved_tags $::vl::tags
    lappend ::vl::tags {*}$tags
    set failed_before $::vl::failed
    try {
        uplevel 1 $body
    } finally {
        set ::vl::tags $saved_tags
        set s [lindex $::vl::servers end]
        set ::vl::servers [lrange $::vl::servers 0 end-1]
        vl_stop $s $failed_before
    }
}

# SIGTERM, up to 10 s to exit, then SIGKILL. Only ever PIDs this harness spawned.
proc vl_kill {pid} {
    catch {exec kill -TERM $pid}
    for {set i 0} {$i < 200 && [process_is_alive $pid]} {incr i} { after 50 }
    if {[process_is_alive $pid]} {
        puts "    (server pid $pid ignored SIGTERM for 10 s: SIGKILL)"
        catch {exec kill -KILL $pid}
    }
    vl_master untrack $pid
}

proc vl_stop {s failed_before} {
    foreach c [concat [dict get $s client] [dict get $s extra]] {
        catch {$c close}
    }
    vl_kill [dict get $s pid]
    set report [vl_sanitizer_report $s]
    if {$report ne ""} {
        set msg "sanitizer report from server pid [dict get $s pid]\
            (dir [dict get $s dir]):\n$report"
        # Inside a test the error fails that test; between tests it is a failure of its own.
        if {$::vl::cur_test ne ""} { return -code error -errorcode {VL ASSERT} $msg }
        vl_fail_outside "sanitizer check of server pid [dict get $s pid]" $msg
    } elseif {$::vl::failed == $failed_before} {
        file delete -force [dict get $s dir]
    } else {
        puts "    (server logs kept in [dict get $s dir])"
    }
}

# The sanitizer report in the server's output, from its first line (capped), or "".
proc vl_sanitizer_report {s} {
    foreach file [list [dict get $s stderr] [dict get $s stdout]] {
        if {[catch {set f [open $file rb]; set t [read $f]; close $f}]} continue
        set lines [split $t \n]
        set i [lsearch -regexp $lines {ERROR: AddressSanitizer|runtime error:|LeakSanitizer}]
        if {$i >= 0} { return [join [lrange $lines $i [expr {$i + 150}]] \n] }
    }
    return ""
}

# Called by the runner after a file was aborted (timeout): stop whatever is still running.
proc vl_cleanup_servers {} {
    set ::vl::cur_test ""
    while {[llength $::vl::servers]} {
        set s [lindex $::vl::servers end]
        set ::vl::servers [lrange $::vl::servers 0 end-1]
        catch {vl_stop $s -1}
    }
}
