//! What a cluster sees of the SBF binaries beyond their code: both carry a
//! `.security.txt` section (the linker patch `sbpf-linker-0.2.6-security-txt.patch`
//! writes it) that explorers and `query-security-txt` parse. SBF mode only (`ALE_SBF`);
//! every other SBF-mode test proves the binaries with the section still load and run.

use ale_embedded::ProgramBuild;
use object::{Object as _, ObjectSection as _};

#[test]
fn both_binaries_carry_a_parseable_security_txt_section() {
    let ProgramBuild::Sbf(dir) = ProgramBuild::from_env() else {
        return;
    };
    for (file, name) in [
        ("ale_staking.so", "ALE staking"),
        ("ale_protocol.so", "ALE protocol"),
    ] {
        let path = dir.join(file);
        let elf = std::fs::read(&path).unwrap_or_else(|e| {
            panic!("{} ({e}): build it with tools/sbf/build.sh", path.display())
        });
        let parsed = object::File::parse(&*elf).expect("an ELF file");
        let section = parsed
            .section_by_name(".security.txt")
            .unwrap_or_else(|| panic!("{file} has no .security.txt section"));
        let text = section.data().expect("the section's bytes");
        let security_txt = solana_security_txt::parse(text)
            .unwrap_or_else(|e| panic!("{file}'s security.txt does not parse: {e}"));
        let repository = env!("CARGO_PKG_REPOSITORY");
        assert_eq!(security_txt.name, name);
        assert_eq!(security_txt.project_url, repository);
        assert_eq!(security_txt.source_code.as_deref(), Some(repository));
        assert_eq!(
            security_txt.policy,
            format!("{repository}/blob/main/SECURITY.md")
        );
        assert_eq!(
            security_txt.source_release.as_deref(),
            Some(env!("CARGO_PKG_VERSION"))
        );
        assert_eq!(security_txt.contacts.len(), 1, "{file}: one contact");
        // The section is outside every loaded segment: the VM never maps it.
        assert_eq!(section.address(), 0, "{file}: .security.txt is not loaded");
    }
}
