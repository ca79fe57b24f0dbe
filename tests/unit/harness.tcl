# harness.tcl - self-test of the test harness. It uses only PING, SET, GET, DEL, INCR, ECHO
# and HELLO, so it passes against any Redis-protocol server (`--server /usr/bin/redis-server`
# included) and tells a harness bug apart from a server bug. RESP3 types that those commands
# cannot produce are checked against a canned-reply server written in Tcl, below.

# A one-connection fake server: every time a request arrives it answers with the next canned
# reply from REPLIES (raw bytes), or with nothing once they run out. Returns its port.
proc fake_server {replies} {
    set port [get_free_port]
    set ::fake_replies $replies
    set ::fake_listener [socket -server {apply {{c a p} {
        fconfigure $c -translation binary -blocking 0
        fileevent $c readable [list apply {{c} {
            if {[read $c] eq "" && [eof $c]} { close $c; return }
            if {[llength $::fake_replies]} {
                puts -nonewline $c [lindex $::fake_replies 0]
                flush $c
                set ::fake_replies [lrange $::fake_replies 1 end]
            }
        }} $c]
    }}} -myaddr 127.0.0.1 $port]
    return $port
}

test "assertions report failures as errors" {
    assert_error "Expected '1' to be equal to '2'*" {assert_equal 1 2}
    assert_error "*to differ*" {assert_not_equal 1 1}
    assert_error "*to match*" {assert_match "a*" "ba"}
    assert_error "*between*" {assert_range 5 1 4}
    assert_error "*to be true*" {assert {1 == 2}}
    assert_error "*matching*" {assert_error "*" {set x ok}}
    assert_error "boom*" {fail boom}
    set i 0
    wait_for_condition 10 1 {[incr i] == 3} else { fail "condition never held" }
    assert_equal 3 $i
    assert_error "gave up" {wait_for_condition 3 1 {0} else { error "gave up" }}
}

test "helpers: randstring, randomInt, getInfoProperty" {
    set s [randstring 5 10 alpha]
    assert_range [string length $s] 5 10
    assert [regexp {^[0-z]+$} $s]
    assert_equal 100 [string length [randstring 100 100 binary]]
    assert_range [randomInt 10] 0 9
    set info "# Server\r\nredis_version:7.0.0\r\n\r\n# Clients\r\nconnected_clients:3\r\n"
    assert_equal 3 [getInfoProperty $info connected_clients]
    assert_equal "" [getInfoProperty $info no_such_field]
}

test "RESP3 reply types parse" {
    set port [fake_server [list \
        "%2\r\n+proto\r\n:3\r\n\$4\r\nmode\r\n\$10\r\nstandalone\r\n" \
        "~3\r\n:1\r\n:2\r\n:3\r\n" \
        "_\r\n" \
        ",3.25\r\n" \
        ",-inf\r\n" \
        "#t\r\n" \
        "#f\r\n" \
        "=15\r\ntxt:Some string\r\n" \
        "(3492890328409238509324850943850943825024385\r\n" \
        "|1\r\n+ttl\r\n:3600\r\n:42\r\n" \
        ">3\r\n\$7\r\nmessage\r\n\$2\r\nch\r\n\$2\r\nhi\r\n" \
        "*2\r\n+OK\r\n-ERR inner\r\n" \
        "*-1\r\n" \
    ]]
    set c [vl_client 127.0.0.1 $port]
    assert_equal {proto 3 mode standalone} [$c hello 3]
    assert_equal {1 2 3} [$c x]
    assert_equal "" [$c x]
    assert_equal 3.25 [$c x]
    assert_equal -inf [$c x]
    assert_equal 1 [$c x]
    assert_equal 0 [$c x]
    assert_equal "Some string" [$c x]
    assert_equal 3492890328409238509324850943850943825024385 [$c x]
    assert_equal 42 [$c x]
    assert_equal {message ch hi} [$c x]
    assert_equal {OK {ERR inner}} [$c x]
    assert_equal "" [$c x]
    # No reply left: the read must give up after its timeout, not hang.
    $c timeout 200
    assert_error "*timeout*" {$c x}
    $c close
    close $::fake_listener
}

start_server {} {
    test "PING, SET, GET, DEL, INCR" {
        assert_equal PONG [r ping]
        assert_equal OK [r set foo bar]
        assert_equal bar [r get foo]
        assert_equal 1 [r del foo]
        assert_equal "" [r get foo]
        assert_equal 1 [r incr counter]
        assert_equal 2 [r incr counter]
    }

    test "error replies raise Tcl errors" {
        assert_error "*unknown command*" {r nosuchcommand}
        r set str notanumber
        assert_error "ERR *" {r incr str}
    }

    test "binary-safe values" {
        set v "a\x00b\r\nc\x00\xff\r\n"
        assert_equal $v [r echo $v]
        r set bin $v
        assert_equal $v [r get bin]
        set big [randstring 100000 100000 binary]
        r set big $big
        assert_equal $big [r get big]
    }

    test "non-ASCII text goes out as UTF-8" {
        r set utf "h\u00e9llo \u65e5\u672c"
        assert_equal [encoding convertto utf-8 "h\u00e9llo \u65e5\u672c"] [r get utf]
    }

    test "pipeline of 1000 SETs with write/flush, then 1000 reads" {
        set c [srv client]
        for {set i 0} {$i < 1000} {incr i} {
            set k key:$i
            set klen [string length $k]
            $c write "*3\r\n\$3\r\nSET\r\n\$$klen\r\n$k\r\n\$[string length $i]\r\n$i\r\n"
        }
        $c flush
        for {set i 0} {$i < 1000} {incr i} { assert_equal OK [$c read] }
        assert_equal 999 [r get key:999]
    }

    test "readraw returns reply lines" {
        set c [new_client]
        $c readraw 1
        assert_equal +OK [$c set raw abc]
        assert_equal {$3} [$c get raw]
        assert_equal abc [$c read]
        assert_equal :1 [$c del raw]
        assert_equal {$-1} [$c get raw]
    }

    test "deferring client" {
        set d [deferring_client]
        $d set d1 1
        $d incr d1
        $d get d1
        assert_equal OK [$d read]
        assert_equal 2 [$d read]
        assert_equal 2 [$d read]
    }

    test "HELLO 3 switches to RESP3 and the map parses" {
        set c [new_client]
        set hello [$c hello 3]
        assert_equal 3 [dict get $hello proto]
        assert_equal "" [$c get no-such-key]
        assert_equal OK [$c set k3 v]
        assert_equal v [$c get k3]
    }

    test "srv fields" {
        assert [process_is_alive [srv pid]]
        assert [file isdirectory [srv dir]]
        assert [file exists [srv stdout]]
        assert_equal 127.0.0.1 [srv host]
    }

    start_server {} {
        test "nested servers: r and r -1 reach different servers" {
            r set where inner
            r -1 set where outer
            assert_equal inner [r get where]
            assert_equal outer [r -1 get where]
            assert_not_equal [srv port] [srv -1 port]
        }
    }
}
