#!/usr/bin/env bash
# Stops the validator tools/validator/start.sh started with ledger DIR (default
# .ale/test-ledger); its ledger stays, so start.sh resumes it.
set -euo pipefail
ledger="${1:-.ale/test-ledger}"
pidfile="${ledger%/}.pid"
[[ -f "$pidfile" ]] || { echo "no validator started with ledger $ledger" >&2; exit 0; }
pid="$(cat "$pidfile")"
if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
fi
rm -f "$pidfile"
echo "stopped validator (ledger $ledger)" >&2
