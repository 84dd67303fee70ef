#!/usr/bin/env bats
# map_dump against bpftool's own dump of the same pinned map.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	setup_view_root
	mkdir "$ROOT/maps"
	bpftool prog load "$TEST_OBJECTS/typed_map.bpf.o" "$ROOT/typed_prog" pinmaps "$ROOT/maps"
}

teardown() {
	teardown_view_root
}

# bytes of a little-endian u32, for bpftool
u32() {
	python3 -c "import struct; print(' '.join(str(x) for x in struct.pack('<I', $1)))"
}

# key count delta name on samples0 samples1
put() {
	local value
	value=$(python3 -c "
import struct
b = struct.pack('<Ih12s?5xqq', $2, $3, b'$4', $5, $6, $7)
print(' '.join(str(x) for x in b))")
	bpftool map update pinned "$ROOT/maps/typed" key $(u32 "$1") value $value
}

dump_view() {
	manifest dump.conf <<EOF
[dump]
program = map_dump
map = $ROOT/maps/typed
format = $1
EOF
	bv -q apply >/dev/null
	cat "$ROOT/dump"
}

# bpftool's typed dump as sorted "key count delta name on s0 s1" lines
oracle() {
	bpftool -j map dump pinned "$ROOT/maps/typed" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    v = e["formatted"]["value"]
    print(e["formatted"]["key"], v["count"], v["delta"], v["name"], str(v["on"]).lower(),
          v["samples"][0], v["samples"][1])' | sort
}

@test "map_dump: every element, field by field, as bpftool dumps it" {
	put 7 5 -2 ab True 9 -16
	put 4294967295 4294967295 32767 elevenchars False -9223372036854775808 9223372036854775807
	put 0 0 -32768 '' False 0 1
	run dump_view json
	[ "$status" -eq 0 ]
	view=$(echo "$output" | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print(r["key"], r["count"], r["delta"], r["name"], str(r["on"]).lower(), r["samples[0]"], r["samples[1]"])' | sort)
	echo "view:"; echo "$view"; echo "bpftool:"; oracle
	[ "$view" = "$(oracle)" ]
	[ "$(echo "$view" | wc -l)" -eq 3 ]
}

# the flattened column names of bpftool's typed dump: key, then the value's
# fields in order, an array's elements as name[i]
oracle_header() {
	bpftool -j map dump pinned "$ROOT/maps/typed" | python3 -c '
import json, sys
v = json.load(sys.stdin)[0]["formatted"]["value"]
cols = ["key"]
for k, x in v.items():
    cols += ["%s[%d]" % (k, i) for i in range(len(x))] if isinstance(x, list) else [k]
print(" ".join(cols))'
}

@test "map_dump: table and csv have the flattened header and one row per element" {
	put 1 2 3 xy True 4 5
	local header row
	header=$(oracle_header)
	row=$(oracle)
	[ "$header" = "key count delta name on samples[0] samples[1]" ]	# what the oracle gives
	run dump_view table
	same "table header" "$header" "${lines[0]}"
	same "table row" "$row" "${lines[1]}"
	[ "${#lines[@]}" -eq 2 ]
	run dump_view csv
	same "csv header" "${header// /,}" "${lines[0]}"
	same "csv row" "${row// /,}" "${lines[1]}"
	[ "${#lines[@]}" -eq 2 ]
}

@test "map_dump: an empty map gives the header alone" {
	local header
	put 1 2 3 xy True 4 5		# bpftool names the columns of an element
	header=$(oracle_header)
	bpftool map delete pinned "$ROOT/maps/typed" key $(u32 1)
	[ -z "$(oracle)" ]
	run dump_view csv
	same "header alone" "${header// /,}" "$output"
}

@test "map_dump: a map without BTF is shown in hex" {
	bpftool map create "$ROOT/raw" type hash key 4 value 8 entries 4 name raw
	bpftool map update pinned "$ROOT/raw" key 1 2 3 4 value 0xde 0xad 0xbe 0xef 0 0 0 1
	manifest raw.conf <<EOF
[rawview]
program = map_dump
map = $ROOT/raw
format = json
EOF
	run bv apply
	[ "$status" -eq 0 ]
	want=$(bpftool -j map dump pinned "$ROOT/raw" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    hexs = lambda b: "".join(x[2:] for x in b)
    print(json.dumps({"key": hexs(e["key"]), "value": hexs(e["value"])}, separators=(",", ":")))')
	[ "$want" = '{"key":"01020304","value":"deadbeef00000001"}' ]	# what bpftool gives
	same "raw map in hex" "$want" "$(rd "rawview")"
}

@test "map_dump: a map reached through a symbolic link, or pinned by another user, is refused" {
	bpftool map create "$ROOT/secret" type hash key 4 value 8 entries 4 name secret
	mkdir -m 1777 "$ROOT/shared"
	ln -s "$ROOT/secret" "$ROOT/shared/planted"
	manifest link.conf <<EOF
[dump]
program = map_dump
map = $ROOT/shared/planted
mode = 0444
EOF
	run -1 --separate-stderr bv apply
	[[ "$stderr" == *"link.conf:3: [dump] map $ROOT/shared/planted: a symbolic link"* ]]
	[ ! -e "$ROOT/dump" ]
	rm "$ROOT/shared/planted"
	bpftool map create "$ROOT/shared/planted" type hash key 4 value 8 entries 4 name planted
	chown nobody "$ROOT/shared/planted"
	run -1 --separate-stderr bv apply
	[[ "$stderr" == *"link.conf:3: [dump] map $ROOT/shared/planted: owned by another user"* ]]
	[ ! -e "$ROOT/dump" ]
}

@test "map_dump: without map = the view is refused with file:line" {
	manifest nomap.conf <<EOF
[dump]
program = map_dump
EOF
	run bv apply
	[ "$status" -eq 2 ]
	[[ "$output" == *"nomap.conf:1: [dump]"*"map = "* ]]
	[ ! -e "$ROOT/dump" ]
}

@test "map_dump: a new element shows on the next read, same link" {
	put 1 1 1 a True 1 1
	dump_view csv >/dev/null
	id=$(link_id dump)
	put 2 2 2 b False 2 2
	[ "$(oracle | wc -l)" -eq 2 ]
	same "both elements" "$(oracle | tr ' ' ,)" "$(rd dump | tail -n +2 | sort)"
	bv apply >/dev/null
	[ "$(link_id dump)" = "$id" ]
}
