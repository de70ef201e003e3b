#!/usr/bin/env bash
# Runs the deadline tests that wait out a real minute (a restart across a
# deadline, two servers on one database) on both backends at once. The four
# processes mostly sleep, so one ctest slot holds them, not four slots for a
# minute each. Each one's output follows under its name once all have ended;
# the entry fails when any of them fails.
# Usage: real_minute.sh DEADLINE_TESTS_BINARY
set -u
binary=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
names=()
pids=()
for backend in sqlite postgresql; do
  for scenario in restart two_servers; do
    name=${scenario}_$backend
    OUTPOST_TEST_BACKEND=$backend "$binary" --test-case="*${scenario//_/*}*" >"$out/$name" 2>&1 &
    names+=("$name")
    pids+=($!)
  done
done
status=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}"
  rc=$?
  echo "== ${names[$i]} (exit $rc)"
  cat "$out/${names[$i]}"
  ((rc == 0)) || status=1
done
exit $status
