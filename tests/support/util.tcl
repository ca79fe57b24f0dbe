# util.tcl - test, tags, assertions and small helpers for test files.
#
# A test body runs in the caller's scope, so a file's variables are visible to it. Results go
# to the runner (test_helper.tcl) through the `vl_master` alias, which counts, prints, and arms
# the per-test time limit; this file only decides and measures. Assertion failures are Tcl
# errors with errorcode {VL ASSERT}, so the runner can print them without a stack trace while
# an unexpected error (a typo, a dropped connection) keeps its errorInfo.

namespace eval ::vl {
    variable tags {}       ;# tags of the enclosing `tags` / start_server blocks
    variable failed 0      ;# failures so far in this file (start_server keeps dirs on failure)
    variable cur_test ""   ;# name of the running test, "" between tests
}

# A tag list is denied when it has a tag excluded by --tags "-x".
proc vl_tags_denied {tags} {
    foreach t $::vl::cfg(deny_tags) {
        if {$t in $tags} { return 1 }
    }
    return 0
}

# With --tags "a b", a test must have at least one of a, b.
proc vl_tags_allowed {tags} {
    if {![llength $::vl::cfg(allow_tags)]} { return 1 }
    foreach t $::vl::cfg(allow_tags) {
        if {$t in $tags} { return 1 }
    }
    return 0
}

proc vl_name_selected {name} {
    if {![llength $::vl::cfg(only)]} { return 1 }
    foreach p $::vl::cfg(only) {
        if {[string match $p $name]} { return 1 }
    }
    return 0
}

# A failure that belongs to no test (e.g. a sanitizer report found between tests).
proc vl_fail_outside {what msg} {
    incr ::vl::failed
    vl_master result err $what 0 $msg
}

proc tags {tags body} {
    set saved $::vl::tags
    lappend ::vl::tags {*}$tags
    try { uplevel 1 $body } finally { set ::vl::tags $saved }
}

proc test {name body {tags {}}} {
    set all [concat $::vl::tags $tags]
    if {![vl_name_selected $name]} {
        vl_master result filtered $name 0 ""
        return
    }
    if {[vl_tags_denied $all] || ![vl_tags_allowed $all]} {
        vl_master result skip $name 0 ""
        return
    }
    # Remember where each server's log stands, to dump only this test's lines on failure.
    set marks {}
    foreach s $::vl::servers { lappend marks [vl_line_count [dict get $s stdout]] }
    set ::vl::cur_test $name
    vl_master begin $name
    set t0 [clock milliseconds]
    set rc [catch {uplevel 1 $body} err opts]
    set ms [expr {[clock milliseconds] - $t0}]
    set ::vl::cur_test ""
    vl_master end
    if {$rc == 0 || $rc == 2} {
        vl_master result ok $name $ms ""
        return
    }
    incr ::vl::failed
    if {$rc == 1 && [dict get $opts -errorcode] ne {VL ASSERT}} {
        # An unexpected error: its message and the body line it came from; the whole trace
        # (up to the harness's own frames) with --verbose.
        set info [dict get $opts -errorinfo]
        set loc [vl_location]
        if {$loc ne "" && [regexp {.*\("uplevel" body line (\d+)\)} $info -> line]} {
            append err " (at [lindex $loc 0]:[expr {[lindex $loc 1] + $line - 1}])"
        }
        if {$::vl::cfg(verbose)} {
            set cut [string last "\n    (\"uplevel\" body line" $info]
            append err "\n" [expr {$cut > 0 ? [string range $info 0 $cut-1] : $info}]
        }
    } elseif {$rc != 1} {
        set err "test body ended with [lindex {ok error return break continue} $rc]"
    }
    if {$::vl::cfg(dump_logs)} {
        foreach s $::vl::servers m $marks {
            if {$s eq ""} continue
            append err "\n--- server log [dict get $s stdout] (from line [expr {$m + 1}]) ---\n"
            append err [join [lrange [vl_lines [dict get $s stdout]] $m end] \n]
        }
    }
    vl_master result err $name $ms $err
}

proc vl_lines {file} {
    if {[catch {set f [open $file]; set t [read $f]; close $f}]} { return {} }
    return [split [string trimright $t \n] \n]
}
proc vl_line_count {file} { return [llength [vl_lines $file]] }

# "at FILE:LINE" of the test-file line that called the failing assertion. A body run by
# `uplevel` reports lines relative to itself ("eval" frames; a foreach around the call adds a
# frame relative to the same body, hence only the innermost of a run counts); adding them up
# until a frame of the test file itself gives the absolute line (bodies open on their
# command's line).
proc vl_where {} {
    set loc [vl_location]
    if {$loc eq ""} { return "" }
    return " (at [lindex $loc 0]:[lindex $loc 1])"
}

proc vl_location {} {
    set acc 0
    set counted 0
    for {set l [expr {[info frame] - 1}]} {$l > 0} {incr l -1} {
        set f [info frame $l]
        if {[dict get $f type] eq "eval" && [dict exists $f line]} {
            if {!$counted} { incr acc [expr {[dict get $f line] - 1}] }
            set counted 1
        } elseif {[dict exists $f file] && ![string match */support/* [dict get $f file]]} {
            return [list [file tail [dict get $f file]] [expr {[dict get $f line] + $acc}]]
        } else {
            set counted 0
        }
    }
    return ""
}

proc fail {msg} {
    return -code error -errorcode {VL ASSERT} "$msg[vl_where]"
}

proc vl_detail {detail} { return [expr {$detail ne "" ? " ($detail)" : ""}] }

proc assert {condition {detail ""}} {
    if {![uplevel 1 [list expr $condition]]} {
        fail "Expected \[$condition\] to be true[vl_detail $detail]"
    }
}

proc assert_equal {expected actual {detail ""}} {
    if {$expected ne $actual} {
        fail "Expected '$expected' to be equal to '$actual'[vl_detail $detail]"
    }
}

proc assert_not_equal {value actual {detail ""}} {
    if {$value eq $actual} {
        fail "Expected '$actual' to differ from '$value'[vl_detail $detail]"
    }
}

proc assert_match {pattern value} {
    if {![string match $pattern $value]} { fail "Expected '$value' to match '$pattern'" }
}

proc assert_range {value min max} {
    if {!($value >= $min && $value <= $max)} {
        fail "Expected '$value' to be between '$min' and '$max'"
    }
}

# SCRIPT (run in the caller) must raise an error whose message matches the glob PATTERN.
proc assert_error {pattern script} {
    if {![catch {uplevel 1 $script} err]} {
        fail "Expected an error matching '$pattern' but got '$err'"
    }
    if {![string match $pattern $err]} {
        fail "Expected an error matching '$pattern' but got error '$err'"
    }
}

proc assert_encoding {enc key} {
    set actual [r object encoding $key]
    if {$actual ne $enc} { fail "Expected encoding '$enc' for key '$key', got '$actual'" }
}

# wait_for_condition MAXTRIES DELAY_MS {COND} else {SCRIPT}: re-check COND in the caller up to
# MAXTRIES times, DELAY_MS apart; if it never holds, run SCRIPT (usually a `fail`).
proc wait_for_condition {maxtries delay cond else elsescript} {
    if {$else ne "else"} { error "wait_for_condition: expected 'else', got '$else'" }
    for {set i 0} {$i < $maxtries} {incr i} {
        if {[uplevel 1 [list expr $cond]]} { return }
        after $delay
    }
    uplevel 1 $elsescript
}

# INFO helpers: s ?LEVEL? FIELD reads INFO EVERYTHING of the server at LEVEL.
proc getInfoProperty {infostr field} {
    foreach line [split $infostr \n] {
        set line [string trimright $line \r]
        if {$line eq "" || [string index $line 0] eq "#"} continue
        set i [string first : $line]
        if {$i > 0 && [string range $line 0 $i-1] eq $field} {
            return [string range $line $i+1 end]
        }
    }
    return ""
}

proc s {args} {
    set level 0
    if {[llength $args] == 2} { lassign $args level field } else { set field [lindex $args 0] }
    return [getInfoProperty [r $level info everything] $field]
}

# Log helpers work on the server's stdout; an optional leading integer picks the level.
proc count_log_lines {args} {
    set level 0
    if {[llength $args] == 2} { lassign $args level pattern } else { set pattern [lindex $args 0] }
    set n 0
    foreach line [vl_lines [srv $level stdout]] {
        if {[string match $pattern $line]} { incr n }
    }
    return $n
}

# wait_for_log_messages ?LEVEL? PATTERN ?FROM_LINE? MAXTRIES DELAY_MS: wait for a line after
# line FROM_LINE matching the glob; returns its line number (1-based) to chain waits.
proc wait_for_log_messages {args} {
    set level 0
    set from 0
    switch [llength $args] {
        3 { lassign $args pattern maxtries delay }
        4 {
            if {[string is integer -strict [lindex $args 0]]} {
                lassign $args level pattern maxtries delay
            } else {
                lassign $args pattern from maxtries delay
            }
        }
        5 { lassign $args level pattern from maxtries delay }
        default { error "wrong # args: wait_for_log_messages ?level? pattern ?from? tries delay" }
    }
    set file [srv $level stdout]
    for {set i 0} {$i < $maxtries} {incr i} {
        set lines [vl_lines $file]
        for {set n $from} {$n < [llength $lines]} {incr n} {
            if {[string match $pattern [lindex $lines $n]]} { return [expr {$n + 1}] }
        }
        after $delay
    }
    fail "no log line matching '$pattern' after line $from in $file; tail:\n[vl_tail $file 10]"
}

proc randomInt {n} { return [expr {int(rand() * $n)}] }

# randpath {script} {script} ...: run one of the scripts, chosen at random, in the caller.
proc randpath {args} {
    uplevel 1 [lindex $args [randomInt [llength $args]]]
}

# randstring MIN MAX ?alpha|binary|compr?: a random byte string of MIN..MAX bytes.
proc randstring {min max {type binary}} {
    set len [expr {$min + [randomInt [expr {$max - $min + 1}]]}]
    switch -- $type {
        alpha  { set lo 48; set span 75 }
        compr  { set lo 48; set span 5 }
        binary { set lo 0; set span 256 }
        default { error "randstring: unknown type '$type'" }
    }
    set out ""
    for {set i 0} {$i < $len} {incr i} {
        append out [format %c [expr {$lo + [randomInt $span]}]]
    }
    return $out
}

# Process figures from /proc (Linux): CPU seconds used so far, resident kB, and the CPU a
# process uses over the next MS milliseconds (a measuring window, not a wait).
proc proc_cpu_seconds {pid} {
    set f [open /proc/$pid/stat]
    set line [read $f]
    close $f
    set rest [split [string range $line [expr {[string last ")" $line] + 2}] end] " "]
    return [expr {([lindex $rest 11] + [lindex $rest 12]) / 100.0}]
}

proc proc_rss_kb {pid} {
    set f [open /proc/$pid/status]
    set t [read $f]
    close $f
    regexp {VmRSS:\s+(\d+)} $t -> kb
    return $kb
}

proc proc_cpu_over {pid ms} {
    set t0 [proc_cpu_seconds $pid]
    after $ms
    return [expr {[proc_cpu_seconds $pid] - $t0}]
}

# A raw loopback socket: binary, non-blocking, for clients that misbehave on purpose.
proc raw_socket {{level 0}} {
    set fd [socket [srv $level host] [srv $level port]]
    fconfigure $fd -translation binary -blocking 0 -buffering none
    return $fd
}

# 1 once the peer closed fd (EOF seen), else 0; reads and drops whatever is there.
proc raw_closed {fd} {
    if {[catch {read $fd} data]} { return 1 }
    return [eof $fd]
}

# 1 when the server under test is an AddressSanitizer build: its shadow memory needs far more
# address space than any `ulimit -v`, and its quarantine keeps freed memory resident, so tests
# of address-space limits and of RSS coming back skip (with a message) there.
proc vl_asan_build {} {
    if {[catch {exec ldd $::vl::cfg(server)} out]} { return 0 }
    return [string match "*libasan*" $out]
}
