# test_helper.tcl - the test runner: C test binaries first, then every Tcl test file.
#
#   tclsh tests/test_helper.tcl [--single FILE]... [--only GLOB]... [--tags "a -b"]
#       [--loop N] [--server PATH] [--server-args "--name value ..."] [--ctests "bin ..."] [--timeout S] [--read-timeout S]
#       [--verbose] [--dump-logs]
#
# A test file is plain Tcl, sourced in a fresh child interpreter with tests/support/*.tcl
# loaded, so nothing carries over between files:
#
#   start_server {tags {strings}} {
#       test "SET then GET" {
#           r set foo bar
#           assert_equal bar [r get foo]
#       }
#       test "needs two servers" {
#           start_server {} { r set k 1; assert_equal {} [r -1 get k] }
#       } {slow}
#   }
#
# Tests wait on conditions (wait_for_condition), not on fixed sleeps. A file that raises an
# error outside any test counts as one failure and the run goes on with the next file.
# Output: "[ok]: name (N ms)", "[err]: name in file" plus the message, "[skip]: name"; the last
# line is always "N passed, N failed", and the exit code is non-zero if anything failed.
#
# The one decision: the per-test timeout is a Tcl time limit on the child interpreter, re-armed
# at each test's start and end. It stops a busy loop or a stuck wait alike, and it cannot be
# caught inside the child, so the runner reports the test, stops the file's servers and moves
# on. Rejected: a watchdog process (it could only kill the whole run, not one test).

set root [file dirname [file dirname [file normalize [info script]]]]

array set cfg [list root $root server $root/src/valkey-lite-server tmpdir $root/tests/tmp \
    only {} allow_tags {} deny_tags {} verbose 0 dump_logs 0 timeout 600 read_timeout 30 \
    server_args {}]
set files {}
set ctests {}
set loops 1

proc usage {msg} {
    puts stderr "$msg\nusage: tclsh tests/test_helper.tcl \[--single FILE\]... \[--only GLOB\]...\
        \[--tags \"a -b\"\] \[--loop N\] \[--server PATH\] \[--server-args \"--name value ...\"\]\
        \[--ctests \"bin ...\"\]\
        \[--timeout S\] \[--read-timeout S\] \[--verbose\] \[--dump-logs\]"
    exit 2
}

for {set i 0} {$i < [llength $argv]} {incr i} {
    set opt [lindex $argv $i]
    set val [lindex $argv [expr {$i + 1}]]
    set needs_val [expr {$opt in {--single --only --tags --loop --server --ctests --timeout
        --read-timeout --server-args}}]
    if {$needs_val && $i + 1 >= [llength $argv]} { usage "missing value for $opt" }
    switch -- $opt {
        --single       { lappend files [file normalize $val] }
        --only         { lappend cfg(only) $val }
        --tags {
            foreach t $val {
                if {[string index $t 0] eq "-"} {
                    lappend cfg(deny_tags) [string range $t 1 end]
                } else {
                    lappend cfg(allow_tags) $t
                }
            }
        }
        --loop         { set loops $val }
        --server       { set cfg(server) [file normalize $val] }
        --server-args  { lappend cfg(server_args) {*}$val }
        --ctests       { lappend ctests {*}$val }
        --timeout      { set cfg(timeout) $val }
        --read-timeout { set cfg(read_timeout) $val }
        --verbose      { set cfg(verbose) 1 }
        --dump-logs    { set cfg(dump_logs) 1 }
        --help         { usage "" }
        default        { usage "unknown option $opt" }
    }
    if {$needs_val} { incr i }
}
foreach n {loops cfg(timeout) cfg(read_timeout)} {
    if {![string is double -strict [set $n]] || [set $n] <= 0} { usage "bad number for $n" }
}
if {![llength $files]} {
    foreach d {unit integration} {
        lappend files {*}[lsort [glob -nocomplain -directory $root/tests/$d *.tcl]]
    }
}
file mkdir $cfg(tmpdir)

set passed 0
set failed 0
set skipped 0
set failures {}
set cur_file ""
set cur_test ""
set deadline 0
set tracked {}
set next_id 0

proc out {text} { puts $text; flush stdout }

proc relpath {path} {
    set prefix "$::root/"
    if {[string first $prefix $path] != 0} { return $path }
    return [string range $path [string length $prefix] end]
}

proc record_err {name msg} {
    incr ::failed
    lappend ::failures "$name in [relpath $::cur_file]"
    out "\[err\]: $name in [relpath $::cur_file]"
    if {$msg ne ""} { out $msg }
}

# The child's only door to the runner: results, test boundaries, spawned PIDs, unique ids.
proc vl_master {child cmd args} {
    switch -- $cmd {
        begin   { set ::cur_test [lindex $args 0]; arm $child }
        end     { set ::cur_test ""; arm $child }
        track   { lappend ::tracked [lindex $args 0] }
        untrack { set ::tracked [lsearch -all -inline -not -exact $::tracked [lindex $args 0]] }
        nextid  { return [incr ::next_id] }
        result {
            lassign $args kind name ms msg
            switch -- $kind {
                ok       { incr ::passed; out "\[ok\]: $name ($ms ms)" }
                err      { record_err $name $msg }
                skip     { incr ::skipped; out "\[skip\]: $name" }
                filtered { incr ::skipped; if {$::cfg(verbose)} { out "\[skip\]: $name (--only)" } }
            }
        }
        default { error "vl_master: unknown subcommand $cmd" }
    }
}

# Time left for the child: one per-test timeout from now.
proc arm {child} {
    set ::deadline [expr {[clock milliseconds] + int($::cfg(timeout) * 1000)}]
    interp limit $child time -seconds [expr {$::deadline / 1000}] \
        -milliseconds [expr {$::deadline % 1000}]
}

proc run_file {file} {
    set ::cur_file $file
    set ::cur_test ""
    if {$::cfg(verbose)} { out "--- [relpath $file]" }
    set child [interp create]
    interp alias $child vl_master {} vl_master $child
    # `exit` in a test file would end the whole run with no summary line.
    interp alias $child exit {} error "exit called in a test file"
    interp eval $child [list namespace eval ::vl [list array set cfg [array get ::cfg]]]
    arm $child
    set rc [catch {
        foreach f {redis server util} {
            interp eval $child [list source $::root/tests/support/$f.tcl]
        }
        interp eval $child [list set ::vl::client::default_timeout \
            [expr {int($::cfg(read_timeout) * 1000)}]]
        interp eval $child [list source $file]
    } err opts]
    set timed_out [expr {[clock milliseconds] >= $::deadline}]
    interp limit $child time -seconds {}
    if {$rc == 1 && $timed_out} {
        set name [expr {$::cur_test ne "" ? $::cur_test : "code outside any test"}]
        record_err $name "timed out after $::cfg(timeout) s (--timeout); rest of file skipped"
    } elseif {$rc == 1} {
        # The message and the file line it came from; the trace too with --verbose.
        set info [dict get $opts -errorinfo]
        if {[regexp {.*\(file "([^"]*)" line (\d+)\)} $info -> f line]} {
            append err " (at [file tail $f]:$line)"
        }
        if {$::cfg(verbose)} { append err "\n$info" }
        record_err "top level of file" $err
    }
    # After a timeout the child's own cleanup never ran: stop its servers now.
    catch {interp eval $child vl_cleanup_servers}
    foreach pid $::tracked {
        catch {exec kill -KILL $pid}
        out "    (killed leftover server pid $pid)"
    }
    set ::tracked {}
    interp delete $child
}

# Run one C test binary, echoing its output; its last line "N passed, N failed" is added to
# the totals. A crash, a timeout or a missing summary line counts as one failure.
proc run_ctest {bin} {
    set ::cur_file $bin
    if {![file executable $bin]} {
        record_err "C test binary" "not found or not executable: $bin"
        return
    }
    set fd [open "|[list $bin] </dev/null 2>@1" r]
    fconfigure $fd -blocking 0
    set ::ct_last ""
    set ::ct_state running
    fileevent $fd readable [list apply {{fd} {
        while {[gets $fd line] >= 0} {
            out $line
            if {[string trim $line] ne ""} { set ::ct_last [string trim $line] }
        }
        if {[eof $fd]} { set ::ct_state done }
    }} $fd]
    set aid [after [expr {int($::cfg(timeout) * 1000)}] {set ::ct_state timeout}]
    vwait ::ct_state
    after cancel $aid
    if {$::ct_state eq "timeout"} { catch {exec kill -KILL {*}[pid $fd]} }
    fconfigure $fd -blocking 1
    set status ""
    if {[catch {close $fd} msg opts]} {
        set code [dict get $opts -errorcode]
        if {[lindex $code 0] eq "CHILDKILLED"} { set status "killed by [lindex $code 2]" }
        if {[lindex $code 0] eq "CHILDSTATUS"} { set status "exit code [lindex $code 2]" }
    }
    if {$::ct_state eq "timeout"} {
        record_err "C test binary" "timed out after $::cfg(timeout) s"
    } elseif {[regexp {^(\d+) passed, (\d+) failed$} $::ct_last -> p f]} {
        incr ::passed $p
        incr ::failed $f
        if {$f > 0} { lappend ::failures "$f C test(s) in $bin" }
        if {[string match killed* $status] || ($f == 0 && $status ne "")} {
            record_err "C test binary" "$status after its summary line"
        }
    } else {
        if {$status eq ""} { set status "exit 0" }
        record_err "C test binary" "no 'N passed, N failed' line ($status)"
    }
}

foreach bin $ctests { run_ctest [file normalize $bin] }
for {set n 0} {$n < $loops} {incr n} {
    if {$loops > 1} { out "=== loop [expr {$n + 1}] of $loops" }
    foreach file $files { run_file $file }
}

if {$skipped} { out "$skipped skipped" }
if {[llength $failures]} {
    out "Failed:"
    foreach f $failures { out "  $f" }
}
out "$passed passed, $failed failed"
exit [expr {$failed > 0}]
