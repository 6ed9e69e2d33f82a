//! The guide is complete and stands alone (issue 9): every command and
//! every top-level key of the policy appears in it, its links lead to files
//! of the repository, and nothing points outside the repository.

use std::collections::BTreeSet;

use clap::CommandFactory;
use clearance::cli::Cli;

use super::util::repo;

/// README.md and every page of docs/, with their names.
fn pages() -> Vec<(String, String)> {
    let root = repo();
    let mut out = vec![(
        "README.md".to_string(),
        std::fs::read_to_string(root.join("README.md")).unwrap(),
    )];
    let mut docs: Vec<_> = std::fs::read_dir(root.join("docs"))
        .expect("a docs/ folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    for p in docs {
        out.push((
            format!("docs/{}", p.file_name().unwrap().to_string_lossy()),
            std::fs::read_to_string(&p).unwrap(),
        ));
    }
    out
}

#[test]
fn the_guide_shows_every_command() {
    let guide: String = pages().into_iter().map(|(_, text)| text).collect();
    let mut top = Cli::command();
    top.build();
    for command in top.get_subcommands() {
        let name = command.get_name();
        if name == "help" {
            continue;
        }
        assert!(
            guide.contains(&format!("clearance {name}")),
            "the guide never shows `clearance {name}`"
        );
        for sub in command.get_subcommands() {
            let sub = sub.get_name();
            if sub != "help" {
                assert!(
                    guide.contains(&format!("clearance {name} {sub}")),
                    "the guide never shows `clearance {name} {sub}`"
                );
            }
        }
    }
}

#[test]
fn the_policy_reference_names_every_top_level_key() {
    let shipped = std::fs::read_to_string(repo().join("data/policy.toml")).unwrap();
    let table: toml::Table = shipped.parse().unwrap();
    let reference = std::fs::read_to_string(repo().join("docs/policy.md")).unwrap();
    let keys: BTreeSet<&String> = table.keys().collect();
    assert!(keys.len() >= 10, "{keys:?}");
    for key in keys {
        assert!(
            reference.contains(&format!("[{key}]"))
                || reference.contains(&format!("[{key}."))
                || reference.contains(&format!("[[{key}]]")),
            "docs/policy.md does not describe [{key}]"
        );
        if let Some(section) = table[key].as_table() {
            // The keys of the sections that are not word lists.
            if ["reading", "unit", "limits", "destruction", "assume"].contains(&key.as_str()) {
                for sub in section.keys() {
                    assert!(
                        reference.contains(sub.as_str()),
                        "docs/policy.md does not describe [{key}] {sub}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_guide_points_nowhere_outside_the_repository() {
    let root = repo();
    for (name, text) in pages() {
        for forbidden in ["../shared", "SPEC.md", "http://", "https://"] {
            assert!(
                !text.contains(forbidden),
                "{name} points outside the repository ({forbidden})"
            );
        }
        // Every relative link leads to a file of the repository.
        let dir = root.join(&name);
        let dir = dir.parent().unwrap();
        for link in text.split("](").skip(1) {
            let target = link.split(')').next().unwrap_or("");
            let path = target.split('#').next().unwrap_or("");
            if path.is_empty() {
                continue;
            }
            assert!(
                dir.join(path).exists(),
                "{name}: the link {target} leads nowhere"
            );
        }
    }
}
