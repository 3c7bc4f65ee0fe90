#!/bin/sh
# A pretend queue worker: logs a job line every second, now and then a warning on stderr.
n=0
trap 'echo "worker $1: got SIGTERM, finishing job $n"; exit 0' TERM
while :; do
  n=$((n + 1))
  echo "worker $1: processed job $n in $((n % 7 + 1))ms"
  if [ $((n % 10)) -eq 0 ]; then echo "worker $1: queue is slow (job $n)" >&2; fi
  sleep 1
done
