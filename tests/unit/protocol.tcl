# protocol.tcl - the request parser seen from a socket: malformed input, limits, requests cut
# at every byte, big pipelines, inline commands, unauthenticated caps, query buffer limit,
# maxclients. Each bad request must get its "ERR Protocol error: ..." reply, close that one
# connection, and leave every other client and the data alone.

# Sends PAYLOAD on a fresh connection and expects the error EXPECTED (exact text), then EOF.
# The write may fail half way when the server closes first: what it sent before still counts.
proc proto_error_case {payload expected} {
    set c [new_client]
    catch {$c write $payload; $c flush}
    catch {$c read} err
    assert_equal $expected $err
    assert_error "*I/O error*" {$c read}
    $c close
    assert_equal intact [r get canary]
    assert_equal PONG [r ping]
}

start_server {tags {"protocol"}} {
    r set canary intact

    test "Negative multibulk length is ignored" {
        set c [new_client]
        $c write "*-10\r\n*1\r\n\$4\r\nPING\r\n"
        $c flush
        assert_equal PONG [$c read]
        $c write "*0\r\n\r\n\r\nPING\r\n"
        $c flush
        assert_equal PONG [$c read]
        $c close
    }

    test "Out of range multibulk length" {
        proto_error_case "*3000000000\r\n" "ERR Protocol error: invalid multibulk length"
    }

    test "Non-numeric multibulk length" {
        proto_error_case "*abc\r\n" "ERR Protocol error: invalid multibulk length"
    }

    test "Multibulk argument without '\$'" {
        proto_error_case "*1\r\nxPING\r\n" "ERR Protocol error: expected '\$', got 'x'"
        proto_error_case "*3\r\n\$3\r\nSET\r\n\$1\r\nx\r\nfooz\r\n" \
            "ERR Protocol error: expected '\$', got 'f'"
    }

    test "Negative bulk length" {
        proto_error_case "*1\r\n\$-1\r\n" "ERR Protocol error: invalid bulk length"
        proto_error_case "*3\r\n\$3\r\nSET\r\n\$1\r\nx\r\n\$-10\r\n" \
            "ERR Protocol error: invalid bulk length"
    }

    test "Huge and non-numeric bulk lengths" {
        proto_error_case "*1\r\n\$9999999999\r\n" "ERR Protocol error: invalid bulk length"
        proto_error_case "*1\r\n\$2000000000\r\n" "ERR Protocol error: invalid bulk length"
        proto_error_case "*1\r\n\$blabla\r\n" "ERR Protocol error: invalid bulk length"
    }

    test "Bulk longer than proto-max-bulk-len" {
        r config set proto-max-bulk-len 1mb
        # the exact limit is accepted (a new client: it gets the current limit)
        set c [new_client]
        set v [string repeat x 1048576]
        assert_equal $v [$c echo $v]
        $c close
        proto_error_case "*2\r\n\$4\r\nECHO\r\n\$1048577\r\n" \
            "ERR Protocol error: invalid bulk length"
        r config set proto-max-bulk-len 512mb
    }

    test "Inline request over 64 KB without a newline" {
        proto_error_case [string repeat a 70000] "ERR Protocol error: too big inline request"
    }

    test "Unbalanced quotes in an inline request" {
        proto_error_case "SET a \"b\r\n" "ERR Protocol error: unbalanced quotes in request"
        proto_error_case "SET \"\"\"test-key\"\"\" test-value\r\nPING\r\n" \
            "ERR Protocol error: unbalanced quotes in request"
        proto_error_case "SET 'a b\r\n" "ERR Protocol error: unbalanced quotes in request"
    }

    # Redis's "protocol desync" cases: NUL bytes where a header or command should be, then a
    # stream of junk without a newline; the server must answer with a protocol error and
    # close, not wait forever.
    foreach seq [list "\x00" "*\x00" "\$\x00" "*1\r\n\$\x00" "*\x00\r\n"] {
        test "Protocol desync regression [string map {\x00 \\x00 \r \\r \n \\n} $seq]" {
            set c [new_client]
            catch {
                $c write $seq
                for {set i 0} {$i < 100} {incr i} { $c write [string repeat A 1024] }
                $c flush
            }
            catch {$c read} err
            assert_match "ERR Protocol error*" $err
            assert_error "*I/O error*" {$c read}
            $c close
            assert_equal intact [r get canary]
        }
    }

    test "NUL bytes are binary-safe in bulks" {
        r set "k\x00ey" "v\x00al"
        assert_equal "v\x00al" [r get "k\x00ey"]
        assert_equal "\x00\r\n\x00" [r echo "\x00\r\n\x00"]
    }

    test "Random garbage: connections may die, the server and other clients don't" {
        set pieces [list "*" "\$" "\r\n" "\n" "-1" "3" "999999999999" "\x00" "\"" "'" \
            "PING" "SET" " " "\\x" "+OK"]
        for {set i 0} {$i < 50} {incr i} {
            set junk ""
            set n [expr {1 + [randomInt 60]}]
            for {set j 0} {$j < $n} {incr j} {
                if {[randomInt 3] == 0} {
                    append junk [randstring 1 20 binary]
                } else {
                    append junk [lindex $pieces [randomInt [llength $pieces]]]
                }
            }
            set c [new_client]
            catch {$c write $junk; $c flush}
            $c close
        }
        assert_equal intact [r get canary]
        assert_equal PONG [r ping]
        set c [new_client]
        assert_equal PONG [$c ping]
        $c close
    }

    set req "*3\r\n\$3\r\nSET\r\n\$1\r\nk\r\n\$5\r\nhello\r\n"

    test "A request sent one byte at a time" {
        r del k
        set c [new_client]
        foreach ch [split $req ""] {
            $c write $ch
            $c flush
        }
        assert_equal OK [$c read]
        assert_equal hello [r get k]
        $c close
    }

    test "A request split in two at every possible point" {
        set c [new_client]
        for {set i 1} {$i < [string length $req]} {incr i} {
            r del k
            $c write [string range $req 0 [expr {$i - 1}]]
            $c flush
            $c write [string range $req $i end]
            $c flush
            assert_equal OK [$c read]
            assert_equal hello [r get k] "split at byte $i"
        }
        $c close
    }

    test "Pipelining 10,000 commands in one write" {
        r del counter
        set c [new_client]
        set buf ""
        for {set i 0} {$i < 10000} {incr i} {
            append buf "*2\r\n\$4\r\nINCR\r\n\$7\r\ncounter\r\n"
        }
        $c write $buf
        $c flush
        for {set i 1} {$i <= 10000} {incr i} {
            set v [$c read]
            if {$v != $i} { fail "reply $i was '$v'" }
        }
        assert_equal 10000 [r get counter]
        $c close
    }

    test "Inline commands" {
        set c [new_client]
        $c write "PING\r\n"
        $c flush
        assert_equal PONG [$c read]
        $c write "SET a \"b c\"\r\n"
        $c flush
        assert_equal OK [$c read]
        assert_equal "b c" [r get a]
        # escapes in double quotes, single quotes, a bare \n line end
        $c write "SET b \"\\x41\\n\"\nSET c 'it\\'s'\n"
        $c flush
        assert_equal OK [$c read]
        assert_equal OK [$c read]
        assert_equal "A\n" [r get b]
        assert_equal "it's" [r get c]
        $c write "ECHO 'x y'\r\n"
        $c flush
        assert_equal "x y" [$c read]
        $c close
    }

    test "Unknown command and wrong arity texts" {
        assert_error "ERR unknown command 'foo', with args beginning with: 'bar' " {r foo bar}
        assert_error "ERR unknown command 'foo', with args beginning with: " {r foo}
        assert_error "ERR wrong number of arguments for 'get' command" {r get}
        assert_error "ERR wrong number of arguments for 'ping' command" {r ping a b}
        assert_error "ERR wrong number of arguments for 'echo' command" {r echo}
        # the connection survives these
        assert_equal PONG [r ping]
    }

    test "Query buffer limit closes the client and counts it" {
        r config set client-query-buffer-limit 1mb
        set before [s client_query_buffer_limit_disconnections]
        if {$before eq ""} { set before 0 }
        set c [new_client]
        set chunk [string repeat x 65536]
        catch {
            $c write "*3\r\n\$3\r\nSET\r\n\$7\r\nqbuf-k1\r\n\$2000000\r\n"
            for {set i 0} {$i < 24} {incr i} { $c write $chunk }
            $c flush
        }
        assert_error "*I/O error*" {$c read}
        $c close
        wait_for_condition 50 100 {
            [s client_query_buffer_limit_disconnections] == $before + 1
        } else {
            fail "client_query_buffer_limit_disconnections did not go up"
        }
        assert_equal 0 [r exists qbuf-k1]
        assert_equal intact [r get canary]
        r config set client-query-buffer-limit 1gb
    }
}

# A server with a password. Set at run time: clients connected before keep their
# authentication (as in Redis), new ones must AUTH.
start_server {tags {"protocol" "auth"}} {
    r config set requirepass foo

    test "NOAUTH before AUTH, no-auth commands still run" {
        set c [new_client]
        assert_error "NOAUTH Authentication required." {$c ping}
        assert_error "NOAUTH Authentication required." {$c set a b}
        assert_error "NOAUTH Authentication required." {$c select 1}
        assert_error "NOAUTH Authentication required." {$c client id}
        assert_error "NOAUTH HELLO must be called*" {$c hello 3}
        assert_error "WRONGPASS*" {$c auth bar}
        assert_equal OK [$c auth foo]
        assert_equal PONG [$c ping]
        $c close
    }

    test "Unauthenticated: more than 10 arguments closes the connection" {
        set c [new_client]
        set cmd "*11\r\n"
        for {set i 0} {$i < 11} {incr i} { append cmd "\$1\r\nx\r\n" }
        catch {$c write $cmd; $c flush}
        catch {$c read} err
        assert_equal "ERR Protocol error: unauthenticated multibulk length" $err
        assert_error "*I/O error*" {$c read}
        $c close
        assert_equal PONG [r ping]
    }

    test "Unauthenticated: a bulk over 16 KB closes the connection" {
        set c [new_client]
        catch {
            $c write "*2\r\n\$4\r\nAUTH\r\n\$16385\r\n[string repeat x 16385]\r\n"
            $c flush
        }
        catch {$c read} err
        assert_equal "ERR Protocol error: unauthenticated bulk length" $err
        assert_error "*I/O error*" {$c read}
        $c close
    }

    test "Unauthenticated: 10 arguments and a 16 KB bulk are still fine" {
        set c [new_client]
        assert_error "WRONGPASS*" {$c auth [string repeat x 16384]}
        assert_error "NOAUTH*" {$c del 1 2 3 4 5 6 7 8 9}
        assert_equal OK [$c auth foo]
        # authenticated: the caps are gone
        assert_equal OK [$c set big [string repeat x 20000]]
        assert_equal 1 [$c del big a b c d e f g h i j]
        $c close
    }

    test "RESET makes an authenticated client unauthenticated again" {
        set c [new_client]
        assert_equal OK [$c auth default foo]
        assert_equal PONG [$c ping]
        assert_equal RESET [$c reset]
        assert_error "NOAUTH Authentication required." {$c ping}
        $c close
    }

    r config set requirepass ""
}

start_server {tags {"protocol"} overrides {maxclients 2}} {
    proc nclients {} { llength [split [string trim [r client list]] "\n"] }

    test "maxclients: the client over the limit gets an error and is closed" {
        # the harness's readiness probe may still be going away
        wait_for_condition 50 100 {[nclients] == 1} else { fail "probe client still there" }
        set c2 [new_client]
        assert_equal PONG [$c2 ping]
        set c3 [new_client]
        catch {$c3 read} err
        assert_equal "ERR max number of clients reached" $err
        assert_error "*I/O error*" {$c3 read}
        $c3 close
        # a slot freed is a slot usable
        $c2 close
        wait_for_condition 50 100 {[nclients] == 1} else { fail "closed client still listed" }
        set c4 [new_client]
        assert_equal PONG [$c4 ping]
        $c4 close
        assert_equal PONG [r ping]
    }
}
