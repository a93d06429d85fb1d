#!/usr/bin/env bash
# Proves ale-sdk builds for the browser: `cargo check` for wasm32-unknown-unknown without
# the RPC feature. rustup cannot fetch the wasm32 standard library on these machines, so
# Debian's rustc-web (installed by tools/sbf/build.sh, which CI runs first) builds std
# from its rust-web-src source (`-Z build-std`, RUSTC_BOOTSTRAP). ~3 min cold, 1 s warm.
#
#   tools/sbf/build.sh && tools/wasm/check-sdk.sh
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
rust_version=1.96.0
std_src="/usr/src/rustc-$rust_version/library"
if [ ! -x /usr/bin/rustc ] || [ ! -d "$std_src/std" ]; then
    echo "wasm check: Debian's rustc-web $rust_version and rust-web-src are missing; run tools/sbf/build.sh first" >&2
    exit 1
fi
started=$(date +%s)
RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 __CARGO_TESTS_ONLY_SRC_ROOT="$std_src" \
    RUSTFLAGS='--cfg getrandom_backend="wasm_js"' \
    /usr/bin/cargo check --locked --manifest-path "$repo/Cargo.toml" -p ale-sdk \
    --no-default-features --target wasm32-unknown-unknown -Z build-std=std,panic_abort \
    --target-dir "$target_dir/wasm"
echo "ale-sdk checks for wasm32-unknown-unknown ($(( $(date +%s) - started ))s)"
