#!/bin/sh
# The official redis image's docker-entrypoint.sh, reduced: options alone
# run redis-server, and root drops to the user "redis".
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- redis-server "$@"
fi
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
	chown -R redis:redis /data
	# busybox su, as root: no password; -p keeps the environment
	# but PATH, set again; "--"
	# keeps the arguments (-c fsync=off) from su.
	exec su -p -s /bin/sh -c "export PATH='$PATH'; exec \"\$0\" \"\$@\"" redis -- "$0" "$@"
fi
exec "$@"
