//! Environment overrides: `SNOWCAT__SECTION__KEY=value` sets `[section] key` before the config is typed.
//!
//! Path segments are lower-cased; `SNOWCAT__ACCOUNTS__<NAME or INDEX>__KEY` addresses one `[[accounts]]`
//! entry by its `name` (case-insensitive) or its position. A value is read as a TOML value when it parses
//! as one (`8`, `true`, `["A", "B"]`, `"quoted"`), otherwise as a plain string. Must not read the process
//! environment itself: callers pass the variables in, so tests stay isolated.

use toml::{Table, Value};

use super::ConfigProblem;

/// The prefix of override variables.
pub const PREFIX: &str = "SNOWCAT__";

/// Apply every `SNOWCAT__...` variable to `doc`. Variables that cannot be applied become problems.
pub fn apply_overrides<I, K, V>(doc: &mut Table, vars: I) -> Vec<ConfigProblem>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut problems = Vec::new();
    let mut vars: Vec<(String, String)> = vars
        .into_iter()
        .filter(|(k, _)| k.as_ref().starts_with(PREFIX))
        .map(|(k, v)| (k.as_ref().to_string(), v.as_ref().to_string()))
        .collect();
    vars.sort();
    for (name, raw) in vars {
        let path: Vec<String> = name[PREFIX.len()..].split("__").map(|s| s.to_ascii_lowercase()).collect();
        if path.iter().any(|s| s.is_empty()) {
            problems.push(ConfigProblem::new(&name, "", "environment override has an empty path segment"));
            continue;
        }
        if let Err(message) = set_path(doc, &path, parse_value(&raw)) {
            problems.push(ConfigProblem::new(&name, "", &message));
        }
    }
    problems
}

/// Read an override value: a TOML value if it parses as one, otherwise the raw string.
fn parse_value(raw: &str) -> Value {
    let wrapped = format!("v = {raw}");
    match toml::from_str::<Table>(&wrapped) {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| Value::String(raw.to_string())),
        Err(_) => Value::String(raw.to_string()),
    }
}

fn set_path(doc: &mut Table, path: &[String], value: Value) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        return Err("empty path".to_string());
    };
    if rest.is_empty() {
        doc.insert(first.clone(), value);
        return Ok(());
    }
    if first == "accounts" {
        let Some((selector, tail)) = rest.split_first() else {
            return Err("missing account name or index".to_string());
        };
        if tail.is_empty() {
            return Err("names an account but no key under it".to_string());
        }
        let Some(Value::Array(accounts)) = doc.get_mut("accounts") else {
            return Err("there is no [[accounts]] entry to override".to_string());
        };
        let index = match selector.parse::<usize>() {
            Ok(i) if i < accounts.len() => i,
            _ => accounts
                .iter()
                .position(|a| {
                    a.get("name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case(selector))
                })
                .ok_or_else(|| format!("no account named or numbered `{selector}`"))?,
        };
        let Some(Value::Table(account)) = accounts.get_mut(index) else {
            return Err(format!("accounts[{index}] is not a table"));
        };
        return set_path(account, tail, value);
    }
    let entry = doc.entry(first.clone()).or_insert_with(|| Value::Table(Table::new()));
    match entry {
        Value::Table(t) => set_path(t, rest, value),
        _ => Err(format!("`{first}` is not a table, cannot set a key under it")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_typed_when_they_parse_as_toml() {
        assert_eq!(parse_value("8"), Value::Integer(8));
        assert_eq!(parse_value("true"), Value::Boolean(true));
        assert_eq!(parse_value("127.0.0.1:1"), Value::String("127.0.0.1:1".into()));
        assert_eq!(parse_value("\"8\""), Value::String("8".into()));
        assert_eq!(parse_value("15m"), Value::String("15m".into()));
    }

    #[test]
    fn account_is_addressed_by_name_or_index() {
        let mut doc: Table =
            toml::from_str("[[accounts]]\nname = \"Prod\"\n[[accounts]]\nname = \"dev\"\n").unwrap();
        let problems = apply_overrides(
            &mut doc,
            [("SNOWCAT__ACCOUNTS__PROD__ROLE", "R1"), ("SNOWCAT__ACCOUNTS__1__ROLE", "R2"), ("OTHER", "x")],
        );
        assert!(problems.is_empty(), "{problems:?}");
        let accounts = doc["accounts"].as_array().unwrap();
        assert_eq!(accounts[0]["role"].as_str(), Some("R1"));
        assert_eq!(accounts[1]["role"].as_str(), Some("R2"));
        let problems = apply_overrides(&mut doc, [("SNOWCAT__ACCOUNTS__NOPE__ROLE", "R")]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].key, "SNOWCAT__ACCOUNTS__NOPE__ROLE");
    }
}
