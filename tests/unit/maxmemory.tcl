# maxmemory.tcl - maxmemory with each eviction policy: noeviction answers the OOM error for
# commands that may grow memory (and still serves reads and deletes), the others evict the
# keys their policy picks and count them in INFO evicted_keys.

proc fill_until_over {prefix limit} {
    # bounded: at most 20,000 keys of 1 KB
    for {set i 0} {$i < 20000 && [s used_memory] < $limit} {incr i} {
        r set $prefix:$i [string repeat x 1000]
    }
    return $i
}

start_server {tags {"maxmemory"}} {
    test "noeviction: OOM error for writes that grow memory, reads and DEL still work" {
        r flushall
        r config set maxmemory-policy noeviction
        r set keep v
        r config set maxmemory [expr {[s used_memory] + 100000}]
        assert_error "OOM command not allowed when used memory > 'maxmemory'.*" {
            for {set i 0} {$i < 1000} {incr i} { r set big:$i [string repeat x 1000] }
        }
        assert_equal v [r get keep]
        assert {[r del big:0] >= 0}
        assert_equal 0 [s evicted_keys]
        r config set maxmemory 0
    }

    foreach policy {allkeys-lru allkeys-random} {
        test "$policy: writes go on and keys are evicted to stay under maxmemory" {
            r flushall
            r config set maxmemory-policy $policy
            set ev0 [s evicted_keys]
            set limit [expr {[s used_memory] + 2*1024*1024}]
            r config set maxmemory $limit
            for {set i 0} {$i < 10000} {incr i} { r set k:$i [string repeat x 1000] }
            assert {[s evicted_keys] > $ev0}
            assert {[s used_memory] <= $limit + 64*1024} "used [s used_memory] limit $limit"
            assert {[r dbsize] < 10000}
            r config set maxmemory 0
        }
    }

    test "allkeys-lru keeps the keys that are being used" {
        r flushall
        r config set maxmemory-policy allkeys-lru
        r config set maxmemory-samples 10
        # the LRU clock counts seconds (as Redis's): the cold keys must be older by at least
        # one tick, so the clock is waited on (a condition, not a sleep of fixed length)
        for {set i 0} {$i < 2000} {incr i} { r set cold:$i [string repeat c 1000] }
        set t0 [clock seconds]
        wait_for_condition 60 50 {[clock seconds] >= $t0 + 2} else { fail "clock stuck" }
        for {set i 0} {$i < 50} {incr i} { r set hot:$i [string repeat h 1000] }
        r config set maxmemory [expr {[s used_memory] + 256*1024}]
        for {set i 0} {$i < 3000} {incr i} {
            r set new:$i [string repeat n 1000]
            if {$i % 100 == 0} { for {set j 0} {$j < 50} {incr j} { r get hot:$j } }
        }
        set kept 0
        for {set j 0} {$j < 50} {incr j} { if {[r exists hot:$j]} { incr kept } }
        # LRU is sampled, so not every hot key survives; most must
        assert {$kept >= 35} "only $kept of 50 hot keys kept"
        r config set maxmemory 0
    } {slow}

    foreach policy {volatile-lru volatile-ttl volatile-random} {
        test "$policy: only keys with a TTL are evicted" {
            r flushall
            r config set maxmemory-policy $policy
            for {set i 0} {$i < 200} {incr i} { r set persistent:$i [string repeat p 1000] }
            set limit [expr {[s used_memory] + 1024*1024}]
            r config set maxmemory $limit
            for {set i 0} {$i < 3000} {incr i} {
                r set vol:$i [string repeat v 1000] ex [expr {1000 + $i}]
            }
            assert {[s evicted_keys] > 0}
            for {set i 0} {$i < 200} {incr i} { assert_equal 1 [r exists persistent:$i] }
            if {$policy eq "volatile-ttl"} {
                # the nearest deadlines went first: the last written (longest TTL) survive
                assert_equal 1 [r exists vol:2999]
            }
            r config set maxmemory 0
        }
    }

    test "volatile policy with no volatile keys left: OOM error" {
        r flushall
        r config set maxmemory-policy volatile-lru
        r set only-persistent [string repeat p 100]
        r config set maxmemory [expr {[s used_memory] + 50000}]
        assert_error "OOM command not allowed*" {
            for {set i 0} {$i < 1000} {incr i} { r set p:$i [string repeat x 1000] }
        }
        r config set maxmemory 0
        r config set maxmemory-policy noeviction
    }
}
