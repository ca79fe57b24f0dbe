# redis-benchmark.tcl - the real redis-benchmark runs its PING/SET/GET tests to the end
# against our server without a single error. Bounded by `timeout 60`; nothing here asserts a
# speed (benchmarks live in utils/).

proc bench_bin {} {
    set p [auto_execok redis-benchmark]
    if {$p ne ""} { return [lindex $p 0] }
    if {[file executable /usr/bin/redis-benchmark]} { return /usr/bin/redis-benchmark }
    return ""
}

if {[bench_bin] eq ""} {
    puts "\[skip\]: redis-benchmark not installed (apt-get install redis-tools)"
    return
}

start_server {tags {"benchmark" "integration"}} {
    test "redis-benchmark -t ping,set,get -n 10000 completes without errors" {
        set rc [catch {
            exec timeout 60 [bench_bin] -h [srv host] -p [srv port] -q -t ping,set,get \
                -n 10000 2>@1
        } out opts]
        if {$rc} { fail "redis-benchmark failed ([dict get $opts -errorcode]): $out" }
        # -q redraws a progress line with \r; keep the final "name: N requests per second"
        set results {}
        foreach line [split [string map {"\r" "\n"} $out] "\n"] {
            if {[regexp {^\s*([A-Z_]+): ([0-9.]+) requests per second} $line -> name rps]} {
                dict set results $name $rps
            }
        }
        foreach name {PING_INLINE PING_MBULK SET GET} {
            assert {[dict exists $results $name]} "no result line for $name in: $out"
            assert {[dict get $results $name] > 0}
        }
        assert {![string match "*Error*" $out]} "error in output: $out"
        assert {![string match "*ERR*" $out]} "error in output: $out"
        # the SETs landed (default key, default 3-byte value)
        assert_equal 3 [string length [r get key:__rand_int__]]
        assert_equal PONG [r ping]
    }

    test "redis-benchmark with pipelining (-P 16) and several clients (-c 20)" {
        set rc [catch {
            exec timeout 60 [bench_bin] -h [srv host] -p [srv port] -q -t set,get \
                -n 20000 -P 16 -c 20 2>@1
        } out opts]
        if {$rc} { fail "redis-benchmark failed ([dict get $opts -errorcode]): $out" }
        assert_match "*SET: *requests per second*" [string map {"\r" "\n"} $out]
        assert_match "*GET: *requests per second*" [string map {"\r" "\n"} $out]
        assert {![string match "*Error*" $out] && ![string match "*ERR*" $out]} $out
    }
}
