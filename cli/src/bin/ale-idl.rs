//! Generates the IDL JSON of both programs into app-idl/ (anchor's `idl-build`
//! route, the one `anchor build` uses), or with `--check` fails if the committed
//! files differ from what the code generates.

use std::path::{Path, PathBuf};

use anchor_lang_idl::build::IdlBuilder;
use anyhow::{bail, Context, Result};

const PROGRAMS: [&str; 2] = ["ale-staking", "ale-protocol"];

fn main() -> Result<()> {
    let check = std::env::args().any(|a| a == "--check");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("workspace root")?;
    // Its own target directory: the IDL build sets other RUSTFLAGS, which would
    // otherwise invalidate the main build's artifacts.
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target"))
        .join("idl-build");
    // anchor-lang-idl 0.1.4 passes a literal `+{toolchain}` to cargo when this is set
    // (as rustup's proxy sets it for `cargo run`); the build must use the same
    // toolchain anyway.
    std::env::remove_var("RUSTUP_TOOLCHAIN");
    let mut stale = Vec::new();
    for program in PROGRAMS {
        let idl = IdlBuilder::new()
            .program_path(root.join("programs").join(program))
            .cargo_args(vec!["--target-dir".into(), target.display().to_string()])
            .build()
            .with_context(|| format!("build the IDL of {program}"))?;
        let json = serde_json::to_string_pretty(&idl)? + "\n";
        let file = root
            .join("app-idl")
            .join(format!("{}.json", program.replace('-', "_")));
        if check {
            let committed = std::fs::read_to_string(&file).unwrap_or_default();
            if committed != json {
                stale.push(file.display().to_string());
            }
        } else {
            std::fs::write(&file, json).with_context(|| format!("write {}", file.display()))?;
            println!("wrote {}", file.display());
        }
    }
    if !stale.is_empty() {
        bail!(
            "IDL out of date (run `cargo run -p ale-cli --bin ale-idl`): {}",
            stale.join(", ")
        );
    }
    if check {
        println!("app-idl/ is current");
    }
    Ok(())
}
