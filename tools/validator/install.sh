#!/usr/bin/env bash
# Installs agave's solana-test-validator from crates.io, idempotently, cached under
# ~/.cache/ale-validator keyed by version and build settings. Prints where it is.
#
# Cold on 2 cores this is the slowest part of CI (see README, "How long things take"):
# 838 crates, RocksDB and protobuf compiled from source. Built at opt-level 0 by default
# (20.5 min cold, against 39 min at 1): it runs a test validator at ~1.7 slots/s and
# ~10 transactions/s, which the deploy check needs and CI can afford; set
# ALE_VALIDATOR_OPT_LEVEL=1 for a faster validator built in twice the time.
set -euo pipefail

AGAVE_VERSION="${AGAVE_VERSION:-3.1.12}"
OPT_LEVEL="${ALE_VALIDATOR_OPT_LEVEL:-0}"
# The signature checks on its hot path: at opt-level 0, ed25519 verification took 30 %
# of an O0 validator's CPU under load (perf). ALE_VALIDATOR_CRYPTO_OPT_LEVEL=3 builds
# these crates optimised, but cold that took 34 min 9 s against 20 min 32 s (every
# crate above them is rebuilt to match), past CI's budget: off by default.
CRYPTO_OPT_LEVEL="${ALE_VALIDATOR_CRYPTO_OPT_LEVEL:-0}"
crypto_crates=(curve25519-dalek ed25519-dalek sha2 blake3)
key="agave-${AGAVE_VERSION}-O${OPT_LEVEL}"
if [[ "$CRYPTO_OPT_LEVEL" != "$OPT_LEVEL" ]]; then
    key="$key-crypto${CRYPTO_OPT_LEVEL}"
fi
root="${ALE_VALIDATOR_CACHE:-$HOME/.cache/ale-validator}/$key"
bin="$root/bin/solana-test-validator"
log() { echo "[validator $((SECONDS))s] $*" >&2; }

if [[ -x "$bin" ]]; then
    log "cached: $bin"
    echo "$bin"
    exit 0
fi

# What the crates' build scripts need: clang for bindgen (RocksDB), cmake (protobuf),
# libudev (hardware wallets, linked by the CLI parts).
missing=()
for pkg in clang libclang-dev libudev-dev cmake pkg-config g++ make; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

log "building agave-validator $AGAVE_VERSION (solana-test-validator), opt-level $OPT_LEVEL (crypto crates $CRYPTO_OPT_LEVEL)"
config=()
[[ "$CRYPTO_OPT_LEVEL" == "$OPT_LEVEL" ]] && crypto_crates=()
for crate in "${crypto_crates[@]}"; do
    config+=(--config "profile.release.package.$crate.opt-level=$CRYPTO_OPT_LEVEL")
done
start=$SECONDS
CARGO_TARGET_DIR="$root/target" \
CARGO_PROFILE_RELEASE_OPT_LEVEL="$OPT_LEVEL" \
CARGO_PROFILE_RELEASE_DEBUG=0 \
CARGO_PROFILE_RELEASE_INCREMENTAL=false \
    cargo install ${config[@]+"${config[@]}"} agave-validator --version "=$AGAVE_VERSION" --locked \
        --bin solana-test-validator --root "$root" >&2
rm -rf "$root/target"
log "built in $((SECONDS - start))s: $("$bin" --version)"
echo "$bin"
