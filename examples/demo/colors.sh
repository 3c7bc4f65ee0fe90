#!/bin/sh
# Logs coloured lines (ANSI SGR escapes), as many real programs do.
i=0
while :; do
  i=$((i + 1))
  printf '\033[32mINFO\033[0m  request %d served in \033[1m%dms\033[0m\n' "$i" $((i % 50))
  if [ $((i % 5)) -eq 0 ]; then printf '\033[33mWARN\033[0m  cache miss ratio high (%d%%)\n' $((i % 100)) >&2; fi
  if [ $((i % 13)) -eq 0 ]; then printf '\033[31mERROR\033[0m upstream timeout on /api/%d\n' "$i" >&2; fi
  sleep 2
done
