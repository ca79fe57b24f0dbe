# client-eviction.tcl - maxmemory-clients: when what the clients hold (query buffers, parser
# arrays, output, structs) passes the limit, the largest evictable clients are disconnected,
# counted in INFO evicted_clients; CLIENT NO-EVICT exempts a client; 0 turns it off; a
# percentage is of maxmemory; CLIENT LIST tot-mem shows what each client is counted for.

# A raw client that names itself (and, if asked, is exempt), then sends the first `bytes`
# of a 1 MB ECHO: the server keeps them in its query buffer, waiting for the rest.
proc half_sent_client {name bytes {noevict 0}} {
    set fd [raw_socket]
    fconfigure $fd -blocking 1
    puts -nonewline $fd "CLIENT SETNAME $name\r\n"
    flush $fd
    assert_equal "+OK" [string trimright [gets $fd] "\r"]
    if {$noevict} {
        puts -nonewline $fd "CLIENT NO-EVICT on\r\n"
        flush $fd
        assert_equal "+OK" [string trimright [gets $fd] "\r"]
    }
    fconfigure $fd -blocking 0
    puts -nonewline $fd "*2\r\n\$4\r\nECHO\r\n\$1000000\r\n"
    # in pieces: the server counts after each read; writes fail once it closed us
    catch {
        for {set sent 0} {$sent < $bytes} {incr sent 16384} {
            puts -nonewline $fd [string repeat x 16384]
            flush $fd
        }
    }
    return $fd
}

proc client_field {name field} {
    foreach line [split [r client list] "\n"] {
        if {[string match "* name=$name *" $line] &&
            [regexp " $field=(\[^ \]+)" $line - v]} {
            return $v
        }
    }
    return ""
}

proc client_gone {name} {
    return [expr {![string match "* name=$name *" [r client list]]}]
}

start_server {tags {"maxmemory" "client-eviction"}} {
    r client no-evict on

    test "maxmemory-clients: bytes, percent of maxmemory, 0; bad values refused" {
        assert_equal {maxmemory-clients 0} [r config get maxmemory-clients]
        r config set maxmemory-clients 3mb
        assert_equal {maxmemory-clients 3145728} [r config get maxmemory-clients]
        r config set maxmemory-clients 10%
        assert_equal {maxmemory-clients 10%} [r config get maxmemory-clients]
        r config set maxmemory-clients 100%
        assert_equal {maxmemory-clients 100%} [r config get maxmemory-clients]
        # over 100%: Valkey's own text
        assert_error "*percentage argument must be less or equal to 100*" {
            r config set maxmemory-clients 101%
        }
        foreach bad {abc -1 -5% 10%% %} {
            assert_error "*argument must be a memory or percent value*" {
                r config set maxmemory-clients $bad
            }
        }
        assert_equal {maxmemory-clients 100%} [r config get maxmemory-clients]
        r config set maxmemory-clients 0
        assert_equal {maxmemory-clients 0} [r config get maxmemory-clients]
    }

    test "CLIENT LIST tot-mem counts a half-sent command's query buffer" {
        set fd [half_sent_client big 300000]
        wait_for_condition 100 10 {[client_field big qbuf] >= 300000} else {
            fail "the server did not read it: [r client list]"
        }
        assert {[client_field big tot-mem] > 300000}
        close $fd
    }

    test "the client over maxmemory-clients is disconnected and counted" {
        r config resetstat
        r config set maxmemory-clients 200kb
        set small [half_sent_client small 1]
        set fd [half_sent_client big 400000]
        wait_for_condition 100 10 {[s evicted_clients] >= 1} else {
            fail "no client evicted: [r client list]"
        }
        wait_for_condition 100 10 {[raw_closed $fd]} else { fail "the big one is still open" }
        assert {[client_gone big]}
        # one eviction was enough: the small one stays, and no key was evicted for it
        assert_equal 1 [s evicted_clients]
        assert_equal 0 [client_gone small]
        assert_equal 0 [s evicted_keys]
        assert_equal 0 [raw_closed $small]
        close $small
        r config set maxmemory-clients 0
    }

    test "CLIENT NO-EVICT on: never the one chosen; evictable ones go instead" {
        r config resetstat
        r config set maxmemory-clients 200kb
        set small [half_sent_client small 1]
        set fd [half_sent_client exempt 400000 1]
        wait_for_condition 100 10 {[client_field exempt qbuf] >= 400000} else {
            fail "the server did not read it: [r client list]"
        }
        wait_for_condition 100 10 {[client_gone small]} else {
            fail "the evictable client was kept: [r client list]"
        }
        assert_equal 0 [client_gone exempt]
        assert_equal 1 [s evicted_clients]
        # with only exempt clients left over the limit, nothing more happens
        r ping
        assert_equal 0 [client_gone exempt]
        assert_equal 1 [s evicted_clients]
        close $fd
        close $small
        r config set maxmemory-clients 0
    }

    test "maxmemory-clients 0: no client is evicted, however large" {
        r config resetstat
        r config set maxmemory-clients 0
        set fd [half_sent_client big 400000]
        wait_for_condition 100 10 {[client_field big qbuf] >= 400000} else {
            fail "the server did not read it: [r client list]"
        }
        r ping
        assert_equal 0 [client_gone big]
        assert_equal 0 [s evicted_clients]
        close $fd
    }

    test "a percentage is of maxmemory; with no maxmemory it is off" {
        r config resetstat
        r config set maxmemory 0
        r config set maxmemory-clients 1%
        set fd [half_sent_client big 400000]
        wait_for_condition 100 10 {[client_field big qbuf] >= 400000} else {
            fail "the server did not read it: [r client list]"
        }
        assert_equal 0 [s evicted_clients]
        close $fd
        # 2% of 10 MB: about 200 KB
        r config set maxmemory 10mb
        r config set maxmemory-clients 2%
        set fd [half_sent_client big 400000]
        wait_for_condition 100 10 {[s evicted_clients] >= 1} else {
            fail "no client evicted: [r client list]"
        }
        assert {[client_gone big]}
        close $fd
        r config set maxmemory-clients 0
        r config set maxmemory 0
    }

    test "a tiny maxmemory-clients acts as 128 KB, so that clients can still talk" {
        r config resetstat
        r config set maxmemory-clients 1
        set small [half_sent_client small 1]
        r ping
        assert_equal 0 [client_gone small]
        set fd [half_sent_client big 300000]
        wait_for_condition 100 10 {[s evicted_clients] >= 1} else {
            fail "no client evicted: [r client list]"
        }
        assert {[client_gone big]}
        assert_equal 0 [client_gone small]
        close $fd
        close $small
        r config set maxmemory-clients 0
    }

    test "output a subscriber does not read counts: it is evicted, the publisher is not" {
        r config resetstat
        r config set maxmemory-clients 1mb
        set sub [new_client]
        $sub client setname reader
        $sub subscribe news
        set big [string repeat m 200000]
        # bounded: the kernel's socket buffers take a few MB before the server keeps any
        for {set i 0} {$i < 500 && [s evicted_clients] == 0} {incr i} { r publish news $big }
        assert_equal 1 [s evicted_clients]
        assert {[client_gone reader]}
        assert_equal 0 [s evicted_keys]
        r config set maxmemory-clients 0
    }

    test "replies a pipelining client does not read: it is evicted, others stay" {
        r config resetstat
        r set blob [string repeat b 100000]
        r config set maxmemory-clients 1mb
        set fd [raw_socket]
        fconfigure $fd -blocking 1
        puts -nonewline $fd "CLIENT SETNAME greedy\r\n"
        flush $fd
        assert_equal "+OK" [string trimright [gets $fd] "\r"]
        fconfigure $fd -blocking 0
        for {set i 0} {$i < 500 && [s evicted_clients] == 0} {incr i} {
            # once closed, the writes fail: the loop ends on the counter
            catch {
                puts -nonewline $fd [string repeat "GET blob\r\n" 20]
                flush $fd
            }
            r ping
        }
        assert_equal 1 [s evicted_clients]
        assert {[client_gone greedy]}
        assert_equal 1 [r exists blob]
        close $fd
        r config set maxmemory-clients 0
    }
}
