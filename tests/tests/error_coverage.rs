//! Every error code in the committed IDL has a row in docs/ERRORS.md and a runtime test
//! that sends it, unless the row says no input can reach it.

use std::path::Path;

/// (IDL file, the error enum's name in Rust).
const PROGRAMS: [(&str, &str); 2] = [
    ("ale_staking.json", "StakingError"),
    ("ale_protocol.json", "ProtocolError"),
];

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

#[test]
fn every_error_code_is_documented_and_tested() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let doc = read(&root.join("docs/ERRORS.md"));
    let tests: String = std::fs::read_dir(root.join("tests/tests"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "rs") && !path.ends_with("error_coverage.rs")
        })
        .map(|path| read(&path))
        .collect();

    let mut missing = Vec::new();
    for (idl_file, enum_name) in PROGRAMS {
        let idl: serde_json::Value =
            serde_json::from_str(&read(&root.join("app-idl").join(idl_file))).unwrap();
        for error in idl["errors"].as_array().expect("errors in IDL") {
            let (code, name) = (
                error["code"].as_u64().unwrap(),
                error["name"].as_str().unwrap(),
            );
            let Some(row) = doc
                .lines()
                .find(|l| l.starts_with(&format!("| {code} | {name} |")))
            else {
                missing.push(format!("{name} ({code}): no row in docs/ERRORS.md"));
                continue;
            };
            let tested = tests.contains(&format!("{enum_name}::{name})"))
                || tests.contains(&format!("{enum_name}::{name},"))
                || tests.contains(&format!("{enum_name}::{name}\n"));
            if !tested && !row.contains("unreachable by input") {
                missing.push(format!("{name} ({code}): no test sends it"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "error codes without documentation or test:\n{}",
        missing.join("\n")
    );
}
