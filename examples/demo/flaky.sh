#!/bin/sh
# Exits with status 3 after a second: supervisord retries, backs off, then gives up (FATAL).
echo "flaky: starting up"
sleep 1
echo "flaky: lost connection to the database" >&2
exit 3
