# pubsub-resp3.tcl - pub/sub for RESP3 clients: every confirmation and message is a push
# ('>'), nil is '_', and a subscribed RESP3 client may run any command, its replies and the
# pushes interleaved in the order the server produced them.

# A RESP3 deferring client.
proc resp3_client {} {
    set rd [deferring_client]
    $rd hello 3
    $rd read
    return $rd
}

proc ps_cmd {rd cmd args} {
    $rd $cmd {*}$args
    set n [expr {[llength $args] ? [llength $args] : 1}]
    set out {}
    for {set i 0} {$i < $n} {incr i} { lappend out [$rd read] }
    return $out
}

# Reads the next reply of RD as raw protocol lines and compares them, joined by spaces, with
# EXPECTED (which also says how many lines to read).
proc assert_raw {rd expected} {
    $rd readraw 1
    set out {}
    foreach _ [split $expected " "] { lappend out [$rd read] }
    $rd readraw 0
    assert_equal $expected [join $out " "]
}

start_server {tags {pubsub resp3}} {
    test "RESP3: (un)subscribe confirmations and messages are pushes" {
        set rd [resp3_client]
        $rd subscribe ch1
        assert_raw $rd {>3 $9 subscribe $3 ch1 :1}
        $rd psubscribe p*
        assert_raw $rd {>3 $10 psubscribe $2 p* :2}
        $rd ssubscribe s1
        assert_raw $rd {>3 $10 ssubscribe $2 s1 :1}
        assert_equal 1 [r publish ch1 hello]
        assert_raw $rd {>3 $7 message $3 ch1 $5 hello}
        assert_equal 1 [r publish px world]
        assert_raw $rd {>4 $8 pmessage $2 p* $2 px $5 world}
        assert_equal 1 [r spublish s1 shard]
        assert_raw $rd {>3 $8 smessage $2 s1 $5 shard}
        $rd unsubscribe ch1
        assert_raw $rd {>3 $11 unsubscribe $3 ch1 :1}
        $rd unsubscribe
        assert_raw $rd {>3 $11 unsubscribe _ :1}
        $rd punsubscribe
        assert_raw $rd {>3 $12 punsubscribe $2 p* :0}
        $rd sunsubscribe
        assert_raw $rd {>3 $12 sunsubscribe $2 s1 :0}
        # no subscription left: Valkey 8's NOSUB error
        $rd sunsubscribe
        assert_error "NOSUB*" {$rd read}
        $rd close
    }

    test "RESP3: counts and message contents like RESP2" {
        set rd [resp3_client]
        assert_equal {{subscribe a 1} {subscribe b 2} {subscribe a 2}} [ps_cmd $rd subscribe a b a]
        assert_equal {{psubscribe a* 3}} [ps_cmd $rd psubscribe a*]
        assert_equal 2 [r publish a payload]
        set got [lsort [list [$rd read] [$rd read]]]
        assert_equal {{message a payload} {pmessage a* a payload}} $got
        $rd close
    }

    test "RESP3: a subscribed client runs any command" {
        set rd [resp3_client]
        ps_cmd $rd subscribe c1
        $rd set k v
        assert_equal OK [$rd read]
        $rd get k
        assert_equal v [$rd read]
        $rd ping
        assert_equal PONG [$rd read]
        $rd ping hi
        assert_equal hi [$rd read]
        $rd pubsub numsub c1
        assert_equal {c1 1} [$rd read]
        $rd client id
        assert [string is integer -strict [$rd read]]
        $rd close
    }

    test "RESP3: PUBLISH to itself: the push comes after the reply (Valkey 8)" {
        set rd [resp3_client]
        ps_cmd $rd subscribe self
        ps_cmd $rd psubscribe sel*
        $rd publish self me
        assert_equal 2 [$rd read]
        set a [$rd read]
        set b [$rd read]
        assert_equal {{message self me} {pmessage sel* self me}} [lsort [list $a $b]]
        $rd spublish self nobody
        assert_equal 0 [$rd read]
        $rd close
    }

    test "RESP3: messages interleave with command replies in order" {
        set rd [resp3_client]
        ps_cmd $rd subscribe feed
        $rd echo before
        assert_equal 1 [r publish feed m1]
        $rd echo after
        assert_equal before [$rd read]
        assert_equal {message feed m1} [$rd read]
        assert_equal after [$rd read]
        $rd close
    }

    test "RESP3: PUBSUB NUMSUB is a flat array (as Redis), CHANNELS an array" {
        set rd [resp3_client]
        ps_cmd $rd subscribe n1
        r hello 3
        assert_equal {n1 1 n2 0} [r pubsub numsub n1 n2]
        set c [resp3_client]
        $c pubsub numsub n1
        assert_raw $c {*2 $2 n1 :1}
        $c pubsub channels n*
        assert_raw $c {*1 $2 n1}
        $c pubsub numpat
        assert_raw $c {:0}
        r hello 2
        $c close
        $rd close
    }

    test "RESP3: a client that switches to RESP3 while subscribed gets pushes from then on" {
        set rd [deferring_client]
        ps_cmd $rd subscribe sw
        # HELLO is not allowed in RESP2 subscribed mode
        $rd hello 3
        assert_error "ERR Can't execute 'hello'*" {$rd read}
        ps_cmd $rd unsubscribe
        $rd hello 3
        $rd read
        ps_cmd $rd subscribe sw
        r publish sw m
        assert_raw $rd {>3 $7 message $2 sw $1 m}
        $rd close
    }

    test "RESP3: disconnect while subscribed cleans the registry" {
        set rd [resp3_client]
        ps_cmd $rd subscribe g1
        ps_cmd $rd psubscribe g*
        ps_cmd $rd ssubscribe gs
        $rd close
        wait_for_condition 50 20 {[r pubsub numsub g1] eq {g1 0} && [r pubsub numpat] == 0 &&
            [r pubsub shardnumsub gs] eq {gs 0}} else { fail "registry still holds the client" }
    }

    test "RESP3: RESET drops subscriptions and returns to RESP2" {
        set rd [resp3_client]
        ps_cmd $rd subscribe rr
        $rd reset
        assert_equal RESET [$rd read]
        assert_equal {rr 0} [r pubsub numsub rr]
        $rd close
    }

    test "RESP3: keyspace notification as a push" {
        r config set notify-keyspace-events KE\$
        set rd [resp3_client]
        ps_cmd $rd psubscribe __keyevent@*__:set
        set err ""
        if {[catch {r set ksk v} err]} {
            puts "    \[skip\]: SET is missing ($err)"
        } else {
            assert_raw $rd {>4 $8 pmessage $18 __keyevent@*__:set $18 __keyevent@0__:set $3 ksk}
        }
        r config set notify-keyspace-events ""
        $rd close
    }

    test "CLIENT REPLY OFF: confirmations and messages still arrive, replies do not" {
        foreach proto {3 2} {
            set rd [deferring_client]
            $rd hello $proto
            $rd read
            $rd client reply off
            $rd ping
            $rd subscribe off.ch
            set p [expr {$proto == 3 ? ">" : "*"}]
            assert_raw $rd "${p}3 \$9 subscribe \$6 off.ch :1"
            assert_equal 1 [r publish off.ch m]
            assert_raw $rd "${p}3 \$7 message \$6 off.ch \$1 m"
            $rd unsubscribe off.ch
            assert_raw $rd "${p}3 \$11 unsubscribe \$6 off.ch :0"
            # replies are back after REPLY ON; the PING above never answered
            $rd client reply on
            $rd echo back
            assert_raw $rd {+OK}
            assert_equal back [$rd read]
            $rd close
        }
    }

    test "RESP3: inside MULTI, messages to itself follow EXEC's reply" {
        set rd [resp3_client]
        ps_cmd $rd subscribe mx
        $rd multi
        $rd read
        foreach cmd {{ping abc} {publish mx bar} {publish mx vaz} {ping def}} {
            $rd {*}$cmd
            assert_equal QUEUED [$rd read]
        }
        $rd exec
        assert_equal {abc 1 1 def} [$rd read]
        assert_equal {message mx bar} [$rd read]
        assert_equal {message mx vaz} [$rd read]
        # another subscriber gets it at once, not held
        set other [resp3_client]
        ps_cmd $other subscribe mx
        $rd publish mx now
        assert_equal 2 [$rd read]
        assert_equal {message mx now} [$rd read]
        assert_equal {message mx now} [$other read]
        $rd close
        $other close
    }
}
