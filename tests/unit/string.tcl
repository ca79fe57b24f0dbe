# string.tcl - the string commands: GET/SET and options, SETNX/SETEX/PSETEX, MGET/MSET/MSETNX,
# GETSET/GETDEL/GETEX, the counters, APPEND/STRLEN/GETRANGE/SETRANGE, LCS, encodings.
# TTL behaviour of these commands is in expire.tcl.

start_server {tags {"string"}} {
    test "SET and GET an item" {
        r set x foobar
        assert_equal foobar [r get x]
    }

    test "SET and GET an empty item" {
        r set x {}
        assert_equal {} [r get x]
        assert_equal 1 [r exists x]
        assert_equal 0 [r strlen x]
    }

    test "GET of a missing key is nil" {
        r del nokey
        assert_equal {} [r get nokey]
    }

    test "SET overwrites a value of another type" {
        r del l
        r rpush l a
        r set l v
        assert_equal v [r get l]
        assert_equal string [r type l]
    }

    test "GET against a key of the wrong type" {
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r get l}
    }

    test "Wrong number of arguments" {
        assert_error "ERR wrong number of arguments for 'get' command" {r get}
        assert_error "ERR wrong number of arguments for 'set' command" {r set k}
        assert_error "ERR wrong number of arguments for 'mset' command" {r mset a 1 b}
        assert_error "ERR wrong number of arguments for 'msetnx' command" {r msetnx a 1 b}
    }

    test "Binary values with NUL bytes round-trip" {
        set v "a\x00b\x00\r\n\xff\x00"
        r set bin $v
        assert_equal $v [r get bin]
        assert_equal [string length $v] [r strlen bin]
        r append bin "\x00z"
        assert_equal "$v\x00z" [r get bin]
        assert_equal "b\x00\r" [r getrange bin 2 4]
        set long [string repeat "\x00\x01\x02" 100]
        r set binlong $long
        assert_equal $long [r get binlong]
    }

    test "Binary key names with NUL bytes" {
        set k "key\x00with\x00nul"
        r set $k v1
        assert_equal v1 [r get $k]
        assert_equal {} [r get "key"]
        r del $k
    }

    test "1 MB values: SET, GET, STRLEN, APPEND, GETRANGE" {
        set chunk [string repeat "0123456789abcdef" 64]
        set big [string repeat $chunk 1024]
        assert_equal 1048576 [string length $big]
        r set big $big
        assert_equal $big [r get big]
        assert_equal 1048576 [r strlen big]
        assert_equal 1048579 [r append big xyz]
        assert_equal "${big}xyz" [r get big]
        assert_equal "fxyz" [r getrange big -4 -1]
        assert_equal raw [r object encoding big]
    }

    test "Very many small SETs and GETs are consistent" {
        for {set i 0} {$i < 1000} {incr i} { r set key:$i val:$i }
        set ok 1
        for {set i 0} {$i < 1000} {incr i} {
            if {[r get key:$i] ne "val:$i"} { set ok 0 }
        }
        assert_equal 1 $ok
    }

    test "Encodings: int, embstr, raw" {
        r set e 12345
        assert_encoding int e
        r set e -9223372036854775808
        assert_encoding int e
        r set e 012
        assert_encoding embstr e
        r set e " 12"
        assert_encoding embstr e
        r set e hello
        assert_encoding embstr e
        # embedded up to OBJ_EMBSTR_MAX (64 here, 44 in Redis): 40 is embstr in both
        r set e [string repeat x 40]
        assert_encoding embstr e
        r set e [string repeat x 65]
        assert_encoding raw e
        assert_equal [string repeat x 65] [r get e]
    }

    test "APPEND and SETRANGE turn embstr and int values into raw" {
        r set e hello
        r append e !
        assert_encoding raw e
        assert_equal hello! [r get e]
        r set e 100
        r append e 1
        assert_encoding raw e
        assert_equal 1001 [r get e]
        r set e 100
        r setrange e 0 9
        assert_encoding raw e
        assert_equal 900 [r get e]
    }

    # ----------------------------------------------------------------- SET options

    test "SET NX and XX" {
        r del nx
        assert_equal OK [r set nx 1 nx]
        assert_equal {} [r set nx 2 nx]
        assert_equal 1 [r get nx]
        assert_equal OK [r set nx 3 xx]
        assert_equal 3 [r get nx]
        r del nx
        assert_equal {} [r set nx 4 xx]
        assert_equal 0 [r exists nx]
    }

    test "SET GET returns the old value" {
        r del sg
        assert_equal {} [r set sg a get]
        assert_equal a [r get sg]
        assert_equal a [r set sg b get]
        assert_equal b [r get sg]
    }

    test "SET GET with NX and XX" {
        r set sg old
        assert_equal old [r set sg new nx get]
        assert_equal old [r get sg]
        assert_equal old [r set sg new xx get]
        assert_equal new [r get sg]
        r del sg
        assert_equal {} [r set sg v xx get]
        assert_equal 0 [r exists sg]
        assert_equal {} [r set sg v nx get]
        assert_equal v [r get sg]
    }

    test "SET GET against a key of the wrong type leaves it alone" {
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r set l v get}
        assert_equal list [r type l]
    }

    test "SET option parsing is case-insensitive" {
        r del ci
        assert_equal OK [r set ci v NX Ex 100]
        assert_range [r ttl ci] 90 100
        assert_equal v [r SET ci w gEt]
    }

    test "SET conflicting options are syntax errors" {
        assert_error "ERR syntax error" {r set k v nx xx}
        assert_error "ERR syntax error" {r set k v xx nx}
        assert_error "ERR syntax error" {r set k v ex 10 px 100}
        assert_error "ERR syntax error" {r set k v px 100 exat 10}
        assert_error "ERR syntax error" {r set k v exat 10 pxat 10}
        assert_error "ERR syntax error" {r set k v ex 10 keepttl}
        assert_error "ERR syntax error" {r set k v keepttl px 10}
        assert_error "ERR syntax error" {r set k v persist}
        assert_error "ERR syntax error" {r set k v foo}
        assert_error "ERR syntax error" {r set k v ex}
        assert_error "ERR syntax error" {r set k v nx get foo}
    }

    test "SET with a repeated expire option uses the last value" {
        r set k v ex 1000 ex 2000
        assert_range [r ttl k] 1990 2000
    }

    test "SET invalid expire times" {
        assert_error "ERR invalid expire time in 'set' command" {r set k v ex 0}
        assert_error "ERR invalid expire time in 'set' command" {r set k v ex -1}
        assert_error "ERR invalid expire time in 'set' command" {r set k v px 0}
        assert_error "ERR invalid expire time in 'set' command" {r set k v exat 0}
        assert_error "ERR invalid expire time in 'set' command" {r set k v pxat -5}
        assert_error "ERR invalid expire time in 'set' command" \
            {r set k v ex 9223372036854775807}
        assert_error "ERR invalid expire time in 'set' command" \
            {r set k v px 9223372036854775807}
        assert_error "ERR invalid expire time in 'set' command" \
            {r set k v exat 9223372036854776}
        assert_error "ERR value is not an integer or out of range" {r set k v ex abc}
        assert_error "ERR value is not an integer or out of range" {r set k v px 1.5}
    }

    test "A failed SET leaves the old value" {
        r set keep old
        catch {r set keep new ex 0}
        catch {r set keep new nx xx}
        assert_equal old [r get keep]
    }

    # ----------------------------------------------------------------- SETNX / SETEX / PSETEX

    test "SETNX" {
        r del nx
        assert_equal 1 [r setnx nx a]
        assert_equal 0 [r setnx nx b]
        assert_equal a [r get nx]
    }

    test "SETNX against a key of another type does not overwrite" {
        r del l
        r rpush l a
        assert_equal 0 [r setnx l v]
        assert_equal list [r type l]
    }

    test "SETEX and PSETEX set value and TTL" {
        assert_equal OK [r setex se 100 v]
        assert_equal v [r get se]
        assert_range [r ttl se] 90 100
        assert_equal OK [r psetex pse 100000 w]
        assert_equal w [r get pse]
        assert_range [r pttl pse] 90000 100000
    }

    test "SETEX and PSETEX errors" {
        assert_error "ERR invalid expire time in 'setex' command" {r setex se 0 v}
        assert_error "ERR invalid expire time in 'setex' command" {r setex se -10 v}
        assert_error "ERR invalid expire time in 'psetex' command" {r psetex se 0 v}
        assert_error "ERR invalid expire time in 'setex' command" \
            {r setex se 9223372036854775807 v}
        assert_error "ERR value is not an integer or out of range" {r setex se abc v}
        assert_error "ERR wrong number of arguments for 'setex' command" {r setex se 10}
    }

    # ----------------------------------------------------------------- MGET / MSET / MSETNX

    test "MSET and MGET" {
        r del m1 m2 m3
        assert_equal OK [r mset m1 a m2 b m3 {}]
        assert_equal {a b {}} [r mget m1 m2 m3]
    }

    test "MGET returns nil for missing keys and other types" {
        r del l nokey
        r rpush l a
        r set m1 x
        assert_equal {x {} {} x} [r mget m1 nokey l m1]
    }

    test "MSET with a repeated key keeps the last value" {
        r mset dup 1 dup 2
        assert_equal 2 [r get dup]
    }

    test "MSETNX sets all or nothing" {
        r del x1 x2 x3
        assert_equal 1 [r msetnx x1 a x2 b]
        assert_equal {a b} [r mget x1 x2]
        assert_equal 0 [r msetnx x3 c x2 z]
        assert_equal {} [r get x3]
        assert_equal b [r get x2]
    }

    test "MSETNX with an existing key of another type" {
        r del l x9
        r rpush l a
        assert_equal 0 [r msetnx x9 a l b]
        assert_equal 0 [r exists x9]
    }

    # ----------------------------------------------------------------- GETSET / GETDEL / GETEX

    test "GETSET" {
        r del gs
        assert_equal {} [r getset gs a]
        assert_equal a [r getset gs b]
        assert_equal b [r get gs]
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r getset l v}
    }

    test "GETSET clears the TTL" {
        r set gs v ex 100
        r getset gs w
        assert_equal -1 [r ttl gs]
    }

    test "GETDEL" {
        r set gd v
        assert_equal v [r getdel gd]
        assert_equal 0 [r exists gd]
        assert_equal {} [r getdel gd]
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r getdel l}
        assert_equal 1 [r exists l]
    }

    test "GETEX without options is GET" {
        r set gx v
        assert_equal v [r getex gx]
        assert_equal -1 [r ttl gx]
        assert_equal {} [r getex nokey]
    }

    test "GETEX EX, PX, EXAT, PXAT, PERSIST" {
        r set gx v
        assert_equal v [r getex gx ex 100]
        assert_range [r ttl gx] 90 100
        assert_equal v [r getex gx px 200000]
        assert_range [r pttl gx] 190000 200000
        set at [expr {[clock seconds] + 300}]
        assert_equal v [r getex gx exat $at]
        assert_range [r ttl gx] 290 300
        set pat [expr {[clock milliseconds] + 400000}]
        assert_equal v [r getex gx pxat $pat]
        assert_range [r pttl gx] 390000 400000
        assert_equal v [r getex gx persist]
        assert_equal -1 [r ttl gx]
    }

    test "GETEX EXAT in the past deletes the key after replying" {
        r set gx v
        assert_equal v [r getex gx exat 1]
        assert_equal 0 [r exists gx]
        r set gx v
        assert_equal v [r getex gx pxat 1]
        assert_equal 0 [r exists gx]
    }

    test "GETEX errors" {
        r set gx v
        assert_error "ERR syntax error" {r getex gx foo}
        assert_error "ERR syntax error" {r getex gx ex 10 px 10}
        assert_error "ERR syntax error" {r getex gx ex 10 persist}
        assert_error "ERR syntax error" {r getex gx persist ex 10}
        assert_error "ERR syntax error" {r getex gx keepttl}
        assert_error "ERR syntax error" {r getex gx nx}
        assert_error "ERR syntax error" {r getex gx ex}
        assert_error "ERR invalid expire time in 'getex' command" {r getex gx ex 0}
        assert_error "ERR invalid expire time in 'getex' command" {r getex gx px -1}
        assert_error "ERR value is not an integer or out of range" {r getex gx ex x}
        # the expire value is only checked once the key is known to exist
        assert_equal {} [r getex nokey ex 0]
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r getex l persist}
    }

    # ----------------------------------------------------------------- counters

    test "INCR against a missing key" {
        r del n
        assert_equal 1 [r incr n]
        assert_equal 2 [r incr n]
        assert_equal 2 [r get n]
        assert_encoding int n
    }

    test "INCRBY, DECR, DECRBY" {
        r set n 10
        assert_equal 35 [r incrby n 25]
        assert_equal 34 [r decr n]
        assert_equal -66 [r decrby n 100]
        assert_equal -70 [r incrby n -4]
        assert_equal -60 [r decrby n -10]
        r del n2
        assert_equal -1 [r decr n2]
    }

    test "INCR on a value stored as a string that is an integer" {
        r set n 17179869184
        assert_equal 17179869185 [r incr n]
        r set n [string repeat 1 1]
        r append n 23
        assert_encoding raw n
        assert_equal 124 [r incr n]
        assert_encoding int n
    }

    test "INCR against a value that is not an integer" {
        foreach v {abc 1.5 { 1} {1 } +1 01 {} 99999999999999999999 1e3} {
            r set n $v
            assert_error "ERR value is not an integer or out of range" {r incr n}
            assert_equal $v [r get n]
        }
    }

    test "INCRBY with a bad increment" {
        r set n 1
        assert_error "ERR value is not an integer or out of range" {r incrby n abc}
        assert_error "ERR value is not an integer or out of range" {r incrby n 1.5}
        assert_error "ERR value is not an integer or out of range" \
            {r incrby n 9223372036854775808}
        assert_error "ERR value is not an integer or out of range" {r decrby n x}
    }

    test "INCR and DECR overflow" {
        r set n 9223372036854775807
        assert_error "ERR increment or decrement would overflow" {r incr n}
        assert_error "ERR increment or decrement would overflow" {r incrby n 1}
        assert_equal 9223372036854775807 [r get n]
        assert_equal 0 [r decrby n 9223372036854775807]
        r set n -9223372036854775808
        assert_error "ERR increment or decrement would overflow" {r decr n}
        assert_error "ERR increment or decrement would overflow" {r incrby n -1}
        assert_equal -9223372036854775808 [r get n]
        r set n 0
        assert_error "ERR decrement would overflow" {r decrby n -9223372036854775808}
        assert_equal -9223372036854775808 [r incrby n -9223372036854775808]
        assert_equal -1 [r incrby n 9223372036854775807]
    }

    test "INCR against a key of the wrong type" {
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r incr l}
        assert_error "WRONGTYPE*" {r decrby l 1}
        assert_error "WRONGTYPE*" {r incrbyfloat l 1}
    }

    test "INCRBYFLOAT: a value with an embedded NUL is not a float" {
        r set f 1
        r setrange f 2 2
        assert_error "ERR value is not a valid float" {r incrbyfloat f 1}
        assert_error "ERR value is not a valid float" {r incrbyfloat k "1\x002"}
    }

    test "INCRBYFLOAT" {
        r del f
        assert_equal 1.5 [r incrbyfloat f 1.5]
        r set f 10.5
        assert_equal 10.6 [r incrbyfloat f 0.1]
        assert_equal 10.6 [r get f]
        assert_equal 5010.60000000000000009 [r incrbyfloat f 5.0e3]
        r set f 1
        assert_equal 3.5 [r incrbyfloat f 2.5]
        assert_equal 3 [r incrbyfloat f -0.5]
        assert_equal 0 [r incrbyfloat f -3]
        r set f 17179869184
        assert_equal 17179869185.5 [r incrbyfloat f 1.5]
        r set f 5
        assert_equal 5.00001 [r incrbyfloat f 1e-5]
        r set f 1.5
        assert_equal 0 [r incrbyfloat f -1.5]
    }

    test "INCRBYFLOAT errors" {
        r set f abc
        assert_error "ERR value is not a valid float" {r incrbyfloat f 1}
        r set f 1
        assert_error "ERR value is not a valid float" {r incrbyfloat f abc}
        assert_error "ERR value is not a valid float" {r incrbyfloat f {}}
        assert_error "ERR value is not a valid float" {r incrbyfloat f { 1}}
        assert_error "ERR value is not a valid float" {r incrbyfloat f nan}
        assert_error "ERR increment would produce NaN or Infinity" {r incrbyfloat f inf}
        assert_error "ERR increment would produce NaN or Infinity" {r incrbyfloat f -inf}
        r set f 1e4932
        assert_error "ERR increment would produce NaN or Infinity" {r incrbyfloat f 1e4932}
        r set f 1
        assert_equal 1 [r get f]
    }

    # ----------------------------------------------------------------- APPEND / STRLEN

    test "APPEND creates and extends" {
        r del a
        assert_equal 3 [r append a foo]
        assert_equal 6 [r append a bar]
        assert_equal foobar [r get a]
        assert_equal 6 [r strlen a]
    }

    test "APPEND an empty string creates an empty key" {
        r del a
        assert_equal 0 [r append a {}]
        assert_equal 1 [r exists a]
        assert_equal {} [r get a]
    }

    test "APPEND to an integer value" {
        r set a 10
        assert_equal 4 [r append a 20]
        assert_equal 1020 [r get a]
        assert_equal 1021 [r incr a]
    }

    test "APPEND many times builds the expected value" {
        r del a
        set expect ""
        for {set i 0} {$i < 500} {incr i} {
            set piece [randstring 0 20 binary]
            append expect $piece
            r append a $piece
        }
        assert_equal $expect [r get a]
        assert_equal [string length $expect] [r strlen a]
    }

    test "APPEND and STRLEN against the wrong type" {
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r append l x}
        assert_error "WRONGTYPE*" {r strlen l}
    }

    test "STRLEN of missing, int and embstr values" {
        r del nokey
        assert_equal 0 [r strlen nokey]
        r set s -12345
        assert_equal 6 [r strlen s]
        r set s hello
        assert_equal 5 [r strlen s]
    }

    # ----------------------------------------------------------------- GETRANGE / SETRANGE

    test "GETRANGE" {
        r set s "Hello World"
        assert_equal Hell [r getrange s 0 3]
        assert_equal "Hello World" [r getrange s 0 -1]
        assert_equal orld [r getrange s -4 -1]
        assert_equal {} [r getrange s 5 3]
        assert_equal "Hello World" [r getrange s 0 1000000000000]
        assert_equal H [r getrange s 0 -100]
        assert_equal H [r getrange s -100 -100]
        assert_equal {} [r getrange s -1 -5]
        assert_equal d [r getrange s 10 20]
        assert_equal {} [r getrange s 11 20]
        assert_equal Hell [r substr s 0 3]
    }

    test "GETRANGE of an integer value, a missing key, an empty string" {
        r set s 1234567
        assert_equal 345 [r getrange s 2 4]
        r del nokey
        assert_equal {} [r getrange nokey 0 -1]
        r set s {}
        assert_equal {} [r getrange s 0 -1]
    }

    test "GETRANGE errors" {
        r set s v
        assert_error "ERR value is not an integer or out of range" {r getrange s a 1}
        assert_error "ERR value is not an integer or out of range" {r getrange s 0 b}
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r getrange l 0 -1}
    }

    test "SETRANGE against a missing key pads with zeros" {
        r del sr
        assert_equal 8 [r setrange sr 5 abc]
        assert_equal "\x00\x00\x00\x00\x00abc" [r get sr]
        r del sr
        assert_equal 3 [r setrange sr 0 xyz]
        assert_equal xyz [r get sr]
    }

    test "SETRANGE with an empty value changes nothing" {
        r del sr
        assert_equal 0 [r setrange sr 5 {}]
        assert_equal 0 [r exists sr]
        r set sr hello
        assert_equal 5 [r setrange sr 100 {}]
        assert_equal hello [r get sr]
    }

    test "SETRANGE overwrites and extends" {
        r set sr "Hello World"
        assert_equal 11 [r setrange sr 6 Redis]
        assert_equal "Hello Redis" [r get sr]
        assert_equal 14 [r setrange sr 11 !!!]
        assert_equal "Hello Redis!!!" [r get sr]
        assert_equal 16 [r setrange sr 15 ?]
        assert_equal "Hello Redis!!!\x00?" [r get sr]
        r set sr 1234
        assert_equal 4 [r setrange sr 1 0]
        assert_equal 1034 [r get sr]
        assert_equal 1035 [r incr sr]
    }

    test "SETRANGE errors" {
        r set sr v
        assert_error "ERR offset is out of range" {r setrange sr -1 x}
        assert_error "ERR value is not an integer or out of range" {r setrange sr x y}
        assert_error "ERR string exceeds maximum allowed size (proto-max-bulk-len)" \
            {r setrange sr 536870912 x}
        assert_error "ERR string exceeds maximum allowed size (proto-max-bulk-len)" \
            {r setrange sr 536870911 xy}
        assert_error "ERR string exceeds maximum allowed size (proto-max-bulk-len)" \
            {r setrange sr 9223372036854775807 x}
        assert_error "ERR string exceeds maximum allowed size (proto-max-bulk-len)" \
            {r setrange nokey 536870912 x}
        assert_equal v [r get sr]
        r del l
        r rpush l a
        assert_error "WRONGTYPE*" {r setrange l 0 x}
        assert_error "WRONGTYPE*" {r setrange l 0 {}}
    }

    # ----------------------------------------------------------------- LCS

    test "LCS" {
        r mset virus1 ohmytext virus2 mynewtext
        assert_equal mytext [r lcs virus1 virus2]
        assert_equal 6 [r lcs virus1 virus2 len]
        assert_equal {} [r lcs virus1 nokey]
        assert_equal 0 [r lcs nokey nokey2 len]
    }

    test "LCS IDX" {
        r mset virus1 ohmytext virus2 mynewtext
        assert_equal {matches {{{4 7} {5 8}} {{2 3} {0 1}}} len 6} [r lcs virus1 virus2 idx]
        assert_equal {matches {{{4 7} {5 8} 4} {{2 3} {0 1} 2}} len 6} \
            [r lcs virus1 virus2 idx withmatchlen]
        assert_equal {matches {{{4 7} {5 8}}} len 6} [r lcs virus1 virus2 idx minmatchlen 3]
    }

    test "LCS errors" {
        r del l
        r rpush l a
        r set s v
        assert_error "ERR The specified keys must contain string values" {r lcs l s}
        assert_error "ERR If you want both the length and indexes, please just use IDX." \
            {r lcs s s len idx}
        assert_error "ERR syntax error" {r lcs s s foo}
        assert_error "ERR syntax error" {r lcs s s minmatchlen}
        assert_error "ERR value is not an integer or out of range" {r lcs s s minmatchlen x}
    }
}

start_server {tags {"string"} overrides {proto-max-bulk-len 1mb}} {
    test "APPEND and SETRANGE respect proto-max-bulk-len" {
        r del k
        set limit 1048576
        assert_equal $limit [r setrange k [expr {$limit - 1}] x]
        assert_error "ERR string exceeds maximum allowed size (proto-max-bulk-len)" \
            {r append k y}
        assert_error "ERR string exceeds maximum allowed size (proto-max-bulk-len)" \
            {r setrange k $limit y}
        assert_equal $limit [r strlen k]
        r set k [string repeat a 1000]
        assert_error "ERR string exceeds maximum allowed size (proto-max-bulk-len)" \
            {r append k [string repeat b [expr {$limit - 999}]]}
        assert_equal $limit [r append k [string repeat b [expr {$limit - 1000}]]]
    }
}
