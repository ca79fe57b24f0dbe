# pubsub.tcl - SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE, PUBLISH / SPUBLISH and PUBSUB introspection
# in RESP2 (RESP3 is pubsub-resp3.tcl, output limits pubsub-limits.tcl), subscribed-mode rules,
# glob edge cases, disconnects, storms, and the memory of a million channels.

# Sends a (un)subscribe command on the deferring client RD and reads one confirmation per
# name (or one for an argument-less unsubscribe); returns the confirmations.
proc ps_cmd {rd cmd args} {
    $rd $cmd {*}$args
    set n [expr {[llength $args] ? [llength $args] : 1}]
    set out {}
    for {set i 0} {$i < $n} {incr i} { lappend out [$rd read] }
    return $out
}

# Unsubscribe-all replies come in dict order: read COUNT of them, return them sorted by name.
proc ps_read_n {rd count} {
    set out {}
    for {set i 0} {$i < $count} {incr i} { lappend out [$rd read] }
    return [lsort -index 1 $out]
}

# Raw sockets for bulk work: thousands of subscriptions or connections without the per-reply
# cost of the Tcl client. Replies are drained, not parsed: a batch is done when its last
# reply (a known count) has arrived.
proc raw_open {} {
    set fd [socket 127.0.0.1 [srv port]]
    # one write per command: a command split over 4 KB writes waits on delayed ACKs (40 ms)
    fconfigure $fd -translation binary -blocking 0 -buffering full -buffersize 1048576
    return $fd
}

proc raw_cmd {argv} {
    set out "*[llength $argv]\r\n"
    foreach a $argv { append out "\$[string length $a]\r\n$a\r\n" }
    return $out
}

# Reads from FD until MARKER has been seen (bounded by a 60 s deadline).
proc raw_wait_for {fd marker} {
    set tail ""
    set deadline [expr {[clock milliseconds] + 60000}]
    while {[string first $marker $tail] < 0} {
        set data [read $fd]
        if {$data eq ""} {
            if {[eof $fd]} { error "connection closed while waiting for [list $marker]" }
            if {[clock milliseconds] > $deadline} { error "timeout waiting for [list $marker]" }
            set ::raw_ev ""
            fileevent $fd readable {set ::raw_ev r}
            set aid [after 1000 {set ::raw_ev t}]
            vwait ::raw_ev
            after cancel $aid
            fileevent $fd readable {}
            continue
        }
        set tail [string range "$tail$data" end-[expr {[string length $marker] + 64}] end]
    }
}

# Subscribes FD to channels PREFIX.FROM .. PREFIX.(TO-1) in batches of 1000; the reply count
# after each batch is the running total (names hold no ':' so the marker is unambiguous).
proc raw_subscribe_range {fd cmd prefix from to {start_total 0}} {
    set total $start_total
    for {set i $from} {$i < $to} {set i $next} {
        set next [expr {min($i + 1000, $to)}]
        set argv [list $cmd]
        for {set j $i} {$j < $next} {incr j} { lappend argv $prefix.$j }
        puts -nonewline $fd [raw_cmd $argv]
        flush $fd
        if {[string match *UNSUB* [string toupper $cmd]]} {
            incr total [expr {$i - $next}]
        } else {
            incr total [expr {$next - $i}]
        }
        raw_wait_for $fd "\r\n:$total\r\n"
    }
    return $total
}

proc used_memory {} { return [s used_memory] }

start_server {tags {pubsub}} {
    test "SUBSCRIBE confirms each channel with the running count" {
        set rd [deferring_client]
        assert_equal {{subscribe a 1} {subscribe b 2} {subscribe a 2}} [ps_cmd $rd subscribe a b a]
        assert_equal {{subscribe c 3}} [ps_cmd $rd subscribe c]
        $rd close
    }

    test "PUBLISH delivers to every subscriber and returns the receivers" {
        set rd1 [deferring_client]
        set rd2 [deferring_client]
        ps_cmd $rd1 subscribe chan1 chan2
        ps_cmd $rd2 subscribe chan1
        assert_equal 2 [r publish chan1 hello]
        assert_equal 1 [r publish chan2 world]
        assert_equal 0 [r publish chan3 nobody]
        assert_equal {message chan1 hello} [$rd1 read]
        assert_equal {message chan2 world} [$rd1 read]
        assert_equal {message chan1 hello} [$rd2 read]
        $rd1 close
        $rd2 close
    }

    test "PUBLISH of binary channel names and payloads" {
        set rd [deferring_client]
        set ch "bin\x00ch\r\n"
        set msg "\x00\xff\r\n\$3\r\nend"
        ps_cmd $rd subscribe $ch
        assert_equal 1 [r publish $ch $msg]
        assert_equal [list message $ch $msg] [$rd read]
        assert_equal 0 [r publish "bin" x]
        assert_equal 0 [r publish "" nobody]
        $rd close
    }

    test "UNSUBSCRIBE of given channels, subscribed or not" {
        set rd [deferring_client]
        ps_cmd $rd subscribe a b c
        assert_equal {{unsubscribe b 2} {unsubscribe nope 2} {unsubscribe a 1}} \
            [ps_cmd $rd unsubscribe b nope a]
        assert_equal 0 [r publish a x]
        assert_equal 1 [r publish c x]
        assert_equal {message c x} [$rd read]
        $rd close
    }

    test "UNSUBSCRIBE without arguments drops every channel, one reply each" {
        set rd [deferring_client]
        ps_cmd $rd subscribe x y z
        $rd unsubscribe
        set replies [ps_read_n $rd 3]
        assert_equal {x y z} [lmap r $replies {lindex $r 1}]
        assert_equal {0 1 2} [lsort [lmap r $replies {lindex $r 2}]]
        foreach r $replies { assert_equal unsubscribe [lindex $r 0] }
        assert_equal {0 0 0} [lmap ch {x y z} {r publish $ch m}]
        $rd close
    }

    test "UNSUBSCRIBE / PUNSUBSCRIBE / SUNSUBSCRIBE outside subscribed mode: NOSUB (Valkey 8)" {
        set rd [deferring_client]
        foreach cmd {unsubscribe punsubscribe sunsubscribe} {
            $rd $cmd
            assert_error "NOSUB '$cmd' command executed not in subscribed mode" {$rd read}
            $rd $cmd a b
            assert_error "NOSUB '$cmd' command executed not in subscribed mode" {$rd read}
        }
        # once subscribed, an argument-less unsubscribe of another kind: nil channel, count
        assert_equal {{subscribe a 1}} [ps_cmd $rd subscribe a]
        assert_equal {{punsubscribe {} 1}} [ps_cmd $rd punsubscribe]
        assert_equal {{unsubscribe a 0}} [ps_cmd $rd unsubscribe]
        # the same client then works normally: it left subscribed mode
        $rd ping
        assert_equal PONG [$rd read]
        $rd close
    }

    test "PSUBSCRIBE / pmessage / PUNSUBSCRIBE; counts shared with channels" {
        set rd [deferring_client]
        assert_equal {{subscribe plain 1}} [ps_cmd $rd subscribe plain]
        assert_equal {{psubscribe foo.* 2} {psubscribe bar.* 3}} [ps_cmd $rd psubscribe foo.* bar.*]
        assert_equal 1 [r publish foo.1 hello]
        assert_equal 1 [r publish bar.2 world]
        assert_equal 0 [r publish baz.3 nothing]
        assert_equal {pmessage foo.* foo.1 hello} [$rd read]
        assert_equal {pmessage bar.* bar.2 world} [$rd read]
        assert_equal {{punsubscribe foo.* 2}} [ps_cmd $rd punsubscribe foo.*]
        assert_equal 0 [r publish foo.1 gone]
        $rd punsubscribe
        assert_equal {{punsubscribe bar.* 1}} [ps_read_n $rd 1]
        assert_equal {{punsubscribe {} 1}} [ps_cmd $rd punsubscribe]
        $rd close
    }

    test "A channel matched by several patterns and its own name: one message per match" {
        set rd [deferring_client]
        ps_cmd $rd subscribe news.tech
        ps_cmd $rd psubscribe news.* *.tech news.tech
        assert_equal 4 [r publish news.tech hi]
        set got {}
        for {set i 0} {$i < 4} {incr i} { lappend got [$rd read] }
        assert_equal [list {message news.tech hi} {pmessage *.tech news.tech hi} \
            {pmessage news.* news.tech hi} {pmessage news.tech news.tech hi}] [lsort $got]
        $rd close
    }

    test "PSUBSCRIBE glob edge cases (Redis matching: ? * classes ranges negation escapes)" {
        set rd [deferring_client]
        # pattern, channel, expected match: each checked against redis-server 7.0
        set cases {
            h?llo hello 1   h?llo hllo 0     h?llo heello 0
            h*llo hllo 1    h*llo heeello 1  h*llo hellO 0
            h[ae]llo hallo 1  h[ae]llo hillo 0
            h[^e]llo hallo 1  h[^e]llo hello 0
            h[a-c]llo hbllo 1 h[a-c]llo hdllo 0  h[c-a]llo hbllo 1
            {h\*llo} h*llo 1  {h\*llo} hello 0
            {h\?llo} h?llo 1  {h\?llo} hallo 0
            {h[\]]llo} h]llo 1
            {h\[llo} {h[llo} 1  {h\[llo} {h\[llo} 0
            Hello hello 0   * anything 1   ?? ab 1   ?? abc 0
            {a[} {a[} 0   {a[} a 0   {[abc} a 1   {[abc} d 0
            *b* abc 1   *c ab 0   {a\x} ax 1   a\\ a\\ 1   a\\ a 0
            {[a-]} - 0   {[]]} {]} 0   {[^]} x 1
        }
        set i 0
        foreach {pat ch want} $cases {
            incr i
            set rd [deferring_client]
            ps_cmd $rd psubscribe $pat
            assert_equal $want [r publish $ch m] "pattern '$pat' vs channel '$ch'"
            if {$want} { assert_equal [list pmessage $pat $ch m] [$rd read] }
            $rd close
            wait_for_condition 50 20 {[r pubsub numpat] == 0} else { fail "pattern left" }
        }
        # "*" never matches the empty channel (Redis's matcher); only "" does
        set rd [deferring_client]
        ps_cmd $rd psubscribe * {}
        assert_equal 1 [r publish "" m]
        assert_equal {pmessage {} {} m} [$rd read]
        $rd close
    }

    test "SSUBSCRIBE / SPUBLISH / SUNSUBSCRIBE: smessage, own counts, no crossover" {
        set rd [deferring_client]
        ps_cmd $rd subscribe c1
        assert_equal {{ssubscribe s1 1} {ssubscribe s2 2} {ssubscribe s1 2}} \
            [ps_cmd $rd ssubscribe s1 s2 s1]
        ps_cmd $rd psubscribe *
        assert_equal 1 [r spublish s1 hello]
        assert_equal {smessage s1 hello} [$rd read]
        # PUBLISH does not reach shard subscribers (the pattern still matches it)
        assert_equal 1 [r publish s1 plain]
        assert_equal {pmessage * s1 plain} [$rd read]
        # SPUBLISH does not reach channel or pattern subscribers
        assert_equal 0 [r spublish c1 x]
        assert_equal {{sunsubscribe s2 1}} [ps_cmd $rd sunsubscribe s2]
        $rd sunsubscribe
        assert_equal {{sunsubscribe s1 0}} [ps_read_n $rd 1]
        assert_equal {{sunsubscribe {} 0}} [ps_cmd $rd sunsubscribe]
        # channels and patterns are still there: subscribed mode continues
        assert_equal 2 [r publish c1 still]
        $rd close
    }

    test "PUBSUB CHANNELS / NUMSUB / NUMPAT / SHARDCHANNELS / SHARDNUMSUB" {
        set rd1 [deferring_client]
        set rd2 [deferring_client]
        ps_cmd $rd1 subscribe news.a news.b other
        ps_cmd $rd2 subscribe news.a
        ps_cmd $rd1 psubscribe p1* p2*
        ps_cmd $rd2 psubscribe p1*
        ps_cmd $rd1 ssubscribe shard.a shard.b
        ps_cmd $rd2 ssubscribe shard.a
        assert_equal {news.a news.b other} [lsort [r pubsub channels]]
        assert_equal {news.a news.b} [lsort [r pubsub channels news.*]]
        assert_equal {} [r pubsub channels nomatch*]
        assert_equal {news.a 2 news.b 1 nope 0} [r pubsub numsub news.a news.b nope]
        assert_equal {} [r pubsub numsub]
        assert_equal 2 [r pubsub numpat]
        assert_equal {shard.a shard.b} [lsort [r pubsub shardchannels]]
        assert_equal {shard.b} [r pubsub shardchannels *b]
        assert_equal {shard.a 2 shard.b 1 news.a 0} [r pubsub shardnumsub shard.a shard.b news.a]
        assert_equal 3 [s pubsub_channels]
        assert_equal 2 [s pubsub_patterns]
        assert_equal 2 [s pubsubshard_channels]
        $rd1 close
        $rd2 close
        wait_for_condition 50 20 {[r pubsub numpat] == 0 && [r pubsub channels] eq {} &&
            [r pubsub shardchannels] eq {}} else { fail "registry not empty after disconnects" }
    }

    test "PUBSUB errors and HELP" {
        assert_error "ERR unknown subcommand 'foo'. Try PUBSUB HELP." {r pubsub foo}
        assert_error "ERR wrong number of arguments for 'pubsub|numpat' command" {r pubsub numpat x}
        assert_error "ERR wrong number of arguments for 'pubsub|help' command" {r pubsub help x}
        assert_error "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP." \
            {r pubsub CHANNELS a b}
        assert_error "ERR wrong number of arguments for 'pubsub' command" {r pubsub}
        assert_error "ERR wrong number of arguments for 'subscribe' command" {r subscribe}
        assert_error "ERR wrong number of arguments for 'psubscribe' command" {r psubscribe}
        assert_error "ERR wrong number of arguments for 'ssubscribe' command" {r ssubscribe}
        assert_error "ERR wrong number of arguments for 'publish' command" {r publish a}
        assert_error "ERR wrong number of arguments for 'spublish' command" {r spublish a b c}
        set help [r pubsub help]
        assert_equal 14 [llength $help]
        assert_match "PUBSUB <subcommand>*" [lindex $help 0]
        assert_match "*NUMSUB*" $help
    }

    test "RESP2 subscribed mode allows only (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT, RESET" {
        set rd [deferring_client]
        ps_cmd $rd subscribe ch
        foreach {cmd name} {{get x} get {set x y} set {publish ch m} publish {pubsub numpat} pubsub|numpat
                            {client id} client|id {hello 2} hello} {
            $rd {*}$cmd
            assert_error "ERR Can't execute '$name': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context" \
                {$rd read}
        }
        $rd ping
        assert_equal {pong {}} [$rd read]
        $rd ping hello
        assert_equal {pong hello} [$rd read]
        # shard and pattern subscriptions count as subscribed too
        ps_cmd $rd unsubscribe ch
        ps_cmd $rd ssubscribe sh
        $rd get x
        assert_error "ERR Can't execute 'get'*" {$rd read}
        ps_cmd $rd sunsubscribe
        ps_cmd $rd psubscribe p*
        $rd get x
        assert_error "ERR Can't execute 'get'*" {$rd read}
        ps_cmd $rd punsubscribe
        # back to normal once nothing is left
        $rd ping
        assert_equal PONG [$rd read]
        $rd set x 1
        assert_equal OK [$rd read]
        $rd close
    }

    test "RESET in subscribed mode drops every subscription" {
        set rd [deferring_client]
        ps_cmd $rd subscribe r1 r2
        ps_cmd $rd psubscribe rp*
        ps_cmd $rd ssubscribe rs
        $rd reset
        assert_equal RESET [$rd read]
        assert_equal {r1 0 r2 0} [r pubsub numsub r1 r2]
        assert_equal 0 [r pubsub numpat]
        assert_equal {rs 0} [r pubsub shardnumsub rs]
        $rd get x
        $rd read
        $rd close
    }

    test "QUIT in subscribed mode" {
        set rd [deferring_client]
        ps_cmd $rd subscribe q1
        $rd quit
        assert_equal OK [$rd read]
        wait_for_condition 50 20 {[r pubsub numsub q1] eq {q1 0}} else { fail "q1 still subscribed" }
        $rd close
    }

    test "A client that disconnects while subscribed leaves nothing in the registry" {
        set rd [deferring_client]
        ps_cmd $rd subscribe d1 d2
        ps_cmd $rd psubscribe dp*
        ps_cmd $rd ssubscribe ds
        set keep [deferring_client]
        ps_cmd $keep subscribe d1
        assert_equal {d1 2 d2 1} [r pubsub numsub d1 d2]
        $rd close
        wait_for_condition 50 20 {[r pubsub numsub d1 d2] eq {d1 1 d2 0}} else {
            fail "registry still holds the closed client: [r pubsub numsub d1 d2]"
        }
        assert_equal 0 [r pubsub numpat]
        assert_equal {ds 0} [r pubsub shardnumsub ds]
        assert_equal 1 [r publish d1 after]
        assert_equal {message d1 after} [$keep read]
        $keep close
        wait_for_condition 50 20 {[s pubsub_channels] == 0} else { fail "channels left" }
    }

    test "Unsubscribing from a busy channel keeps the other subscribers" {
        set clients {}
        for {set i 0} {$i < 5} {incr i} {
            set c [deferring_client]
            ps_cmd $c subscribe busy
            lappend clients $c
        }
        # down to one subscriber and back up: every step delivers to exactly the survivors
        for {set i 0} {$i < 4} {incr i} {
            ps_cmd [lindex $clients $i] unsubscribe busy
            assert_equal [expr {4 - $i}] [r publish busy m$i]
            for {set j [expr {$i + 1}]} {$j < 5} {incr j} {
                assert_equal [list message busy m$i] [[lindex $clients $j] read]
            }
        }
        ps_cmd [lindex $clients 0] subscribe busy
        assert_equal 2 [r publish busy again]
        assert_equal {message busy again} [[lindex $clients 0] read]
        assert_equal {message busy again} [[lindex $clients 4] read]
        foreach c $clients { $c close }
    }

    test "CLIENT LIST shows flags=P, sub=, psub=, ssub=, omem=" {
        set rd [deferring_client]
        ps_cmd $rd subscribe l1 l2 l3
        ps_cmd $rd psubscribe lp1 lp2
        ps_cmd $rd ssubscribe ls1
        $rd ping
        $rd read
        set line ""
        foreach l [split [r client list] \n] {
            if {[string match "*sub=3 *" $l]} { set line $l }
        }
        assert_match "*flags=P *" $line
        assert_match "* sub=3 psub=2 ssub=1 *" $line
        assert_match "* omem=0 *" $line
        assert_match "* sub=0 psub=0 ssub=0 *" [r client list id [r client id]]
        $rd close
    }

    # does storm client ci hold any subscription (else unsubscribing is NOSUB)?
    proc storm_subscribed {ci} {
        upvar 1 subs subs psubs psubs
        return [expr {[llength [array names subs $ci,*]] + [llength [array names psubs $ci,*]] > 0}]
    }

    test "Subscribe/unsubscribe storm: registry matches a model" {
        set nclients 12
        set clients {}
        for {set i 0} {$i < $nclients} {incr i} { lappend clients [deferring_client] }
        array set subs {}   ;# "client,channel" -> 1
        array set psubs {}  ;# "client,pattern" -> 1
        expr {srand(4242)}
        for {set op 0} {$op < 600} {incr op} {
            set ci [randomInt $nclients]
            set c [lindex $clients $ci]
            set ch "storm.[randomInt 30]"
            set pat "storm.[randomInt 3]*"
            switch [randomInt 5] {
                0 - 1 { ps_cmd $c subscribe $ch; set subs($ci,$ch) 1 }
                2 {
                    if {![storm_subscribed $ci]} {
                        assert_error "NOSUB*" {ps_cmd $c unsubscribe $ch}
                    } else {
                        ps_cmd $c unsubscribe $ch
                        unset -nocomplain subs($ci,$ch)
                    }
                }
                3 { ps_cmd $c psubscribe $pat; set psubs($ci,$pat) 1 }
                4 {
                    if {![storm_subscribed $ci]} {
                        assert_error "NOSUB*" {ps_cmd $c punsubscribe $pat}
                    } elseif {[randomInt 4] == 0} {
                        # drop everything at once
                        set n 0
                        foreach k [array names subs $ci,*] { incr n; unset subs($k) }
                        $c unsubscribe
                        ps_read_n $c [expr {max($n, 1)}]
                    } else {
                        ps_cmd $c punsubscribe $pat
                        unset -nocomplain psubs($ci,$pat)
                    }
                }
            }
        }
        # every channel's count, the pattern count and each PUBLISH's receivers agree
        set patterns {}
        foreach k [array names psubs] { lappend patterns [lindex [split $k ,] 1] }
        assert_equal [llength [lsort -unique $patterns]] [r pubsub numpat]
        for {set i 0} {$i < 30} {incr i} {
            set ch storm.$i
            set want [llength [array names subs *,$ch]]
            assert_equal [list $ch $want] [r pubsub numsub $ch]
            set pw 0
            foreach k [array names psubs] {
                if {[string match [lindex [split $k ,] 1] $ch]} { incr pw }
            }
            assert_equal [expr {$want + $pw}] [r publish $ch x] "receivers of $ch"
        }
        foreach c $clients { $c close }
        wait_for_condition 50 50 {[s pubsub_channels] == 0 && [s pubsub_patterns] == 0} else {
            fail "registry not empty after the storm's clients left"
        }
    }
}

start_server {tags {pubsub}} {
    test "100k channels with one subscriber each: works, and unsubscribing frees the memory" {
        set fd [raw_open]
        puts -nonewline $fd [raw_cmd {PING}]
        flush $fd
        raw_wait_for $fd "+PONG\r\n"
        set base [used_memory]
        raw_subscribe_range $fd SUBSCRIBE ch 0 100000
        assert_equal 100000 [s pubsub_channels]
        set peak [used_memory]
        assert {$peak - $base > 100000 * 40}
        assert_equal {ch.0 1 ch.99999 1 ch.100000 0} [r pubsub numsub ch.0 ch.99999 ch.100000]
        assert_equal 1 [r publish ch.54321 hello]
        raw_wait_for $fd "ch.54321\r\n\$5\r\nhello\r\n"
        # explicit UNSUBSCRIBE in batches: the counts go down to 0
        raw_subscribe_range $fd UNSUBSCRIBE ch 0 100000 100000
        assert_equal 0 [s pubsub_channels]
        set after [used_memory]
        set grown [expr {$peak - $base}]
        assert {$after - $base < max(512 * 1024, $grown / 20)} \
            "used_memory base $base peak $peak after $after"
        close $fd
    }

    test "100k channels released by a disconnect" {
        set base [used_memory]
        set fd [raw_open]
        raw_subscribe_range $fd SUBSCRIBE dc 0 100000
        raw_subscribe_range $fd PSUBSCRIBE dp 0 2000 100000
        assert_equal 2000 [s pubsub_patterns]
        set peak [used_memory]
        close $fd
        wait_for_condition 100 50 {[s pubsub_channels] == 0 && [s pubsub_patterns] == 0} else {
            fail "registry not emptied by the disconnect"
        }
        set after [used_memory]
        assert {$after - $base < max(512 * 1024, ($peak - $base) / 20)} \
            "used_memory base $base peak $peak after $after"
        catch {r memory purge}
    }

    test "One channel with 1000 subscribers" {
        set base [used_memory]
        set socks {}
        for {set i 0} {$i < 1000} {incr i} {
            set fd [raw_open]
            puts -nonewline $fd [raw_cmd {SUBSCRIBE crowd}]
            flush $fd
            lappend socks $fd
        }
        wait_for_condition 100 50 {[lindex [r pubsub numsub crowd] 1] == 1000} else {
            fail "not all subscribed: [r pubsub numsub crowd]"
        }
        assert_equal 1000 [r publish crowd to-all]
        foreach fd $socks { raw_wait_for $fd "to-all\r\n" }
        # half leave: the rest still get everything
        foreach fd [lrange $socks 0 499] { close $fd }
        set socks [lrange $socks 500 end]
        wait_for_condition 100 50 {[lindex [r pubsub numsub crowd] 1] == 500} else {
            fail "leavers still subscribed: [r pubsub numsub crowd]"
        }
        assert_equal 500 [r publish crowd to-half]
        foreach fd $socks { raw_wait_for $fd "to-half\r\n" }
        # the rest are closed by the server (CLIENT KILL TYPE pubsub): a server-side close, and
        # no TIME_WAIT on this side's ports (thousands of those slow down later connects)
        assert_equal 500 [r client kill type pubsub]
        foreach fd $socks { close $fd }
        wait_for_condition 100 50 {[s pubsub_channels] == 0} else { fail "crowd left behind" }
        assert {[used_memory] - $base < 512 * 1024}
    }
}

start_server {tags {pubsub defrag} overrides {enable-debug-command yes}} {
    test "Pub/sub state survives forced defrag passes (every block moved)" {
        if {[catch {r debug defrag force yes} err]} {
            puts "    \[skip\]: DEBUG DEFRAG is not available ($err)"
            return
        }
        set solo {}
        for {set i 0} {$i < 5} {incr i} {
            set c [deferring_client]
            ps_cmd $c subscribe solo.$i shared
            ps_cmd $c psubscribe pat.$i.* pat.*
            ps_cmd $c ssubscribe shard.$i shardall
            lappend solo $c
        }
        set fd [raw_open]
        raw_subscribe_range $fd SUBSCRIBE bulk 0 3000
        for {set pass 0} {$pass < 3} {incr pass} {
            assert {[r debug defrag run] > 0}
            assert_equal {shared 5 solo.0 1 bulk.2999 1} [r pubsub numsub shared solo.0 bulk.2999]
            assert_equal 6 [r pubsub numpat]
            assert_equal {shardall 5} [r pubsub shardnumsub shardall]
            assert_equal 5 [r publish shared s$pass]
            assert_equal 6 [r publish pat.3.x p$pass]
            assert_equal 5 [r spublish shardall h$pass]
            assert_equal 1 [r publish bulk.$pass b$pass]
            raw_wait_for $fd "bulk.$pass\r\n\$2\r\nb$pass\r\n"
            for {set i 0} {$i < 5} {incr i} {
                set c [lindex $solo $i]
                assert_equal [list message shared s$pass] [$c read]
                # everybody has pat.*, client 3 also pat.3.*
                set pm {}
                for {set k 0} {$k < ($i == 3 ? 2 : 1)} {incr k} { lappend pm [$c read] }
                set want [list [list pmessage pat.* pat.3.x p$pass]]
                if {$i == 3} { lappend want [list pmessage pat.3.* pat.3.x p$pass] }
                assert_equal [lsort $want] [lsort $pm]
                assert_equal [list smessage shardall h$pass] [$c read]
            }
            # change the registry between passes: channels go from many to one subscriber
            ps_cmd [lindex $solo $pass] unsubscribe shared
            ps_cmd [lindex $solo $pass] subscribe shared
            ps_cmd [lindex $solo $pass] punsubscribe pat.$pass.*
            ps_cmd [lindex $solo $pass] psubscribe pat.$pass.*
        }
        close $fd
        foreach c $solo { $c close }
        wait_for_condition 50 50 {[s pubsub_channels] == 0 && [s pubsub_patterns] == 0} else {
            fail "registry not empty"
        }
        r debug defrag run
        r debug defrag force no
    }
}

# Full scale (tagged slow): a million channels, and 10,000 subscribers on one channel.
start_server {tags {pubsub slow} overrides {maxclients 10100}} {
    test "A million channels with one subscriber each, released after" {
        set fd [raw_open]
        puts -nonewline $fd [raw_cmd {PING}]
        flush $fd
        raw_wait_for $fd "+PONG\r\n"
        set base [used_memory]
        set t0 [clock milliseconds]
        raw_subscribe_range $fd SUBSCRIBE m 0 1000000
        assert_equal 1000000 [s pubsub_channels]
        set peak [used_memory]
        assert_equal 1 [r publish m.999999 last]
        raw_wait_for $fd "m.999999\r\n\$4\r\nlast\r\n"
        close $fd
        wait_for_condition 200 50 {[s pubsub_channels] == 0} else { fail "channels left" }
        set after [used_memory]
        set ms [expr {[clock milliseconds] - $t0}]
        puts "    (1M channels: [expr {($peak - $base) / 1000000}] bytes/channel, $ms ms)"
        assert {$after - $base < max(1024 * 1024, ($peak - $base) / 50)} \
            "used_memory base $base peak $peak after $after"
        catch {r memory purge}
        assert {$ms < 60000}
    }

    test "One channel with 10,000 subscribers" {
        set base [used_memory]
        set socks {}
        for {set i 0} {$i < 10000} {incr i} {
            set fd [raw_open]
            puts -nonewline $fd [raw_cmd {SUBSCRIBE crowd}]
            flush $fd
            lappend socks $fd
        }
        wait_for_condition 200 50 {[lindex [r pubsub numsub crowd] 1] == 10000} else {
            fail "not all subscribed: [r pubsub numsub crowd]"
        }
        assert_equal 10000 [r publish crowd to-all]
        foreach fd $socks { raw_wait_for $fd "to-all\r\n" }
        assert_equal 10000 [r client kill type pubsub]
        foreach fd $socks { close $fd }
        wait_for_condition 200 50 {[s pubsub_channels] == 0} else { fail "crowd left behind" }
        assert {[used_memory] - $base < 1024 * 1024}
    }
}
