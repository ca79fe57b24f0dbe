# info.tcl - INFO: sections and their selection, the fields clients read, fresh memory
# figures, keyspace/errorstats/commandstats lines, CONFIG RESETSTAT.

proc info_sections {text} {
    set out {}
    foreach line [split $text \n] {
        set line [string trimright $line \r]
        if {[string match "# *" $line]} { lappend out [string range $line 2 end] }
    }
    return $out
}

proc info_field {section field} {
    return [getInfoProperty [r info $section] $field]
}

start_server {tags {"info"}} {
    test "INFO with no argument gives the default sections, in order" {
        assert_equal {Server Clients Memory Defrag Persistence Stats Replication CPU Modules Errorstats Cluster Keyspace} \
            [info_sections [r info]]
        assert_equal [info_sections [r info]] [info_sections [r info default]]
    }

    test "INFO all / everything add commandstats" {
        foreach arg {all everything ALL} {
            set secs [info_sections [r info $arg]]
            assert {"Commandstats" in $secs}
            assert {"Server" in $secs && "Keyspace" in $secs && "Defrag" in $secs}
        }
        assert {"Commandstats" ni [info_sections [r info]]}
    }

    test "INFO with section names returns only those, case-insensitively" {
        assert_equal {Server Clients} [info_sections [r info server CLIENTS]]
        assert_equal {Commandstats} [info_sections [r info commandstats]]
        assert_equal {Memory Keyspace} [info_sections [r info keyspace memory]]
    }

    test "INFO default commandstats has both" {
        set secs [info_sections [r info default commandstats]]
        assert {"Commandstats" in $secs && "Server" in $secs}
    }

    test "INFO of an unknown section is empty" {
        assert_equal "" [r info no-such-section]
    }

    test "INFO sections are separated by one blank line" {
        set text [r info server clients]
        assert_match "# Server\r\n*\r\n\r\n# Clients\r\n*" $text
        assert {[string first "\r\n\r\n\r\n" $text] < 0}
    }

    test "Server section fields" {
        set t [r info server]
        foreach f {redis_version server_name valkey_version valkey_lite_version redis_mode os
                   arch_bits multiplexing_api process_id run_id tcp_port server_time_usec
                   uptime_in_seconds uptime_in_days hz configured_hz lru_clock executable} {
            assert {[string first "\r\n$f:" "\r\n$t"] >= 0} "field $f"
        }
        assert_equal valkey-lite [getInfoProperty $t server_name]
        assert_equal standalone [getInfoProperty $t redis_mode]
        assert_equal [srv port] [getInfoProperty $t tcp_port]
        assert_equal [srv pid] [getInfoProperty $t process_id]
        assert_match {[0-9].*} [getInfoProperty $t redis_version]
        assert_equal 40 [string length [getInfoProperty $t run_id]]
        assert {[getInfoProperty $t multiplexing_api] ne ""}
        assert_range [getInfoProperty $t arch_bits] 32 64
    }

    test "Clients section counts connections" {
        set before [info_field clients connected_clients]
        set c [new_client]
        $c ping
        assert_equal [expr {$before + 1}] [info_field clients connected_clients]
        $c close
        wait_for_condition 50 20 {[info_field clients connected_clients] == $before} else {
            fail "connected_clients did not go back to $before"
        }
        foreach f {maxclients client_recent_max_input_buffer client_recent_max_output_buffer
                   blocked_clients tracking_clients pubsub_clients clients_in_timeout_table} {
            assert {[string is integer -strict [info_field clients $f]]} "field $f"
        }
    }

    test "Memory section: figures present and sane" {
        set t [r info memory]
        foreach f {used_memory used_memory_rss used_memory_peak used_memory_overhead
                   used_memory_dataset allocator_allocated allocator_active allocator_resident
                   allocator_dirty allocator_muzzy total_system_memory maxmemory
                   allocator_frag_bytes allocator_rss_bytes rss_overhead_bytes
                   mem_fragmentation_bytes lazyfree_pending_objects lazyfreed_objects
                   active_defrag_running mem_clients_normal} {
            assert {[string is wide -strict [getInfoProperty $t $f]]} "field $f: [getInfoProperty $t $f]"
        }
        foreach f {allocator_frag_ratio allocator_rss_ratio rss_overhead_ratio
                   mem_fragmentation_ratio} {
            assert_match {*[0-9].[0-9][0-9]} [getInfoProperty $t $f]
            assert [regexp {^[0-9]+\.[0-9]{2}$} [getInfoProperty $t $f]] "field $f"
        }
        foreach f {used_memory_human used_memory_rss_human used_memory_peak_human maxmemory_human} {
            assert [regexp {^[0-9.]+[BKMGTP]$} [getInfoProperty $t $f]] "field $f"
        }
        assert {[getInfoProperty $t used_memory] > 0}
        assert {[getInfoProperty $t used_memory_rss] > 0}
        assert {[getInfoProperty $t used_memory_peak] >= [getInfoProperty $t used_memory]}
        assert_equal noeviction [getInfoProperty $t maxmemory_policy]
        assert [regexp {^(jemalloc.*|libc)$} [getInfoProperty $t mem_allocator]]
        assert {[getInfoProperty $t total_system_memory] > 0}
    }

    test "Memory figures are fresh: used_memory grows and shrinks at once" {
        r flushall
        set before [s used_memory]
        r debug populate 20000 mem 100
        set full [s used_memory]
        assert {$full > $before + 20000 * 100} "used_memory $before -> $full"
        assert {[s used_memory_peak] >= $full}
        assert {[s used_memory_dataset] > 20000 * 100}
        r flushall sync
        set after [s used_memory]
        assert {$after < $before + 200000} "used_memory after FLUSHALL $after (before $before)"
        assert {[s used_memory_peak] >= $full}
    }

    test "maxmemory and policy are reported" {
        r config set maxmemory 100mb
        r config set maxmemory-policy allkeys-lru
        assert_equal 104857600 [info_field memory maxmemory]
        assert_equal 100.00M [info_field memory maxmemory_human]
        assert_equal allkeys-lru [info_field memory maxmemory_policy]
        r config set maxmemory 0
        r config set maxmemory-policy noeviction
    }

    test "Persistence section: idle values clients check" {
        set t [r info persistence]
        assert_equal 0 [getInfoProperty $t loading]
        assert_equal 0 [getInfoProperty $t async_loading]
        assert_equal 0 [getInfoProperty $t rdb_bgsave_in_progress]
        assert_equal ok [getInfoProperty $t rdb_last_bgsave_status]
        assert_equal 0 [getInfoProperty $t aof_enabled]
        assert_equal 0 [getInfoProperty $t aof_rewrite_in_progress]
        assert_equal 0 [getInfoProperty $t rdb_changes_since_last_save]
    }

    test "Stats section fields" {
        set t [r info stats]
        foreach f {total_connections_received total_commands_processed instantaneous_ops_per_sec
                   total_net_input_bytes total_net_output_bytes rejected_connections
                   expired_keys evicted_keys keyspace_hits keyspace_misses pubsub_channels
                   pubsub_patterns pubsubshard_channels active_defrag_hits active_defrag_misses
                   active_defrag_key_hits active_defrag_key_misses total_active_defrag_time
                   current_active_defrag_time
                   total_error_replies unexpected_error_replies
                   client_query_buffer_limit_disconnections
                   client_output_buffer_limit_disconnections total_reads_processed
                   total_writes_processed io_threaded_reads_processed
                   io_threaded_writes_processed expired_time_cap_reached_count} {
            assert {[string is wide -strict [getInfoProperty $t $f]]} "field $f"
        }
        foreach f {instantaneous_input_kbps instantaneous_output_kbps} {
            assert [regexp {^[0-9]+\.[0-9]{2}$} [getInfoProperty $t $f]] "field $f"
        }
    }

    test "keyspace hits and misses are counted" {
        r set hitkey v
        set h [info_field stats keyspace_hits]
        set m [info_field stats keyspace_misses]
        r get hitkey
        r get no-such-key-here
        assert_equal [expr {$h + 1}] [info_field stats keyspace_hits]
        assert_equal [expr {$m + 1}] [info_field stats keyspace_misses]
    }

    test "total_commands_processed counts commands" {
        set n [info_field stats total_commands_processed]
        r ping
        r ping
        # the INFO that reads the figure is not yet counted when it runs
        assert_equal [expr {$n + 3}] [info_field stats total_commands_processed]
    }

    test "instantaneous_ops_per_sec rises under load" {
        set rd [deferring_client]
        set seen 0
        for {set i 0} {$i < 50 && !$seen} {incr i} {
            for {set j 0} {$j < 300} {incr j} { $rd ping }
            $rd flush
            for {set j 0} {$j < 300} {incr j} { $rd read }
            if {[info_field stats instantaneous_ops_per_sec] > 0} { set seen 1 }
            after 20
        }
        assert_equal 1 $seen "instantaneous_ops_per_sec never rose above 0"
        assert {[info_field stats instantaneous_input_kbps] > 0}
    }

    test "Replication and CPU sections" {
        set t [r info replication]
        assert_equal master [getInfoProperty $t role]
        assert_equal 0 [getInfoProperty $t connected_slaves]
        assert_equal 40 [string length [getInfoProperty $t master_replid]]
        assert_equal 0 [getInfoProperty $t master_repl_offset]
        set t [r info cpu]
        foreach f {used_cpu_sys used_cpu_user used_cpu_sys_main_thread used_cpu_user_main_thread} {
            assert [regexp {^[0-9]+\.[0-9]{6}$} [getInfoProperty $t $f]] "field $f"
        }
    }

    test "Keyspace lines follow the data" {
        r flushall
        assert_equal "# Keyspace\r\n" [r info keyspace]
        r set k1 v
        r set k2 v
        r expire k2 100
        assert_match "*db0:keys=2,expires=1,avg_ttl=*" [r info keyspace]
        r select 3
        r set other v
        r select 0
        set t [r info keyspace]
        assert_match "*db3:keys=1,expires=0,avg_ttl=0*" $t
        r flushall
        assert_equal "# Keyspace\r\n" [r info keyspace]
    }

    test "Errorstats count error replies by their first word" {
        r config resetstat
        catch {r nosuchcommand}
        catch {r get}
        catch {r debug error "WRONGTYPE Operation against a key holding the wrong kind of value"}
        set t [r info errorstats]
        assert_match "*errorstat_ERR:count=2*" $t
        assert_match "*errorstat_WRONGTYPE:count=1*" $t
        assert_equal 3 [info_field stats total_error_replies]
    }

    test "Commandstats: calls, usec, failed and rejected calls" {
        r config resetstat
        r set a 1
        r set b 2
        r get a
        catch {r get}
        set t [r info commandstats]
        assert_match "*cmdstat_set:calls=2,usec=*,usec_per_call=*,rejected_calls=0,failed_calls=0*" $t
        assert_match "*cmdstat_get:calls=1,usec=*,rejected_calls=1,failed_calls=0*" $t
        r set s v
        catch {r incr s}
        assert_match "*cmdstat_incr:calls=1,*failed_calls=1*" [r info commandstats]
    }

    test "CONFIG RESETSTAT zeroes the counters" {
        r ping
        catch {r nosuchcommand}
        r config resetstat
        assert_equal 0 [info_field stats total_error_replies]
        assert_equal "# Errorstats\r\n" [r info errorstats]
        assert_equal "" [getInfoProperty [r info commandstats] cmdstat_ping]
        # since the reset: RESETSTAT itself and three INFOs (the running one is not counted)
        assert_equal 4 [info_field stats total_commands_processed]
    }

    test "INFO in RESP3 is a verbatim string" {
        set c [new_client]
        $c hello 3
        set t [$c info server]
        assert_match "# Server\r\n*" $t
        $c readraw 1
        assert_match "=*" [$c info server]
        $c close
    }
}

start_server {tags {"info"}} {
    test "INFO and MEMORY STATS: keyspace table figures and rehashing, as Valkey 8" {
        r flushall
        set st [r memory stats]
        assert_equal 0 [dict get $st db.dict.rehashing.count]
        assert_equal 0 [dict get $st overhead.db.hashtable.rehashing]
        r set a b
        set st [r memory stats]
        assert_range [dict get $st overhead.db.hashtable.lut] 1 64
        assert_equal 0 [s mem_overhead_db_hashtable_rehashing]
        # the fifth key doubles the 4-bucket table: caught rehashing inside one EXEC
        r multi
        foreach k {b c d e} { r set $k v }
        r info memory
        r memory stats
        set res [r exec]
        assert_match "*mem_overhead_db_hashtable_rehashing:32*" [lindex $res 4]
        set st [lindex $res 5]
        assert_equal 1 [dict get $st db.dict.rehashing.count]
        assert_equal 32 [dict get $st overhead.db.hashtable.rehashing]
        assert_equal 96 [dict get $st overhead.db.hashtable.lut]
        # an emptied db is still listed while its table exists
        r del a b c d e
        regexp {db=([0-9]+)} [r client info] -> dbid
        assert {[dict exists [r memory stats] db.$dbid]}
    }
}
