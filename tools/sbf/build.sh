#!/usr/bin/env bash
# Builds target/deploy/ale_staking.so and target/deploy/ale_protocol.so (SBPF v0) from the
# program sources with registry-only tools:
#   Debian   rustc-web / cargo-web / rust-web-src 1.96 (rustc emits LLVM bitcode for BPF)
#   PyPI     mlc-llvm-static 23 (a static LLVM 23 with the BPF target)
#   crates.io sbpf-linker (links the bitcode into an SBPF ELF with that LLVM 23)
# plus the `std` patch and target spec beside this script. Everything it installs is cached
# under ~/.cache/ale-sbf keyed by version, so a second run only rebuilds the programs.
#
#   tools/sbf/build.sh            build both programs
#   tools/sbf/build.sh spl-token  also build SPL Token (calibration of compute units)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${ALE_SBF_CACHE:-$HOME/.cache/ale-sbf}"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
deploy_dir="$target_dir/deploy"

RUST_VERSION=1.96.0
LLVM_WHEEL_VERSION=23.1.1.post0
SBPF_LINKER_VERSION=0.2.6
# The release the runtime's own SPL Token binary was built from (solana-program-binaries
# 3.1.12 ships spl_token-3.5.0.so), so the calibration compares toolchains on one source.
SPL_TOKEN_VERSION=3.5.0

started=$(date +%s)
step() { printf '[sbf %4ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_debian_rust() {
    if [ -x /usr/bin/rustc ] && /usr/bin/rustc --version | grep -q "^rustc $RUST_VERSION" \
        && [ -d "/usr/src/rustc-$RUST_VERSION/library/std" ] && [ -x /usr/bin/cargo ] \
        && [ -e /usr/include/zstd.h ]; then
        return
    fi
    step "apt: rustc-web cargo-web rust-web-src libzstd-dev"
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        rustc-web cargo-web rust-web-src libzstd-dev python3-pip >/dev/null
}

install_llvm23() {
    llvm_root="$cache/llvm-$LLVM_WHEEL_VERSION"
    llvm_prefix="$llvm_root/mlc_llvm_static/static"
    if [ -x "$llvm_prefix/bin/llvm-config" ] && [ -d "$llvm_prefix/lib" ]; then return; fi
    step "pip: mlc-llvm-static $LLVM_WHEEL_VERSION (static LLVM 23 with BPF)"
    rm -rf "$llvm_root" "$llvm_root.tmp"
    mkdir -p "$llvm_root.tmp/wheels"
    python3 -m pip download --quiet --no-deps --dest "$llvm_root.tmp/wheels" \
        "mlc-llvm-static==$LLVM_WHEEL_VERSION" "mlc-llvm-static-extra-targets==$LLVM_WHEEL_VERSION"
    for wheel in "$llvm_root.tmp"/wheels/*.whl; do
        python3 -m zipfile -e "$wheel" "$llvm_root.tmp/"
    done
    rm -rf "$llvm_root.tmp/wheels"
    chmod +x "$llvm_root.tmp/mlc_llvm_static/static/bin/"*
    mv "$llvm_root.tmp" "$llvm_root"
}

install_sbpf_linker() {
    # data-sections: .data*/.bss* of `std` become read-only data.
    # v0-stack-args: arguments past the fifth go to the callee's frame past the v0 frame gap.
    # security-txt: the program's `SECURITY_TXT` text becomes a `.security.txt` section.
    local patches=("$here/sbpf-linker-$SBPF_LINKER_VERSION-data-sections.patch"
        "$here/sbpf-linker-$SBPF_LINKER_VERSION-v0-stack-args.patch"
        "$here/sbpf-linker-$SBPF_LINKER_VERSION-security-txt.patch")
    local patch_id
    patch_id="$(cat "${patches[@]}" | sha256sum | cut -c1-12)"
    linker_root="$cache/sbpf-linker-$SBPF_LINKER_VERSION-$patch_id-llvm-$LLVM_WHEEL_VERSION"
    sbpf_linker="$linker_root/bin/sbpf-linker"
    if [ -x "$sbpf_linker" ]; then return; fi
    step "sbpf-linker $SBPF_LINKER_VERSION + patches, static LLVM 23 (~1.5 min cold)"
    # The crate's source from crates.io: `cargo fetch` of a manifest that depends on it.
    local work="$cache/sbpf-linker-src.tmp"
    rm -rf "$work" && mkdir -p "$work/fetch/src"
    printf '[package]\nname = "fetch-sbpf-linker"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nsbpf-linker = { version = "=%s", default-features = false }\n' \
        "$SBPF_LINKER_VERSION" >"$work/fetch/Cargo.toml"
    touch "$work/fetch/src/lib.rs"
    cargo fetch --quiet --manifest-path "$work/fetch/Cargo.toml"
    local crate_file
    crate_file="$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"sbpf-linker-$SBPF_LINKER_VERSION.crate" | head -1)"
    tar -xzf "$crate_file" -C "$work"
    local patch_file
    for patch_file in "${patches[@]}"; do
        patch --quiet -d "$work/sbpf-linker-$SBPF_LINKER_VERSION" -p1 <"$patch_file"
    done
    LLVM_PREFIX="$llvm_prefix" cargo install --quiet --path "$work/sbpf-linker-$SBPF_LINKER_VERSION" \
        --locked --no-default-features \
        --features "bpf-linker/llvm-23 bpf-linker/llvm-link-static" --root "$linker_root"
    rm -rf "$work"
}

install_patched_std() {
    # std-solana: `os = "solana"` for std (heap, I/O errors, thread-locals, randomness).
    # compiler-builtins-bpf-i128: the 128-bit helpers in the register ABI of LLVM's libcalls.
    local patches=("$here/rust-1.96-std-solana.patch" "$here/rust-1.96-compiler-builtins-bpf-i128.patch")
    patch_id="$(cat "${patches[@]}" | sha256sum | cut -c1-12)"
    std_src="$cache/rust-src-$RUST_VERSION-solana-$patch_id"
    if [ -d "$std_src/library/std" ]; then return; fi
    step "std source $RUST_VERSION + solana patch $patch_id"
    rm -rf "$std_src" "$std_src.tmp"
    mkdir -p "$std_src.tmp"
    cp -r "/usr/src/rustc-$RUST_VERSION/library" "$std_src.tmp/library"
    local patch_file
    for patch_file in "${patches[@]}"; do
        patch --quiet -d "$std_src.tmp/library" -p1 <"$patch_file"
    done
    mv "$std_src.tmp" "$std_src"
}

# cargo build for the SBF target; $1 = manifest, rest = extra cargo args.
cargo_sbf() {
    local manifest="$1"; shift
    RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
    __CARGO_TESTS_ONLY_SRC_ROOT="$std_src/library" \
    CARGO_TARGET_DIR="${sbf_target_dir:-$target_dir/sbf}" \
    CARGO_ENCODED_RUSTFLAGS="$(printf '%s\x1f' \
        -C "linker=$sbpf_linker" \
        -C link-arg=--arch=v0 \
        -C link-arg=--llvm-args=-bpf-stack-size=4096 \
        -C passes=lower-atomic \
        "${sbf_lints:--Dwarnings}" | sed 's/\x1f$//')" \
    /usr/bin/cargo build --release --manifest-path "$manifest" \
        --target "$here/sbpf-solana-solana.json" \
        -Z build-std=std,panic_abort -Z build-std-features=compiler-builtins-mem \
        -Z json-target-spec "$@"
}

build_program() {
    local package="$1" lib="$2"
    local t0; t0=$(date +%s)
    cargo_sbf "$repo/Cargo.toml" -p "$package"
    mkdir -p "$deploy_dir"
    cp "$target_dir/sbf/sbpf-solana-solana/release/lib$lib.so" "$deploy_dir/$lib.so"
    printf '%-18s %8s bytes  built in %ss\n' "$lib.so" "$(stat -c %s "$deploy_dir/$lib.so")" \
        "$(( $(date +%s) - t0 ))"
}

# SPL Token from crates.io, built with this route: the calibration of compute units
# (docs/COMPUTE.md) runs the same instructions through it and the runtime's own binary.
# The 4 KiB frame limit holds by construction: LLVM's BPF backend refuses a larger frame
# at link time (error severity, under -bpf-stack-size=4096). This proves it on every
# build with a probe program whose one function needs 5,000 bytes.
check_stack_limit() {
    local log; log="$(mktemp)"
    if cargo_sbf "$here/stack-probe/Cargo.toml" >"$log" 2>&1; then
        cat "$log"; rm -f "$log"
        echo "stack limit NOT enforced: a 5,000-byte frame linked" >&2
        exit 1
    fi
    if ! grep -q "BPF stack limit" "$log"; then
        cat "$log"; rm -f "$log"
        echo "stack probe failed for another reason than the frame limit" >&2
        exit 1
    fi
    rm -f "$log"
    echo "stack:     a 5,000-byte frame is refused at link time (limit 4,096)"
}

build_spl_token() {
    local src="$cache/spl-token-$SPL_TOKEN_VERSION-src"
    if [ ! -f "$src/Cargo.toml" ]; then
        local work="$cache/spl-token-fetch.tmp"
        rm -rf "$work" "$src" && mkdir -p "$work/src"
        printf '[package]\nname = "fetch-spl-token"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nspl-token = { version = "=%s", default-features = false }\n' \
            "$SPL_TOKEN_VERSION" >"$work/Cargo.toml"
        touch "$work/src/lib.rs"
        cargo fetch --quiet --manifest-path "$work/Cargo.toml"
        tar -xzf "$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"spl-token-$SPL_TOKEN_VERSION.crate" | head -1)" -C "$work"
        mv "$work/spl-token-$SPL_TOKEN_VERSION" "$src"
        rm -rf "$work"
    fi
    # The crate ships no lock; ours pins ahash 0.8.11 (0.8.15's getrandom 0.4 has no
    # Solana backend) and solana-program 1.18.26, the last 1.x.
    cp "$here/spl-token-$SPL_TOKEN_VERSION.Cargo.lock" "$src/Cargo.lock"
    local t0; t0=$(date +%s)
    # Its own target dir (other flags would make cargo rebuild ours), and its own lints
    # are upstream's business: warnings stay warnings.
    sbf_target_dir="$target_dir/sbf-spl-token" sbf_lints=--cap-lints=warn \
        cargo_sbf "$src/Cargo.toml" --locked
    mkdir -p "$deploy_dir"
    cp "$target_dir/sbf-spl-token/sbpf-solana-solana/release/libspl_token.so" "$deploy_dir/spl_token.so"
    printf '%-18s %8s bytes  built in %ss\n' "spl_token.so" "$(stat -c %s "$deploy_dir/spl_token.so")" \
        "$(( $(date +%s) - t0 ))"
}

install_debian_rust
install_llvm23
install_sbpf_linker
install_patched_std

echo "toolchain: $(/usr/bin/rustc --version) / $(/usr/bin/rustc -vV | sed -n 's/^LLVM version: /bitcode LLVM /p')"
echo "linker:    sbpf-linker $SBPF_LINKER_VERSION on static LLVM $("$llvm_prefix/bin/llvm-config" --version)"
echo "std:       $std_src"

# Separate invocations: building both at once would unify ale-staking's features with the
# `no-entrypoint` that ale-protocol's dependency on it asks for.
build_program ale-staking ale_staking
build_program ale-protocol ale_protocol
check_stack_limit
if [ "${1:-}" = spl-token ]; then build_spl_token; fi
step "done: $deploy_dir"
