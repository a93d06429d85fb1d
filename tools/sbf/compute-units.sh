#!/usr/bin/env bash
# Compute units of every ALE instruction on the SBF build: runs the whole test suite
# with the embedded runtime loading target/deploy/*.so (ALE_SBF=1), reads the runtime's
# program logs, and prints a markdown table of the largest figure each top-level
# instruction reached (landed and refused), with how many times it ran. The tests
# drive each instruction up to its caps (settle at 256 credited votes and at
# MAX_VOTED_ITEMS_PER_SETTLE decided items, full tickets and reveals, push payouts
# at MAX_PUSHES_PER_CALL, ...); sdk/src/compute_budget.rs holds these figures. "Ran
# out of its limit" counts refusals by the meter: one is the test that settles without
# the client's budget on purpose; any other means a figure in compute_budget.rs is low.
#
#   tools/sbf/build.sh && tools/sbf/compute-units.sh
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
logs="$(mktemp)"
trap 'rm -f "$logs"' EXIT
cd "$repo"
ALE_SBF=1 RUST_LOG=solana_runtime::message_processor::stable_log=debug \
    cargo nextest run --workspace --locked --no-fail-fast --no-capture >"$logs" 2>&1 || {
    tail -40 "$logs"
    echo "compute-units: the suite failed on SBF" >&2
    exit 1
}
python3 - "$logs" <<'PY'
import collections, re, sys

names = {
    "8tfyae5XkFjpn9bndzeWV5UKuMMmLQJnZ2jpUtjUeinM": "ale-protocol",
    "3hEhcceeMEPihVJw13iWxbWvrhC4t3tgBSGYxZz9Gejq": "ale-staking",
    "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA": "spl-token",
    "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb": "token-2022",
    "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL": "associated-token",
}
landed, refused, runs, spent = (collections.defaultdict(int) for _ in range(4))
stack = []  # [program, instruction name, units consumed, units allowed] per depth
for line in open(sys.argv[1], errors="replace"):
    if m := re.search(r"Program (\w+) invoke \[\d+\]", line):
        stack.append([m.group(1), None, None, None])
    elif stack and (m := re.search(r"Program log: Instruction: (\w+)", line)):
        stack[-1][1] = stack[-1][1] or m.group(1)
    elif stack and (m := re.search(r"Program (\w+) consumed (\d+) of (\d+)", line)):
        stack[-1][2], stack[-1][3] = int(m.group(2)), int(m.group(3))
    elif stack and (m := re.search(r"Program (\w+) (success|failed)", line)):
        program, name, units, allowed = stack.pop()
        if stack or units is None or program not in names:
            continue
        key = (names[program], name or "(unnamed)")
        runs[key] += 1
        table = landed if m.group(2) == "success" else refused
        table[key] = max(table[key], units)
        if m.group(2) == "failed" and units == allowed:
            spent[key] += 1
keys = sorted(runs, key=lambda k: (k[0] not in ("ale-protocol", "ale-staking"), -max(landed[k], refused[k])))
print("| program | instruction | runs | largest landed (CU) | largest refused (CU) | ran out of its limit | fits 200k |")
print("|---|---|---:|---:|---:|---:|---|")
for k in keys:
    top = max(landed[k], refused[k])
    print(f"| {k[0]} | {k[1]} | {runs[k]} | {landed[k]:,} | {refused[k]:,} | {spent[k]} | {'yes' if top <= 200_000 else 'no: named limit'} |")
PY
