//! Parameter errors of the tools, named by parameter so each front end can spell the name its own way:
//! `--role-name` on the command line, `role_name` in an MCP tool call.
//!
//! Owns the messages only; the checks live with the tools.

use crate::crawl::statements::StatementError;

/// A tool parameter that is missing, out of range or not one of the allowed values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamError {
    /// A statement builder refused a value (limits, names, a missing scope).
    Statement(StatementError),
    /// A value outside a fixed set.
    NotOneOf { param: &'static str, value: String, allowed: &'static str },
    /// `param` is required when `with` is `value`.
    RequiredWith { param: &'static str, with: &'static str, value: &'static str },
    /// `param` applies only when `with` is `value`.
    OnlyWith { param: &'static str, with: &'static str, value: &'static str },
    /// Anything else about one parameter.
    Invalid { param: &'static str, message: String },
}

impl From<StatementError> for ParamError {
    fn from(e: StatementError) -> Self {
        ParamError::Statement(e)
    }
}

impl ParamError {
    /// The message with every parameter name passed through `name`.
    pub fn render(&self, name: &dyn Fn(&str) -> String) -> String {
        match self {
            ParamError::Statement(StatementError::LimitOutOfRange { param, value, max })
                if *max == u64::MAX =>
            {
                format!("{} must be at least 1, got {value}", name(param))
            }
            ParamError::Statement(StatementError::LimitOutOfRange { param, value, max }) => {
                format!("{} must be between 1 and {max}, got {value}", name(param))
            }
            ParamError::Statement(StatementError::BadName { param, value, reason }) => {
                format!("{} {value:?} is not valid: {reason}", name(param))
            }
            ParamError::Statement(StatementError::Missing { param, because }) => {
                format!("{} is required when {because}", name(param))
            }
            ParamError::NotOneOf { param, value, allowed } => {
                format!("{} {value:?} is not one of: {allowed}", name(param))
            }
            ParamError::RequiredWith { param, with, value } => {
                format!("{} is required with {} {value}", name(param), name(with))
            }
            ParamError::OnlyWith { param, with, value } => {
                format!("{} applies only to {} {value}", name(param), name(with))
            }
            ParamError::Invalid { param, message } => format!("{} {message}", name(param)),
        }
    }
}

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(&|p| p.to_string()))
    }
}

impl std::error::Error for ParamError {}

/// `value` matched case-insensitively (`_` and space alike) against `choices`, each `(canonical, aliases)`.
pub fn choose<T: Copy>(
    param: &'static str,
    value: &str,
    allowed: &'static str,
    choices: &[(T, &[&str])],
) -> Result<T, ParamError> {
    let norm = value.trim().to_ascii_lowercase().replace(' ', "_");
    choices
        .iter()
        .find(|(_, names)| names.contains(&norm.as_str()))
        .map(|(t, _)| *t)
        .ok_or_else(|| ParamError::NotOneOf { param, value: value.to_string(), allowed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_spelled_by_the_front_end() {
        let e = ParamError::RequiredWith { param: "role_name", with: "grant_view", value: "to_role" };
        assert_eq!(e.to_string(), "role_name is required with grant_view to_role");
        let flag = |p: &str| format!("--{}", p.replace('_', "-"));
        assert_eq!(e.render(&flag), "--role-name is required with --grant-view to_role");
        let limit =
            ParamError::from(StatementError::LimitOutOfRange { param: "limit", value: 0, max: u64::MAX });
        assert_eq!(limit.render(&flag), "--limit must be at least 1, got 0");
        let picked = choose("key_direction", " Imported ", "imported, exported", &[(1, &["imported"][..])]);
        assert_eq!(picked, Ok(1));
        let bad = choose("key_direction", "both", "imported, exported", &[(1, &["imported"][..])]);
        assert_eq!(bad.unwrap_err().to_string(), "key_direction \"both\" is not one of: imported, exported");
    }
}
