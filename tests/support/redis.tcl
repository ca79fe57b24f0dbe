# redis.tcl - a small RESP2/RESP3 client for the test harness.
#
#   set r [vl_client 127.0.0.1 6379]   ;# or [vl_client unix:/path/to.sock]
#   $r set k v                          ;# -> OK
#
# The one decision: the socket is non-blocking and every read waits on a fileevent with an
# `after` deadline (default 30 s, `$r timeout MS`), so a missing reply fails a test instead of
# hanging the run. Replies are parsed by their type byte, so RESP2 and RESP3 (after HELLO 3)
# need no mode switch. Data is bytes: the channel is binary and lengths are byte counts; an
# argument holding characters above \xff is sent as UTF-8, and replies come back as raw bytes.
# Rejected: a blocking socket with `gets` (no timeout, and `gets` is not binary-safe for bulks).
#
# Reply mapping: simple/bulk/verbatim/big number/double -> string (verbatim loses "txt:"),
# integer -> number, nil/null -> "", array/set/push -> list, map -> flat key value list,
# boolean -> 1/0, attribute -> skipped. A top-level error raises a Tcl error whose message is
# the error text without '-'; an error nested in an array (EXEC) becomes an element.
#
# Methods besides commands: read, write BYTES, flush, readraw 0|1, deferred 0|1, timeout MS,
# oob 0|1 + pushes (queue RESP3 pushes met while waiting for a command's reply), fd,
# reconnect, close. `$r select N` is the plain SELECT command.

namespace eval ::vl::client {
    variable st     ;# st(ID,field): per-client state
    variable ev     ;# ev(ID): vwait target for readable/timeout
    variable next 0
    variable default_timeout 30000
}

# vl_client HOST PORT ?DEFERRED? / vl_client unix:PATH: connect, return the command proc name.
proc vl_client {host {port 0} {deferred 0}} {
    variable ::vl::client::st
    set id [incr ::vl::client::next]
    array set st [list $id,host $host $id,port $port $id,deferred $deferred $id,readraw 0 \
        $id,timeout $::vl::client::default_timeout $id,oob 0 $id,pushes {} $id,type ""]
    ::vl::client::connect $id
    set name ::vl_client_$id
    interp alias {} $name {} ::vl::client::dispatch $id
    return $name
}

# A client that only sends: each command returns at once, `$r read` collects the replies.
proc vl_deferring_client {host {port 0}} {
    return [vl_client $host $port 1]
}

namespace eval ::vl::client {

proc connect {id} {
    variable st
    variable ev
    set ms $st($id,timeout)
    if {[string match unix:* $st($id,host)]} {
        # Tcl 8.6 has no unix sockets; an nc pipe (OpenBSD nc, -N: shut down on our EOF)
        # is a byte stream all the same.
        set fd [open [list |nc -N -U [string range $st($id,host) 5 end] 2>@1] r+]
    } else {
        set fd [socket -async $st($id,host) $st($id,port)]
        set ev($id) ""
        fileevent $fd writable [list set ::vl::client::ev($id) w]
        set aid [after $ms [list set ::vl::client::ev($id) t]]
        vwait ::vl::client::ev($id)
        after cancel $aid
        fileevent $fd writable {}
        set err [fconfigure $fd -error]
        if {$ev($id) eq "t" || $err ne ""} {
            catch {close $fd}
            if {$err eq ""} {set err "timeout after $ms ms"}
            error "cannot connect to $st($id,host):$st($id,port): $err"
        }
    }
    # a 1 MB buffer: Tcl's default 4 KB one sends a big command in 4 KB writes, and the
    # client side's Nagle plus the server's delayed ACK then cost ~40 ms per command
    fconfigure $fd -translation binary -blocking 0 -buffering full -buffersize 1048576
    set st($id,fd) $fd
    set st($id,buf) ""
    set st($id,pos) 0
}

proc dispatch {id args} {
    variable st
    set cmd [string tolower [lindex $args 0]]
    set n [llength $args]
    switch -- $cmd {
        read {
            if {[catch {readReply $id 0} reply opts]} {
                return -code error -errorcode [dict get $opts -errorcode] $reply
            }
            return $reply
        }
        write    { puts -nonewline $st($id,fd) [lindex $args 1]; return }
        flush {
            if {[catch {flush $st($id,fd)} err]} { error "I/O error writing command: $err" }
            return
        }
        fd       { return $st($id,fd) }
        close    { closeClient $id; return }
        pushes   { set p $st($id,pushes); set st($id,pushes) {}; return $p }
        reconnect { catch {closeFd $id}; connect $id; return }
        readraw - deferred - timeout - oob {
            if {$n == 2} { set st($id,$cmd) [lindex $args 1]; return }
        }
    }
    set fd $st($id,fd)
    if {[catch {puts -nonewline $fd [encodeCommand $args]; flush $fd} err]} {
        error "I/O error writing command: $err"
    }
    if {$st($id,deferred)} return
    # Re-raise here so an error's trace starts at the test's command, not in the parser.
    if {[catch {readReply $id 1} reply opts]} {
        return -code error -errorcode [dict get $opts -errorcode] $reply
    }
    return $reply
}

# RESP2 multibulk with byte lengths.
proc encodeCommand {argv} {
    set out "*[llength $argv]\r\n"
    foreach a $argv {
        if {[regexp {[^\x00-\xff]} $a]} { set a [encoding convertto utf-8 $a] }
        append out "\$[string length $a]\r\n$a\r\n"
    }
    return $out
}

proc closeFd {id} {
    variable st
    set fd $st($id,fd)
    if {[string match unix:* $st($id,host)]} { catch {exec kill {*}[pid $fd]} }
    catch {close $fd}
}

proc closeClient {id} {
    variable st
    catch {closeFd $id}
    array unset st $id,*
    catch {interp alias {} ::vl_client_$id {}}
}

# Wait (bounded) until the socket has more bytes, and append them to the buffer.
proc fill {id} {
    variable st
    variable ev
    set fd $st($id,fd)
    if {[catch {read $fd} data]} { error "I/O error reading reply: $data" }
    if {$data eq ""} {
        if {[eof $fd]} { error "I/O error reading reply: connection closed by server" }
        set ev($id) ""
        fileevent $fd readable [list set ::vl::client::ev($id) r]
        set aid [after $st($id,timeout) [list set ::vl::client::ev($id) t]]
        vwait ::vl::client::ev($id)
        after cancel $aid
        fileevent $fd readable {}
        if {$ev($id) eq "t"} { error "timeout reading reply after $st($id,timeout) ms" }
        if {[catch {read $fd} data]} { error "I/O error reading reply: $data" }
        if {$data eq "" && [eof $fd]} {
            error "I/O error reading reply: connection closed by server"
        }
    }
    append st($id,buf) $data
}

proc readLine {id} {
    variable st
    while {[set e [string first "\r\n" $st($id,buf) $st($id,pos)]] < 0} { fill $id }
    set line [string range $st($id,buf) $st($id,pos) [expr {$e - 1}]]
    set st($id,pos) [expr {$e + 2}]
    return $line
}

proc readBytes {id n} {
    variable st
    while {[string length $st($id,buf)] - $st($id,pos) < $n + 2} { fill $id }
    set p $st($id,pos)
    set data [string range $st($id,buf) $p [expr {$p + $n - 1}]]
    set st($id,pos) [expr {$p + $n + 2}]
    return $data
}

# One whole reply. FROMCMD: we are waiting for a command's reply (pushes may be queued).
proc readReply {id fromcmd} {
    variable st
    # Drop consumed bytes now and then so the buffer does not grow with the session.
    if {$st($id,pos) > 65536} {
        set st($id,buf) [string range $st($id,buf) $st($id,pos) end]
        set st($id,pos) 0
    }
    if {$st($id,readraw)} { return [readLine $id] }
    while 1 {
        set v [parse $id 1]
        if {$fromcmd && $st($id,oob) && $st($id,type) eq ">"} {
            lappend st($id,pushes) $v
            continue
        }
        return $v
    }
}

proc parse {id top} {
    variable st
    set line [readLine $id]
    set t [string index $line 0]
    set rest [string range $line 1 end]
    set st($id,type) $t
    switch -- $t {
        + - : - , - ( { return $rest }
        - {
            if {$top} { return -code error $rest }
            return $rest
        }
        $ - = {
            if {$rest < 0} { return "" }
            set data [readBytes $id $rest]
            if {$t eq "="} { set data [string range $data 4 end] }
            return $data
        }
        * - ~ - > - % {
            if {$rest < 0} { return "" }
            set n [expr {$t eq "%" ? 2 * $rest : $rest}]
            set l {}
            for {set i 0} {$i < $n} {incr i} { lappend l [parse $id 0] }
            set st($id,type) $t
            return $l
        }
        _ { return "" }
        # { return [expr {$rest eq "t" ? 1 : 0}] }
        | {
            # Attribute: read its map and hand back the reply it decorates.
            for {set i 0} {$i < 2 * $rest} {incr i} { parse $id 0 }
            return [parse $id $top]
        }
        default { error "protocol error: unexpected reply line '$line'" }
    }
}

}
