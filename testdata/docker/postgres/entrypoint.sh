#!/bin/sh
# The official postgres image's docker-entrypoint.sh, reduced to what the
# tests and docker-compose.yml use (no /docker-entrypoint-initdb.d scripts
# other than *.sql).
set -eu
if [ "${1#-}" != "$1" ]; then
	set -- postgres "$@"
fi
[ "$1" = postgres ] || exec "$@"

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$PGDATA" /var/run/postgresql
	chown -R postgres:postgres "$PGDATA" /var/run/postgresql
	chmod 700 "$PGDATA"
	# busybox su, as root: no password; -p keeps the environment
	# but PATH, set again; "--"
	# keeps the arguments (-c fsync=off) from su.
	exec su -p -s /bin/sh -c "export PATH='$PATH'; exec \"\$0\" \"\$@\"" postgres -- "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	user=${POSTGRES_USER:-postgres}
	db=${POSTGRES_DB:-$user}
	auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
	if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
		echo "error: the database is uninitialized and POSTGRES_PASSWORD is not set" >&2
		exit 1
	fi
	pwfile=$(mktemp)
	printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
	# shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of words
	initdb --username="$user" --pwfile="$pwfile" ${POSTGRES_INITDB_ARGS:-}
	rm -f "$pwfile"
	printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
	printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"

	# The temporary server: unix socket only, so nothing outside counts
	# it as ready.
	pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
	if [ "$db" != postgres ]; then
		psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$user" --dbname postgres \
			-c "CREATE DATABASE \"$db\""
	fi
	for f in /docker-entrypoint-initdb.d/*.sql; do
		[ -e "$f" ] || continue
		echo "running $f"
		psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$user" --dbname "$db" -f "$f"
	done
	pg_ctl -D "$PGDATA" -m fast -w stop
	echo
	echo "PostgreSQL init process complete; ready for start up."
	echo
fi
exec "$@"
