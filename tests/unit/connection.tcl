# connection.tcl - PING, ECHO, QUIT, SELECT, HELLO, AUTH, RESET, MONITOR.

start_server {tags {"connection"}} {
    test "PING with and without a message" {
        assert_equal PONG [r ping]
        assert_equal hello [r ping hello]
        assert_equal "a\x00b" [r ping "a\x00b"]
        assert_error "ERR wrong number of arguments for 'ping' command" {r ping a b}
    }

    test "ECHO is binary-safe" {
        set v "x\r\ny\x00z\xff"
        assert_equal $v [r echo $v]
        assert_equal "" [r echo ""]
        assert_error "ERR wrong number of arguments for 'echo' command" {r echo a b}
    }

    test "QUIT replies OK and closes the connection" {
        set c [new_client]
        assert_equal OK [$c quit]
        assert_error "*I/O error*" {$c read}
        $c close
        # pipelined commands after QUIT are not run
        set c [new_client]
        $c write "*1\r\n\$4\r\nQUIT\r\n*3\r\n\$3\r\nSET\r\n\$7\r\nafterq1\r\n\$1\r\n1\r\n"
        $c flush
        assert_equal OK [$c read]
        assert_error "*I/O error*" {$c read}
        $c close
        assert_equal 0 [r exists afterq1]
    }

    test "SELECT switches databases, data stays apart" {
        set c [new_client]
        $c set selkey db0
        assert_equal OK [$c select 9]
        assert_equal "" [$c get selkey]
        $c set selkey db9
        assert_equal db9 [$c get selkey]
        assert_equal OK [$c select 15]
        assert_equal 0 [$c exists selkey]
        assert_equal OK [$c select 0]
        assert_equal db0 [$c get selkey]
        # another client starts in db 0 and sees db 0
        assert_equal db0 [r get selkey]
        assert_match "*db=0*" [$c client info]
        $c select 9
        assert_match "*db=9*" [$c client info]
        $c close
    }

    test "SELECT errors" {
        assert_error "ERR DB index is out of range" {r select 16}
        assert_error "ERR DB index is out of range" {r select -1}
        assert_error "ERR value is not an integer or out of range" {r select abc}
        assert_error "ERR value is out of range, value must between -2147483648 and 2147483647" \
            {r select 99999999999}
        assert_error "ERR wrong number of arguments for 'select' command" {r select}
        assert_equal OK [r select 0]
    }

    test "HELLO 3 returns Redis 7's map and switches to RESP3" {
        set c [new_client]
        set id [$c client id]
        set h [$c hello 3]
        assert_equal 14 [llength $h]
        assert_equal {server version proto id mode role modules} [dict keys $h]
        assert_equal redis [dict get $h server]
        assert_match {[0-9]*.[0-9]*.[0-9]*} [dict get $h version]
        assert_equal 3 [dict get $h proto]
        assert_equal $id [dict get $h id]
        assert_equal standalone [dict get $h mode]
        assert_equal master [dict get $h role]
        assert_equal {} [dict get $h modules]
        assert_match "*resp=3*" [$c client info]
        # RESP3 on the wire: null is "_", the HELLO reply is a map
        $c readraw 1
        assert_equal "_" [$c get no-such-key]
        assert_equal "%7" [$c hello]
        $c close
        # HELLO 2 goes back
        set c [new_client]
        $c hello 3
        assert_equal 2 [dict get [$c hello 2] proto]
        $c readraw 1
        assert_equal "\$-1" [$c get no-such-key]
        assert_equal "*14" [$c hello]
        $c close
    }

    test "HELLO without a version keeps the current protocol" {
        set c [new_client]
        assert_equal 2 [dict get [$c hello] proto]
        $c hello 3
        assert_equal 3 [dict get [$c hello] proto]
        $c close
    }

    test "HELLO errors" {
        assert_error "NOPROTO unsupported protocol version" {r hello 4}
        assert_error "NOPROTO unsupported protocol version" {r hello 1}
        assert_error "ERR Protocol version is not an integer or out of range" {r hello abc}
        assert_error "ERR Syntax error in HELLO option 'foo'" {r hello 3 foo}
        assert_error "ERR Syntax error in HELLO option 'auth'" {r hello 3 auth a}
        assert_error "ERR Syntax error in HELLO option 'setname'" {r hello 3 setname}
        assert_error "ERR Client names cannot contain spaces*" {r hello 3 setname "a b"}
        # nothing changed on error
        assert_match "*resp=2*" [r client info]
    }

    test "HELLO SETNAME and HELLO AUTH (no password configured)" {
        set c [new_client]
        set h [$c hello 3 setname myconn]
        assert_equal 3 [dict get $h proto]
        assert_equal myconn [$c client getname]
        # the default user has no password: any password is accepted for it
        assert_equal 2 [dict get [$c hello 2 auth default anything] proto]
        assert_error "WRONGPASS invalid username-password pair or user is disabled." \
            {$c hello 3 auth bob x}
        assert_error "WRONGPASS*" {$c hello 3 auth Default x}
        $c close
    }

    test "AUTH with no password configured" {
        set noconf "ERR AUTH <password> called without any password configured for the default"
        append noconf " user. Are you sure your configuration is correct?"
        assert_error $noconf {r auth foo}
        assert_equal OK [r auth default whatever]
        assert_error "WRONGPASS invalid username-password pair or user is disabled." \
            {r auth bob x}
        assert_error "ERR syntax error" {r auth a b c}
        assert_error "ERR wrong number of arguments for 'auth' command" {r auth}
    }

    test "RESET restores a fresh connection's state" {
        set c [new_client]
        set id [$c client id]
        $c select 5
        $c client setname resetme
        $c hello 3
        assert_match "*name=resetme*db=5*" [$c client info]
        assert_equal RESET [$c reset]
        set info [$c client info]
        assert_match "*id=$id *" $info
        assert_match "* name= *" $info
        assert_match "* db=0 *" $info
        assert_match "*resp=2*" $info
        assert_equal "" [$c client getname]
        $c readraw 1
        assert_equal "\$-1" [$c get no-such-key]
        $c close
    }

    test "RESET turns replies back on" {
        set c [new_client 0 1]
        $c client reply off
        $c set resetreply 1
        $c reset
        $c ping
        assert_equal RESET [$c read]
        assert_equal PONG [$c read]
        $c close
    }

    test "RESET leaves subscribed mode" {
        set c [new_client]
        $c subscribe resetch
        assert_equal 1 [lindex [r pubsub numsub resetch] 1]
        assert_equal RESET [$c reset]
        assert_equal PONG [$c ping]
        assert_equal 0 [lindex [r pubsub numsub resetch] 1]
        assert_match "*sub=0*" [$c client info]
        $c close
    }

    test "PING in RESP2 subscribed mode answers as a message" {
        set c [new_client]
        assert_equal {subscribe pingch 1} [$c subscribe pingch]
        assert_equal {pong {}} [$c ping]
        assert_equal {pong hi} [$c ping hi]
        assert_error "ERR Can't execute 'get'*" {$c get x}
        $c close
        # RESP3: subscribed clients can run anything, PING is plain
        set c [new_client]
        $c hello 3
        $c subscribe pingch
        assert_equal PONG [$c ping]
        $c close
    }

    test "MONITOR shows commands of other clients" {
        set m [deferring_client]
        $m monitor
        assert_equal OK [$m read]
        r set monkey monval
        assert_match {*"set" "monkey" "monval"*} [$m read]
        r get monkey
        assert_match {*"get" "monkey"*} [$m read]
        $m close
    }

    test "RESET stops MONITOR" {
        set m [deferring_client]
        $m monitor
        assert_equal OK [$m read]
        $m reset
        assert_equal RESET [$m read]
        r set monkey2 x
        $m ping
        assert_equal PONG [$m read]
        $m close
    }
}
