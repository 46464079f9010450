# clickhouse.sh - private ClickHouse servers for flowkeep's integration
# tests (POSIX sh, sourced after common.sh and make_tmp).
#
# ch_need          skip (exit 77) with a message when clickhouse-server is
#                  not installed
# ch_setup N       allocate ports and write configs for N servers (shards
#                  1..N) that all know a cluster "fk" of N one-replica
#                  shards; sets CH_HTTP_i and CH_TCP_i
# ch_start I       start server I (data in $T/ch$I), wait until it answers
# ch_stop I        stop server I (SIGTERM, then KILL), keep its data
# ch_q I SQL       run SQL on server I over HTTP, print the answer; fails
#                  the test on an HTTP error unless CH_NOFAIL=1
# ch_kill_all      stop every server started (called by the EXIT trap)
#
# Old servers (Debian bookworm ships 18.16) know no TTL and no
# DateTime64: the schema command has --no-ttl for them.

CH_SERVER=${CH_SERVER:-$(command -v clickhouse-server 2>/dev/null || true)}
CH_N=0

ch_need() {
	if [ -z "$CH_SERVER" ] || [ ! -x "$CH_SERVER" ]; then
		echo "SKIP: clickhouse-server is not installed (Debian package clickhouse-server)"
		exit 77
	fi
}

ch_setup() {
	CH_N=$1
	_i=1
	while [ "$_i" -le "$CH_N" ]; do
		eval "CH_HTTP_$_i=$(tcp_port)"
		eval "CH_TCP_$_i=$(tcp_port)"
		_i=$((_i + 1))
	done
	_shards=
	_i=1
	while [ "$_i" -le "$CH_N" ]; do
		eval "_tp=\$CH_TCP_$_i"
		_shards="$_shards<shard><replica><host>127.0.0.1</host><port>$_tp</port></replica></shard>"
		_i=$((_i + 1))
	done
	_i=1
	while [ "$_i" -le "$CH_N" ]; do
		_d=$T/ch$_i
		mkdir -p "$_d/data" "$_d/tmp"
		eval "_hp=\$CH_HTTP_$_i; _tp=\$CH_TCP_$_i"
		cat >"$_d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$_d/server.log</log><errorlog>$_d/err.log</errorlog><console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$_hp</http_port>
  <tcp_port>$_tp</tcp_port>
  <path>$_d/data/</path>
  <tmp_path>$_d/tmp/</tmp_path>
  <users_config>$_d/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <timezone>UTC</timezone>
  <remote_servers><fk>$_shards</fk></remote_servers>
</yandex>
XML
		cat >"$_d/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
		_i=$((_i + 1))
	done
	trap 'ch_kill_all; fk_kill; rm -rf "$T"' EXIT
}

ch_start() {
	_d=$T/ch$1
	eval "_hp=\$CH_HTTP_$1"
	"$CH_SERVER" --config-file="$_d/config.xml" >"$_d/out.log" 2>&1 &
	echo $! >"$_d/pid"
	_w=0
	until [ "$(curl -s -m 2 "http://127.0.0.1:$_hp/?query=SELECT%201" 2>/dev/null)" = 1 ]; do
		_w=$((_w + 1))
		if [ $_w -gt 300 ] || ! kill -0 "$(cat "$_d/pid")" 2>/dev/null; then
			tail -20 "$_d/out.log" "$_d/err.log" 2>/dev/null
			fail "clickhouse-server $1 did not start"
		fi
		sleep 0.1
	done
}

ch_stop() {
	_d=$T/ch$1
	[ -f "$_d/pid" ] || return 0
	_p=$(cat "$_d/pid")
	kill -TERM "$_p" 2>/dev/null
	_w=0
	while kill -0 "$_p" 2>/dev/null; do
		_w=$((_w + 1))
		if [ $_w -gt 150 ]; then
			kill -KILL "$_p" 2>/dev/null
		fi
		sleep 0.1
	done
	wait "$_p" 2>/dev/null
	rm -f "$_d/pid"
}

ch_kill_all() {
	_i=1
	while [ "$_i" -le "$CH_N" ]; do
		ch_stop "$_i"
		_i=$((_i + 1))
	done
}

ch_q() {
	eval "_hp=\$CH_HTTP_$1"
	_out=$(curl -s -S -m 60 -w '\n%{http_code}' --data-binary "$2" \
	    "http://127.0.0.1:$_hp/") || fail "ch_q $1: curl failed"
	_code=$(printf '%s\n' "$_out" | tail -n 1)
	printf '%s\n' "$_out" | sed '$d'
	if [ "$_code" != 200 ] && [ "${CH_NOFAIL:-0}" != 1 ]; then
		fail "ch_q $1: HTTP $_code for: $2"
	fi
}
