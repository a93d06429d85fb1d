#!/usr/bin/env bash
# ALE on a real validator, as CI runs it (docs/VALIDATOR.md): starts
# solana-test-validator on a fresh ledger, then
#  1. a cluster without ALE: a command is told the programs are missing;
#  2. deploys both programs through the upgradeable loader and runs the initialiser
#     (`ale operator deploy --treasury`), then again, checking it sends nothing;
#  3. the market in real time on the validator and on the embedded runtime, labels
#     compared item for item, speed and fees printed side by side (`ale bench`);
#  4. the CLI's every-actor sequence on the validator, which is stopped in the middle
#     and let run on, and the RPC transport across such an outage (the ignored tests
#     of ale-cli).
# Needs the `ale` binary ($ALE) and the binaries from tools/sbf/build.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ale="${ALE:?set ALE to the ale binary}"
ledger="${1:-.ale/ci-ledger}"
url="http://127.0.0.1:8899"
wallets="$(mktemp -d)"
trap 'bash "$here/stop.sh" "$ledger"; rm -rf "$wallets"' EXIT
phase() { echo "-- $1 (+${SECONDS}s)"; }

bash "$here/start.sh" "$ledger" --reset
mkdir -p "$ledger" && ledger="$(cd "$ledger" && pwd)"
"$ale" wallet new --out "$wallets/operator.json" >/dev/null
"$ale" wallet new --out "$wallets/treasury.json" >/dev/null
treasury="$("$ale" --keypair "$wallets/treasury.json" wallet address)"
"$ale" --url "$url" --keypair "$wallets/operator.json" wallet airdrop --sol 100

phase "a cluster without ALE"
if missing="$("$ale" --url "$url" --keypair "$wallets/operator.json" staker show 2>&1)"; then
    echo "staker show succeeded before any deploy" >&2
    exit 1
fi
grep -q "ale_staking is not deployed at .* on $url: wrong cluster, or deploy it first" <<<"$missing"

# Runs `ale operator deploy` and checks its output has every line given.
deploy_expecting() {
    local start=$SECONDS out
    out="$("$ale" --url "$url" --keypair "$wallets/operator.json" operator deploy --treasury "$treasury")"
    echo "$out"
    echo "deploy took $((SECONDS - start)) s"
    for expected in "$@"; do
        grep -q "$expected" <<<"$out" || { echo "missing from the output: $expected" >&2; exit 1; }
    done
}
phase "deploy and initialise"
deploy_expecting "ale_staking.so at .*: Deployed" "ale_protocol.so at .*: Deployed" \
    "initialiser: 7 steps sent, 0 already done"
phase "deploy again: nothing to send"
deploy_expecting "ale_staking.so at .*: Unchanged" "ale_protocol.so at .*: Unchanged" \
    "initialiser: 0 steps sent, 7 already done"

phase "the market on the validator and on the embedded runtime (ale bench)"
"$ale" --url "$url" bench --out "$wallets/bench"

phase "the CLI sequence and the RPC transport across validator outages"
ALE_VALIDATOR_LEDGER="$ledger" ALE_VALIDATOR_URL="$url" \
ALE_OPERATOR_KEYPAIR="$wallets/operator.json" \
    cargo nextest run --workspace --locked --run-ignored only --no-fail-fast --test-threads 1 \
        -E "package(ale-cli)"
phase "validator checks passed"
