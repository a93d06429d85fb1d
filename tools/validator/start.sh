#!/usr/bin/env bash
# Starts agave's solana-test-validator on 127.0.0.1 (JSON-RPC :8899, websocket :8900)
# with its ledger in the directory given (default .ale/test-ledger), in the background;
# returns once RPC answers. SPL Token, Token-2022 and the associated token account
# program are in its genesis at their real addresses; the ALE programs are deployed
# onto it afterwards through the upgradeable loader. `tools/validator/stop.sh DIR`
# stops it. Pass --reset to start from genesis again.
set -euo pipefail

ledger=".ale/test-ledger"
reset=()
for arg in "$@"; do
    case "$arg" in
        --reset) reset=(--reset) ;;
        *) ledger="$arg" ;;
    esac
done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
validator="$(bash "$here/install.sh")"
mkdir -p "$ledger"
ledger="$(cd "$ledger" && pwd)"
# Beside the ledger, not in it: --reset empties the ledger directory.
pidfile="$ledger.pid"
out="$ledger.log"
rpc="http://127.0.0.1:8899"

health() {
    curl -s -m 2 -H 'content-type: application/json' \
        -d '{"jsonrpc":"2.0","id":1,"method":"getHealth"}' "$rpc" 2>/dev/null | grep -q '"ok"'
}

if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "already running (pid $(cat "$pidfile")): $rpc" >&2
    exit 0
fi
if health; then
    echo "a validator already answers at $rpc: stop it first" >&2
    exit 1
fi
"$validator" --ledger "$ledger" --bind-address 127.0.0.1 --rpc-port 8899 \
    --faucet-port 9900 --dynamic-port-range 8000-8025 --quiet "${reset[@]}" \
    >"$out" 2>&1 &
echo $! >"$pidfile"

for _ in $(seq 1 120); do
    if health; then
        echo "solana-test-validator up at $rpc (ledger $ledger, pid $(cat "$pidfile"))" >&2
        exit 0
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        echo "solana-test-validator exited; its output:" >&2
        tail -20 "$out" >&2
        exit 1
    fi
    sleep 1
done
echo "solana-test-validator did not answer at $rpc within 120 s" >&2
exit 1
