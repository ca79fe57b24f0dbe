# client.tcl - the CLIENT command family: ID, SETNAME/GETNAME, SETINFO, LIST, INFO, KILL,
# PAUSE/UNPAUSE, REPLY, UNBLOCK, NO-EVICT, HELP.

# The CLIENT LIST line of the client with id ID ("" if none).
proc client_line {id} {
    foreach line [split [r client list] "\n"] {
        if {[string match "id=$id *" $line]} { return $line }
    }
    return ""
}

# A field of a CLIENT LIST / CLIENT INFO line.
proc client_field {line field} {
    if {[regexp "(?:^| )$field=(\\S*)" $line -> v]} { return $v }
    return ""
}

proc client_count {} { llength [split [string trim [r client list]] "\n"] }

start_server {tags {"client"}} {
    test "CLIENT ID is unique, increasing, and matches CLIENT INFO" {
        set a [new_client]
        set b [new_client]
        set ida [$a client id]
        set idb [$b client id]
        assert {[string is integer -strict $ida]}
        assert {$idb > $ida}
        assert_equal $ida [client_field [$a client info] id]
        assert_equal $ida [$a client id]
        $a close
        $b close
    }

    test "CLIENT SETNAME / GETNAME" {
        set c [new_client]
        assert_equal "" [$c client getname]
        assert_equal OK [$c client setname myname]
        assert_equal myname [$c client getname]
        assert_equal myname [client_field [client_line [$c client id]] name]
        foreach bad [list "a b" "a\nb" "a\x00b" "\x7f" "caf\xe9"] {
            assert_error "ERR Client names cannot contain spaces, newlines or special characters." \
                {$c client setname $bad}
        }
        assert_equal myname [$c client getname]
        # an empty name clears it
        assert_equal OK [$c client setname ""]
        assert_equal "" [$c client getname]
        assert_equal "" [client_field [$c client info] name]
        assert_error "ERR wrong number of arguments for 'client|setname' command" \
            {$c client setname}
        assert_error "ERR wrong number of arguments for 'client|getname' command" \
            {$c client getname x}
        $c close
    }

    test "CLIENT SETINFO LIB-NAME / LIB-VER" {
        set c [new_client]
        assert_equal OK [$c client setinfo lib-name redis-py]
        assert_equal OK [$c client setinfo LIB-VER 1.2.3]
        set info [$c client info]
        assert_equal redis-py [client_field $info lib-name]
        assert_equal 1.2.3 [client_field $info lib-ver]
        assert_error "ERR Unrecognized option 'foo'" {$c client setinfo foo bar}
        assert_error "ERR lib-name cannot contain spaces, newlines or special characters." \
            {$c client setinfo lib-name "a b"}
        assert_equal OK [$c client setinfo lib-name ""]
        assert_equal "" [client_field [$c client info] lib-name]
        $c close
    }

    test "CLIENT LIST has one line per client with Redis's fields" {
        set c [new_client]
        set cid [$c client id]
        $c client setname lister
        $c select 3
        assert_equal select [client_field [client_line $cid] cmd]
        set list [r client list]
        assert_equal "\n" [string index $list end]
        set lines [split [string trimright $list "\n"] "\n"]
        assert {[llength $lines] >= 2}
        foreach line $lines {
            foreach f {id addr laddr fd name age idle flags db sub psub multi qbuf qbuf-free
                       obl oll omem tot-mem events cmd user resp} {
                assert {[regexp "(^| )$f=" $line]} "field $f missing in: $line"
            }
            assert_match {id=[0-9]* addr=*} $line
        }
        set mine [client_line $cid]
        assert_equal lister [client_field $mine name]
        assert_equal 3 [client_field $mine db]
        assert_equal 2 [client_field $mine resp]
        assert_equal 0 [client_field $mine sub]
        assert_equal N [client_field $mine flags]
        assert_match {127.0.0.1:[0-9]*} [client_field $mine addr]
        assert_equal "127.0.0.1:[srv port]" [client_field $mine laddr]
        # oldest first
        set ids {}
        foreach line $lines { lappend ids [client_field $line id] }
        assert_equal [lsort -integer $ids] $ids
        $c close
    }

    test "CLIENT LIST TYPE and ID filters" {
        set c [new_client]
        set id [$c client id]
        set myid [r client id]
        set normal [r client list type normal]
        assert_match "*id=$id *" $normal
        assert_equal "" [r client list type master]
        assert_equal "" [r client list type replica]
        assert_error "ERR Unknown client type 'foo'" {r client list type foo}
        set two [split [string trimright [r client list id $id $myid] "\n"] "\n"]
        assert_equal 2 [llength $two]
        assert_equal $id [client_field [lindex $two 0] id]
        assert_equal $myid [client_field [lindex $two 1] id]
        assert_equal "" [r client list id 999999]
        assert_error "ERR Invalid client ID" {r client list id abc}
        assert_error "ERR syntax error" {r client list id}
        assert_error "ERR syntax error" {r client list foo}
        $c close
    }

    test "CLIENT LIST TYPE pubsub" {
        set c [new_client]
        set id [$c client id]
        $c subscribe ch1 ch2
        $c read
        set ps [r client list type pubsub]
        assert_match "id=$id *" $ps
        assert_equal 2 [client_field $ps sub]
        assert_match "*P*" [client_field $ps flags]
        assert {![string match "*id=$id *" [r client list type normal]]}
        $c close
    }

    test "CLIENT INFO is this client's line" {
        set info [r client info]
        assert_equal "\n" [string index $info end]
        assert_equal 1 [llength [split [string trimright $info "\n"] "\n"]]
        assert_equal [r client id] [client_field $info id]
        assert_match "client*" [client_field $info cmd]
    }

    test "CLIENT KILL by ID" {
        set c [new_client]
        set id [$c client id]
        assert_equal 1 [r client kill id $id]
        assert_error "*I/O error*" {$c ping}
        $c close
        wait_for_condition 50 100 {[client_line $id] eq ""} else { fail "killed client listed" }
        assert_equal 0 [r client kill id $id]
        assert_equal PONG [r ping]
    }

    test "CLIENT KILL ip:port (old form) and ADDR / LADDR filters" {
        set c [new_client]
        set addr [client_field [$c client info] addr]
        assert_equal OK [r client kill $addr]
        assert_error "*I/O error*" {$c ping}
        $c close
        assert_error "ERR No such client" {r client kill $addr}
        assert_error "ERR No such client" {r client kill 1.2.3.4:5}

        set c [new_client]
        set addr [client_field [$c client info] addr]
        assert_equal 1 [r client kill addr $addr]
        assert_error "*I/O error*" {$c ping}
        $c close

        # LADDR: every client came in on the same address; SKIPME (default yes) spares us
        set c1 [new_client]
        set c2 [new_client]
        $c1 ping
        $c2 ping
        assert {[r client kill laddr 127.0.0.1:[srv port]] >= 2}
        assert_error "*I/O error*" {$c1 ping}
        assert_error "*I/O error*" {$c2 ping}
        $c1 close
        $c2 close
        assert_equal PONG [r ping]
        wait_for_condition 50 100 {[client_count] == 1} else {
            fail "clients left after LADDR kill: [r client list]"
        }
        assert_equal 0 [r client kill laddr 127.0.0.1:1]
    }

    test "CLIENT KILL TYPE / USER / SKIPME" {
        set c [new_client]
        $c ping
        assert {[r client kill type normal] >= 1}
        assert_error "*I/O error*" {$c ping}
        $c close
        set c [new_client]
        $c ping
        assert {[r client kill user default skipme yes] >= 1}
        assert_error "*I/O error*" {$c ping}
        $c close
        assert_equal PONG [r ping]
        assert_equal 0 [r client kill type pubsub]
        assert_equal 0 [r client kill type master]
        assert_equal 0 [r client kill id [r client id]]
    }

    test "CLIENT KILL of oneself replies, then closes" {
        set c [new_client]
        set id [$c client id]
        assert_equal 1 [$c client kill id $id skipme no]
        assert_error "*I/O error*" {$c read}
        $c close
        set c [new_client]
        set addr [client_field [$c client info] addr]
        assert_equal OK [$c client kill $addr]
        assert_error "*I/O error*" {$c read}
        $c close
    }

    test "CLIENT KILL errors" {
        assert_error "ERR client-id should be greater than 0" {r client kill id 0}
        assert_error "ERR client-id should be greater than 0" {r client kill id abc}
        assert_error "ERR Unknown client type 'foo'" {r client kill type foo}
        assert_error "ERR No such user 'bob'" {r client kill user bob}
        assert_error "ERR syntax error" {r client kill skipme maybe}
        assert_error "ERR syntax error" {r client kill foo bar}
        assert_error "ERR syntax error" {r client kill id 5 skipme}
        assert_error "ERR No such client" {r client kill id}
        assert_error "ERR wrong number of arguments for 'client|kill' command" {r client kill}
    }

    test "CLIENT PAUSE WRITE holds writes, not reads, until UNPAUSE" {
        r set pausekey old
        set rd [deferring_client]
        $rd client id
        set rdid [$rd read]
        assert_equal OK [r client pause 100000 write]
        $rd set pausekey new
        # the write has reached the server and waits there (its bytes sit in the query
        # buffer, or the client shows as blocked)
        wait_for_condition 50 100 {
            [regexp {qbuf=[1-9]|flags=\S*b} [client_line $rdid]]
        } else {
            fail "the paused write never arrived: [client_line $rdid]"
        }
        set c3 [new_client]
        assert_equal old [$c3 get pausekey]
        assert_equal PONG [$c3 ping]
        assert_equal old [r get pausekey]
        assert_equal OK [r client unpause]
        assert_equal OK [$rd read]
        assert_equal new [r get pausekey]
        assert_equal new [$c3 get pausekey]
        $c3 close
        $rd close
    }

    test "CLIENT PAUSE ALL holds every command until the timeout" {
        set rd [deferring_client]
        set t0 [clock milliseconds]
        assert_equal OK [r client pause 300 all]
        $rd ping
        assert_equal PONG [$rd read]
        assert_equal PONG [r ping]
        assert {[clock milliseconds] - $t0 >= 200}
        $rd close
    } {slow}

    test "CLIENT PAUSE errors" {
        assert_error "ERR timeout is not an integer or out of range" {r client pause abc}
        assert_error "ERR timeout is negative" {r client pause -1}
        assert_error "ERR CLIENT PAUSE mode must be WRITE or ALL" {r client pause 10 foo}
        set err "ERR unknown subcommand or wrong number of arguments for 'pause'."
        assert_error "$err Try CLIENT HELP." {r client pause 10 write extra}
        assert_error "ERR wrong number of arguments for 'client|pause' command" {r client pause}
        assert_equal OK [r client unpause]
        assert_error "ERR wrong number of arguments for 'client|unpause' command" \
            {r client unpause x}
    }

    test "CLIENT REPLY OFF / ON" {
        set rd [deferring_client]
        $rd client reply off
        $rd set replykey 1
        $rd incr replykey
        $rd foo-unknown-command
        $rd client reply on
        $rd get replykey
        assert_equal OK [$rd read]
        assert_equal 2 [$rd read]
        $rd close
    }

    test "CLIENT REPLY SKIP skips exactly the next reply" {
        set rd [deferring_client]
        $rd client reply skip
        $rd set skipkey a
        $rd get skipkey
        $rd ping
        assert_equal a [$rd read]
        assert_equal PONG [$rd read]
        $rd close
    }

    test "CLIENT REPLY errors" {
        assert_error "ERR syntax error" {r client reply foo}
        assert_error "ERR wrong number of arguments for 'client|reply' command" {r client reply}
    }

    test "CLIENT UNBLOCK a blocked BLPOP (timeout and error)" {
        r del unblocklist
        set rd [deferring_client]
        $rd client id
        set id [$rd read]
        $rd blpop unblocklist 0
        wait_for_condition 50 100 {
            [string match *b* [client_field [client_line $id] flags]]
        } else {
            fail "client never blocked"
        }
        assert_equal 1 [r client unblock $id]
        assert_equal "" [$rd read]
        $rd blpop unblocklist 0
        wait_for_condition 50 100 {
            [string match *b* [client_field [client_line $id] flags]]
        } else {
            fail "client never blocked"
        }
        assert_equal 1 [r client unblock $id error]
        assert_error "UNBLOCKED*" {$rd read}
        # not blocked any more
        assert_equal 0 [r client unblock $id]
        $rd close
    }

    test "CLIENT UNBLOCK errors" {
        assert_equal 0 [r client unblock 999999]
        assert_equal 0 [r client unblock [r client id]]
        assert_error "ERR value is not an integer or out of range" {r client unblock abc}
        assert_error "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR" \
            {r client unblock 1 foo}
        assert_error "ERR wrong number of arguments for 'client|unblock' command" \
            {r client unblock}
    }

    test "CLIENT NO-EVICT" {
        set c [new_client]
        assert_equal OK [$c client no-evict on]
        assert_match "*e*" [client_field [$c client info] flags]
        assert_equal OK [$c client no-evict off]
        assert_equal N [client_field [$c client info] flags]
        assert_error "ERR syntax error" {$c client no-evict maybe}
        $c close
    }

    test "CLIENT HELP and unknown subcommands" {
        set help [r client help]
        assert_match "CLIENT <subcommand> *" [lindex $help 0]
        assert {[llength $help] > 10}
        foreach sub {ID KILL LIST PAUSE UNPAUSE REPLY SETNAME GETNAME UNBLOCK} {
            assert {[lsearch -glob $help "$sub*"] >= 0} "HELP does not mention $sub"
        }
        assert_error "ERR unknown subcommand 'foo'. Try CLIENT HELP." {r client foo}
        assert_error "ERR wrong number of arguments for 'client' command" {r client}
        assert_error "ERR wrong number of arguments for 'client|help' command" {r client help x}
    }
}

start_server {tags {"client"}} {
    test "CLIENT LIST and INFO: tot-net-in, tot-net-out, tot-cmds; cmd= names the subcommand" {
        set i1 [r client info]
        set i2 [r client info]
        # "*2 $6 client $4 info": 26 bytes each
        assert_equal 26 [expr {[client_field $i2 tot-net-in] - [client_field $i1 tot-net-in]}]
        assert {[client_field $i2 tot-net-out] - [client_field $i1 tot-net-out] > 300}
        assert_equal 1 [expr {[client_field $i2 tot-cmds] - [client_field $i1 tot-cmds]}]
        assert_equal client|info [client_field $i2 cmd]
        # a blocked command counts when it completes, its reply when it is written
        set rd [deferring_client]
        $rd client id
        set id [$rd read]
        set before [client_line $id]
        $rd blpop totlist 0
        wait_for_condition 50 20 {[s blocked_clients] == 1} else { fail "not blocked" }
        set blocked [client_line $id]
        # "*3 $5 blpop $7 totlist $1 0": 35 bytes
        assert_equal 35 [expr {[client_field $blocked tot-net-in] - [client_field $before tot-net-in]}]
        assert_equal [client_field $before tot-cmds] [client_field $blocked tot-cmds]
        r lpush totlist a
        assert_equal {totlist a} [$rd read]
        wait_for_condition 50 20 {
            [client_field [client_line $id] tot-cmds] == [client_field $before tot-cmds] + 1
        } else { fail "served BLPOP not counted" }
        # "*2 $7 totlist $1 a": 24 bytes
        assert_equal 24 [expr {[client_field [client_line $id] tot-net-out] - [client_field $blocked tot-net-out]}]
        $rd close
    }

    test "CLIENT NO-TOUCH: reads leave the LRU alone, TOUCH still touches, flag T" {
        r set nt v
        r client no-touch on
        assert_match "*flags=T*" [r client info]
        set before [r object idletime nt]
        # the LRU clock moves once a second: wait until the key has been idle for one
        wait_for_condition 60 50 {[r object idletime nt] >= 1} else { fail "lru clock still" }
        r get nt
        assert {[r object idletime nt] >= 1}
        r touch nt
        assert_equal 0 [r object idletime nt]
        r client no-touch off
        assert_match "*flags=N*" [r client info]
        assert_error "ERR syntax error" {r client no-touch maybe}
    }

    test "CLIENT KILL MAXAGE and its argument errors" {
        assert_error "ERR maxage is not an integer or out of range" {r client kill maxage str}
        assert_error "ERR maxage is not an integer or out of range" \
            {r client kill maxage 9999999999999999999}
        assert_error "ERR maxage should be greater than 0" {r client kill maxage -1}
        set rd [deferring_client]
        $rd client id
        set id [$rd read]
        # nobody is a day old
        assert_equal 0 [r client kill maxage 86400]
        # the new client is at least 1 s old once 1 s has passed
        wait_for_condition 60 50 {[r client kill maxage 1 id $id] == 1} else {
            fail "old client not killed"
        }
        assert_equal "" [client_line $id]
        $rd close
    }
}

start_server {tags {"client"}} {
    test "CLIENT PAUSE: a shorter pause keeps the longer one; WRITE never loosens ALL" {
        r client pause 60000 write
        r client pause 10 write
        set rd [deferring_client]
        $rd set pk v
        wait_for_condition 50 20 {[s blocked_clients] == 1} else { fail "write not held" }
        # held well past the 10 ms of the second pause, by the server's clock
        set t0 [lindex [r time] 0]
        wait_for_condition 100 20 {[lindex [r time] 0] > $t0} else { fail "clock stuck" }
        assert_equal 1 [s blocked_clients]
        r client unpause
        assert_equal OK [$rd read]
        $rd close
    }

    test "CLIENT PAUSE: keys expire logically but are not deleted until it ends" {
        set before [s expired_keys]
        r multi
        r set pe1 v px 10
        r set pe2 v px 10
        r client pause 50000 write
        r exec
        wait_for_condition 100 10 {[r get pe1] eq {} && [r get pe2] eq {}} else {
            fail "keys never logically expired"
        }
        assert_equal $before [s expired_keys]
        assert_equal 0 [r exists pe1 pe2]
        r client unpause
        r get pe1
        r get pe2
        assert_equal [expr {$before + 2}] [s expired_keys]
    }
}
