//! The Dockerfile, checked without a Docker engine (none runs on CI machines of this kind): the build stage
//! copies everything the crate compiles from (every `include_str!` / `include_dir!` path, `build.rs`, the
//! lock file, the workspace's member manifests) and `.dockerignore` keeps none of it out, and builds the
//! production daemon (`--no-default-features`); its Rust image is at least the crate's
//! `rust-version`; the runtime stage is non-root, keeps the catalog on the volume, exposes the port the
//! daemon listens on; and the real binary accepts the image's environment and command line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dockerfile() -> String {
    std::fs::read_to_string(root().join("Dockerfile")).unwrap()
}

/// Instructions as (KEYWORD, arguments), continuation lines joined, comments dropped.
fn instructions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || (line.is_empty() && current.is_empty()) {
            continue;
        }
        if let Some(head) = line.strip_suffix('\\') {
            current.push_str(head);
            current.push(' ');
            continue;
        }
        current.push_str(line);
        let (kw, args) = current.split_once(' ').unwrap_or((current.as_str(), ""));
        out.push((kw.to_uppercase(), args.trim().to_string()));
        current.clear();
    }
    out
}

/// `KEY=value` pairs of every ENV instruction.
fn env_of(instrs: &[(String, String)]) -> BTreeMap<String, String> {
    instrs
        .iter()
        .filter(|(k, _)| k == "ENV")
        .flat_map(|(_, a)| a.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect()
}

/// Paths (relative to the repository) the crate reads at compile time, and the workspace's other members
/// (cargo reads every member's manifest even when it builds one package).
fn compile_time_inputs() -> Vec<String> {
    let mut found = vec!["Cargo.toml".to_string(), "Cargo.lock".into(), "build.rs".into(), "src".into()];
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let members = manifest.lines().find_map(|l| l.strip_prefix("members = [")).expect("a workspace");
    found.extend(
        members
            .trim_end_matches(']')
            .split(',')
            .map(|m| m.trim().trim_matches('"').to_string())
            .filter(|m| m != "."),
    );
    let mut stack = vec![root().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (marker, base) in
                [("include_str!(\"", path.parent().unwrap().to_path_buf()), ("include_dir!(\"", root())]
            {
                for piece in text.split(marker).skip(1) {
                    let arg = piece.split('"').next().unwrap();
                    let arg = arg.trim_start_matches("$CARGO_MANIFEST_DIR/");
                    let full = base.join(arg);
                    let rel = normalize(&full).strip_prefix(root()).unwrap().to_path_buf();
                    found.push(rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned());
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[test]
fn the_build_stage_copies_every_compile_time_input() {
    let instrs = instructions(&dockerfile());
    let copied: Vec<String> = instrs
        .iter()
        .filter(|(k, a)| k == "COPY" && !a.starts_with("--from"))
        .flat_map(|(_, a)| {
            let words: Vec<&str> = a.split_whitespace().collect();
            words[..words.len() - 1].iter().map(|w| w.trim_end_matches('/').to_string()).collect::<Vec<_>>()
        })
        .collect();
    let ignored: Vec<String> = std::fs::read_to_string(root().join(".dockerignore"))
        .unwrap_or_default()
        .lines()
        .map(|l| l.trim().trim_end_matches('/').to_string())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let inputs = compile_time_inputs();
    assert!(
        inputs.contains(&"migrations".to_string()) && inputs.contains(&"config".to_string()),
        "{inputs:?}"
    );
    for input in &inputs {
        assert!(
            copied.iter().any(|c| c == input),
            "the Dockerfile does not COPY {input} (copies {copied:?})"
        );
        assert!(!ignored.contains(input), ".dockerignore keeps {input} out of the build context");
    }
    for c in &copied {
        assert!(root().join(c).exists(), "COPY {c}: no such file in the repository");
    }
    let build =
        instrs.iter().find(|(k, a)| k == "RUN" && a.contains("cargo build")).expect("a cargo build step");
    assert!(build.1.contains("--release") && build.1.contains("--locked"), "{}", build.1);
    // The image carries the production daemon: no emulator, no sqlparser.
    assert!(build.1.contains("-p snowcat") && build.1.contains("--no-default-features"), "{}", build.1);
}

#[test]
fn the_rust_image_is_at_least_the_crates_rust_version() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let wanted = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .map(|v| v.trim_end_matches('"').to_string())
        .expect("Cargo.toml sets rust-version");
    let instrs = instructions(&dockerfile());
    let image = instrs.iter().find(|(k, _)| k == "FROM").map(|(_, a)| a.clone()).unwrap();
    let tag = image
        .split_whitespace()
        .next()
        .unwrap()
        .strip_prefix("rust:")
        .expect("the build stage is rust:<tag>");
    let version: Vec<u32> = tag.split('-').next().unwrap().split('.').map(|n| n.parse().unwrap()).collect();
    let wanted: Vec<u32> = wanted.split('.').map(|n| n.parse().unwrap()).collect();
    assert!(version >= wanted, "image rust:{tag} is older than rust-version {wanted:?}");
}

#[test]
fn the_runtime_stage_is_non_root_with_the_catalog_on_the_volume_and_the_daemons_port() {
    let instrs = instructions(&dockerfile());
    let runtime_start = instrs.iter().rposition(|(k, _)| k == "FROM").unwrap();
    let runtime = &instrs[runtime_start..];
    let user = runtime.iter().rev().find(|(k, _)| k == "USER").map(|(_, a)| a.clone()).expect("a USER");
    let uid: u32 = user.split(':').next().unwrap().parse().expect("a numeric uid (Kubernetes runAsNonRoot)");
    assert_ne!(uid, 0, "the image runs as root");
    let env = env_of(runtime);
    let volume = runtime.iter().find(|(k, _)| k == "VOLUME").map(|(_, a)| a.clone()).expect("a VOLUME");
    let volume = volume.trim_matches(|c| c == '[' || c == ']').trim_matches('"').to_string();
    assert!(env["SNOWCAT__CATALOG__PATH"].starts_with(&format!("{volume}/")), "catalog {env:?} off {volume}");
    let listen = &env["SNOWCAT__HTTP__LISTEN"];
    let port = listen.rsplit(':').next().unwrap();
    let exposed = runtime.iter().find(|(k, _)| k == "EXPOSE").map(|(_, a)| a.clone()).expect("EXPOSE");
    assert_eq!(exposed, port);
    // The daemon's own default port (loopback outside containers) is the same one.
    let default_port = snowcat::config::DEFAULT_LISTEN.rsplit(':').next().unwrap();
    assert_eq!(default_port, port);
}

#[test]
fn the_binary_accepts_the_images_environment_and_command() {
    let instrs = instructions(&dockerfile());
    let env = env_of(&instrs);
    let entry: Vec<String> =
        serde_json::from_str(&instrs.iter().find(|(k, _)| k == "ENTRYPOINT").unwrap().1).unwrap();
    let cmd: Vec<String> = serde_json::from_str(&instrs.iter().find(|(k, _)| k == "CMD").unwrap().1).unwrap();
    assert_eq!(entry, ["/usr/local/bin/snowcat"]);
    let bin = assert_cmd::cargo::cargo_bin("snowcat");

    // CMD's flags parse (`--help` after them stops before any work).
    let out = Command::new(&bin).args(&cmd).arg("--help").env_clear().output().unwrap();
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));

    // The image's environment (with the config mounted where SNOWCAT_CONFIG points, here a temp copy of
    // the example with a PAT from the environment) validates.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("snowcat.toml");
    std::fs::copy(root().join("config/snowcat.example.toml"), &config).unwrap();
    let mut command = Command::new(&bin);
    command.arg("validate").env_clear();
    for (k, v) in &env {
        command.env(k, v);
    }
    command.env("SNOWCAT_CONFIG", &config);
    command.env("SNOWCAT__CATALOG__PATH", dir.path().join("catalog.db"));
    let out = command.output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!text.contains("http.listen") && !text.contains("catalog.path"), "{text}");
}
