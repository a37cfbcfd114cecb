//! Property tests of the config parser (`snowcat::config::load_str`): arbitrary TOML-ish text, arbitrary
//! values of every type at every key of the shipped example, and arbitrary `SNOWCAT__` overrides. It must
//! never panic: every input is either a typed config or a list of problems.

use std::path::PathBuf;

use proptest::prelude::*;

fn example() -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config/snowcat.example.toml"))
        .unwrap()
}

/// Every leaf key path of a TOML table, arrays of tables indexed.
fn leaves(prefix: &mut Vec<PathPart>, v: &toml::Value, out: &mut Vec<Vec<PathPart>>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                prefix.push(PathPart::Key(k.clone()));
                leaves(prefix, v, out);
                prefix.pop();
            }
        }
        toml::Value::Array(a) if a.iter().all(toml::Value::is_table) && !a.is_empty() => {
            for (i, v) in a.iter().enumerate() {
                prefix.push(PathPart::Index(i));
                leaves(prefix, v, out);
                prefix.pop();
            }
        }
        _ => out.push(prefix.clone()),
    }
}

#[derive(Clone, Debug)]
enum PathPart {
    Key(String),
    Index(usize),
}

fn at<'a>(v: &'a mut toml::Value, path: &[PathPart]) -> Option<&'a mut toml::Value> {
    path.iter().try_fold(v, |v, p| match p {
        PathPart::Key(k) => v.as_table_mut()?.get_mut(k),
        PathPart::Index(i) => v.as_array_mut()?.get_mut(*i),
    })
}

fn arb_value() -> impl Strategy<Value = toml::Value> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(toml::Value::Integer),
        prop_oneof![Just(0i64), Just(-1), Just(1), Just(u32::MAX as i64 + 1), Just(i64::MAX)]
            .prop_map(toml::Value::Integer),
        any::<f64>().prop_map(toml::Value::Float),
        any::<bool>().prop_map(toml::Value::Boolean),
        "\\PC{0,24}".prop_map(toml::Value::String),
        prop_oneof![
            Just("0s"),
            Just("18446744073709551615s"),
            Just("99999999999999h"),
            Just("-5m"),
            Just("1ns"),
            Just("* * * * * * * *"),
            Just("0 0 31 2 *"),
            Just("Mars/Olympus"),
            Just("[::1]:0"),
            Just("0.0.0.0:18473"),
            Just("127.0.0.1:99999"),
            Just("http://"),
            Just("\u{0}"),
            Just("%"),
        ]
        .prop_map(|s| toml::Value::String(s.to_string())),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(toml::Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..3)
                .prop_map(|m| toml::Value::Table(m.into_iter().collect())),
        ]
    })
}

fn no_env() -> Vec<(String, String)> {
    Vec::new()
}

#[test]
fn the_example_itself_loads() {
    snowcat::config::load_str(&example(), no_env()).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Arbitrary text, and arbitrary text spliced into the example: an error list, never a panic.
    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}", cut in any::<prop::sample::Index>()) {
        let _ = snowcat::config::load_str(&s, no_env());
        let ex = example();
        let mut i = cut.index(ex.len());
        while !ex.is_char_boundary(i) {
            i -= 1;
        }
        let spliced = format!("{}{}{}", &ex[..i], s, &ex[i..]);
        let _ = snowcat::config::load_str(&spliced, no_env());
    }

    /// TOML-shaped text (sections, arrays of tables, key = value) with random keys and values.
    #[test]
    fn tomlish_text_never_panics(lines in prop::collection::vec(prop_oneof![
        "\\[(http|log|catalog|daemon|retention|notifications|accounts\\.filters|accounts\\.auth\\.pat|x)\\]",
        Just("[[accounts]]".to_string()),
        "(name|account|url|schedule|listen|concurrency|jitter|token|token_env|level|kinds|keep_days) = (\"[^\"\\\\]{0,12}\"|-?[0-9]{1,20}|true|\\[\\]|\\{\\}|[0-9]+s)",
    ], 0..16)) {
        let _ = snowcat::config::load_str(&lines.join("\n"), no_env());
    }

    /// Every key of the example set to an arbitrary value of any type: typed config or problems.
    #[test]
    fn any_value_at_any_key_never_panics(pick in any::<prop::sample::Index>(), v in arb_value(), twice in prop::option::of((any::<prop::sample::Index>(), arb_value()))) {
        let mut doc: toml::Value = toml::from_str(&example()).unwrap();
        let mut paths = Vec::new();
        leaves(&mut Vec::new(), &doc, &mut paths);
        let mut edits = vec![(pick, v)];
        edits.extend(twice);
        for (pick, v) in edits {
            if let Some(slot) = at(&mut doc, &paths[pick.index(paths.len())]) {
                *slot = v;
            }
        }
        let text = toml::to_string(&doc).unwrap();
        if let Err(e) = snowcat::config::load_str(&text, no_env()) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    /// Arbitrary `SNOWCAT__` overrides over the example.
    #[test]
    fn arbitrary_env_overrides_never_panic(
        vars in prop::collection::vec((
            "SNOWCAT__(ACCOUNTS__(PROD|DEV|0|1|7|99999999999999999999|)__)?(HTTP__LISTEN|CONCURRENCY|ROLE|FILTERS__KINDS__TABLES|AUTH__PAT__TOKEN|LOG__LEVEL|[A-Z_]{0,12})",
            "\\PC{0,16}|\\[\"[a-z]{0,4}\"\\]|\\{a = 1\\}|[0-9]{1,25}",
        ), 0..4),
    ) {
        let _ = snowcat::config::load_str(&example(), vars);
    }
}
