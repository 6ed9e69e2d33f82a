//! The structure the code keeps (ARCHITECTURE.md): the pipeline's modules
//! depend on one another in one direction only, and the leaves stay leaves.
//! Read from the `crate::` paths of each module's code (its tests left out).

use std::collections::{BTreeMap, BTreeSet};

use super::util::repo;

/// Top-level module → the top-level modules its code names.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = repo().join("src");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pending = vec![src.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&src).unwrap();
            let top = relative
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string();
            if top == "lib" || top == "main" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            let deps = out.entry(top.clone()).or_default();
            for line in code.lines() {
                let line = line.split("//").next().unwrap_or("");
                for part in line.split("crate::").skip(1) {
                    let name: String = part
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != top {
                        deps.insert(name);
                    }
                }
            }
        }
    }
    out
}

#[test]
fn modules_depend_on_one_another_in_one_direction() {
    let deps = dependencies();
    // Remove modules that depend on nothing left, until none remain; what
    // is left is a cycle.
    let mut left = deps.clone();
    loop {
        let free: Vec<String> = left
            .iter()
            .filter(|(_, d)| d.iter().all(|m| !left.contains_key(m)))
            .map(|(m, _)| m.clone())
            .collect();
        if free.is_empty() {
            break;
        }
        for m in free {
            left.remove(&m);
        }
    }
    assert!(left.is_empty(), "modules in a dependency cycle: {left:?}");
}

#[test]
fn the_leaves_stay_leaves() {
    let deps = dependencies();
    let allowed: [(&str, &[&str]); 8] = [
        ("domain", &[]),
        ("text", &[]),
        ("files", &[]),
        ("cores", &[]),
        ("fields", &["domain"]),
        ("codes", &["domain", "fields", "text"]),
        ("vocabulary", &["domain", "fields", "text"]),
        (
            "ingest",
            &["codes", "cores", "domain", "fields", "text", "vocabulary"],
        ),
    ];
    for (module, may) in allowed {
        let uses = deps.get(module).cloned().unwrap_or_default();
        let extra: Vec<&String> = uses.iter().filter(|m| !may.contains(&m.as_str())).collect();
        assert!(extra.is_empty(), "{module} uses {extra:?}");
    }
    // The policy is read without the reader, the plan, or any output.
    let policy = &deps["policy"];
    for m in ["ingest", "plan", "output", "manifest", "lists", "cmd"] {
        assert!(!policy.contains(m), "policy uses {m}");
    }
}
