# redis-cli.tcl - the real redis-cli (Debian's redis-tools) against our server: one-shot
# commands, RESP3, --scan, INFO, --pipe, and the interactive mode that fetches COMMAND DOCS
# at startup (parsing that reply is where a wrong shape would crash redis-cli).

proc cli_bin {} {
    foreach p [list [auto_execok redis-cli] /usr/bin/redis-cli] {
        if {$p ne "" && [file executable [lindex $p 0]]} { return [lindex $p 0] }
    }
    return ""
}

# cli ARGS...: run redis-cli against the current server; stdout, trailing newline dropped.
proc cli {args} {
    exec [cli_bin] -h [srv host] -p [srv port] {*}$args
}

if {[cli_bin] eq ""} {
    puts "\[skip\]: redis-cli not installed (apt-get install redis-tools)"
    return
}

start_server {tags {"cli" "integration"}} {
    test "redis-cli: PING, SET, GET" {
        assert_equal PONG [cli ping]
        assert_equal OK [cli set clikey "hello world"]
        assert_equal "hello world" [cli get clikey]
        assert_equal "hello world" [r get clikey]
        assert_equal "" [cli get no-such-key]
        assert_match "*wrong number of arguments*" [cli get]
    }

    test "redis-cli -3 HELLO 3 prints the map" {
        set out [cli -3 hello 3]
        set fields {}
        foreach line [split $out "\n"] { lappend fields [lindex [split $line " "] 0] }
        assert_equal {server version proto id mode role modules} $fields
        assert_match "*\nproto 3\n*" $out
        assert_match "*\nmode standalone\n*" $out
    }

    test "redis-cli --scan finds every key" {
        r flushall
        for {set i 0} {$i < 100} {incr i} { r set scan:$i $i }
        r set other 1
        set keys [split [string trim [cli --scan]] "\n"]
        assert_equal 101 [llength [lsort -unique $keys]]
        set keys [split [string trim [cli --scan --pattern scan:*]] "\n"]
        assert_equal 100 [llength [lsort -unique $keys]]
        for {set i 0} {$i < 100} {incr i} {
            assert {[lsearch -exact $keys scan:$i] >= 0} "scan:$i not found"
        }
        set keys [split [string trim [cli --scan --pattern scan:1*]] "\n"]
        assert_equal 11 [llength $keys]
    }

    test "redis-cli INFO" {
        set info [cli info]
        assert_match "*redis_version:*" $info
        assert_match "*# Server*" $info
        assert_match "*connected_clients:*" [cli info clients]
    }

    test "redis-cli --pipe: 1000 commands, no errors" {
        r del pipecounter
        set file [file join [srv dir] pipe.txt]
        set f [open $file wb]
        for {set i 0} {$i < 999} {incr i} {
            set k pipe:$i
            puts -nonewline $f "*3\r\n\$3\r\nSET\r\n\$[string length $k]\r\n$k\r\n\$1\r\nv\r\n"
        }
        puts -nonewline $f "*2\r\n\$4\r\nINCR\r\n\$11\r\npipecounter\r\n"
        close $f
        set out [exec [cli_bin] -h [srv host] -p [srv port] --pipe < $file 2>@1]
        assert_match "*errors: 0, replies: 1000*" $out
        assert_equal v [r get pipe:998]
        assert_equal 1 [r get pipecounter]
    }

    test "redis-cli reading commands from a pipe" {
        assert_equal PONG [exec [cli_bin] -h [srv host] -p [srv port] << "PING\n"]
        set out [exec [cli_bin] -h [srv host] -p [srv port] << "SET pipedkey 5\nINCR pipedkey\n"]
        assert_equal "OK\n6" $out
        # COMMAND DOCS through the non-interactive path: must not crash redis-cli
        if {[catch {exec [cli_bin] -h [srv host] -p [srv port] << "COMMAND DOCS\nPING\n"} out]} {
            fail "redis-cli failed: [string range $out 0 500]"
        }
        assert_equal PONG [lindex [split [string trim $out] "\n"] end]
    }

    # Interactive mode needs a terminal: `script` gives redis-cli a pty, so it runs its
    # startup (COMMAND DOCS for its help/hints) and its line editor as a person would see.
    test "redis-cli interactive mode survives COMMAND DOCS" {
        set script [auto_execok script]
        if {$script eq ""} {
            puts "    (no 'script' utility: interactive mode not exercised)"
            return
        }
        set cmd "[cli_bin] -h [srv host] -p [srv port]"
        set out ""
        set rc [catch {
            exec env TERM=dumb timeout 60 {*}$script -qec $cmd /dev/null \
                << "COMMAND DOCS\nCOMMAND DOCS get\nPING\nSET interkey 1\nquit\n" 2>@1
        } out opts]
        if {$rc} {
            fail "interactive redis-cli failed ([dict get $opts -errorcode]):\
                [string range $out end-500 end]"
        }
        assert_match "*\"summary\"*" $out
        assert_match "*PONG*" $out
        assert_equal 1 [r get interkey]
    }
}
