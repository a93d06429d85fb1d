#!/usr/bin/env bash
# The SBF binaries on a real validator: starts solana-test-validator with a fresh
# ledger, funds an operator from its faucet, deploys both programs through the
# upgradeable loader and runs the initialiser (`ale operator deploy --treasury`), then
# runs the same command again and checks it sends nothing (both programs Unchanged,
# every initialiser step already done). Needs the `ale` binary ($ALE) and the
# binaries from tools/sbf/build.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ale="${ALE:?set ALE to the ale binary}"
ledger="${1:-.ale/ci-ledger}"
url="http://127.0.0.1:8899"
wallets="$(mktemp -d)"
trap 'bash "$here/stop.sh" "$ledger"; rm -rf "$wallets"' EXIT

bash "$here/start.sh" "$ledger" --reset
"$ale" wallet new --out "$wallets/operator.json" >/dev/null
"$ale" wallet new --out "$wallets/treasury.json" >/dev/null
treasury="$("$ale" --keypair "$wallets/treasury.json" wallet address)"
"$ale" --url "$url" --keypair "$wallets/operator.json" wallet airdrop --sol 100

deploy() {
    "$ale" --url "$url" --keypair "$wallets/operator.json" operator deploy --treasury "$treasury"
}
start=$SECONDS
first="$(deploy)"
echo "$first"
echo "first deploy and initialiser: $((SECONDS - start)) s"
grep -q "ale_staking.so at .*: Deployed" <<<"$first"
grep -q "ale_protocol.so at .*: Deployed" <<<"$first"
grep -q "initialiser: 7 steps sent, 0 already done" <<<"$first"

start=$SECONDS
again="$(deploy)"
echo "$again"
echo "second run: $((SECONDS - start)) s"
grep -q "ale_staking.so at .*: Unchanged" <<<"$again"
grep -q "ale_protocol.so at .*: Unchanged" <<<"$again"
grep -q "initialiser: 0 steps sent, 7 already done" <<<"$again"
echo "deploy check passed"
