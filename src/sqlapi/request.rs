//! `StatementRequest`: every field of `POST /api/v2/statements` (body and query), and typed bindings.
//!
//! Owns the request JSON and the binding encodings (§1.2 of the notes: DATE binds as milliseconds, TIME and
//! timestamps as nanoseconds, REAL specials as `NaN`/`Infinity`). Must not do HTTP.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::error::SqlApiError;

/// A binding type (the `type` of a binding object).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindType {
    Fixed,
    Real,
    Text,
    Boolean,
    Date,
    Time,
    TimestampNtz,
    TimestampLtz,
    TimestampTz,
    Binary,
    Decfloat,
}

impl BindType {
    pub fn as_str(self) -> &'static str {
        match self {
            BindType::Fixed => "FIXED",
            BindType::Real => "REAL",
            BindType::Text => "TEXT",
            BindType::Boolean => "BOOLEAN",
            BindType::Date => "DATE",
            BindType::Time => "TIME",
            BindType::TimestampNtz => "TIMESTAMP_NTZ",
            BindType::TimestampLtz => "TIMESTAMP_LTZ",
            BindType::TimestampTz => "TIMESTAMP_TZ",
            BindType::Binary => "BINARY",
            BindType::Decfloat => "DECFLOAT",
        }
    }
}

impl std::str::FromStr for BindType {
    type Err = SqlApiError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = match s.trim().to_ascii_uppercase().as_str() {
            "FIXED" => BindType::Fixed,
            "REAL" => BindType::Real,
            "TEXT" => BindType::Text,
            "BOOLEAN" => BindType::Boolean,
            "DATE" => BindType::Date,
            "TIME" => BindType::Time,
            "TIMESTAMP_NTZ" => BindType::TimestampNtz,
            "TIMESTAMP_LTZ" => BindType::TimestampLtz,
            "TIMESTAMP_TZ" => BindType::TimestampTz,
            "BINARY" => BindType::Binary,
            "DECFLOAT" => BindType::Decfloat,
            other => {
                return Err(SqlApiError::InvalidRequest(format!(
                    "unknown binding type {other:?} (VARIANT/OBJECT/ARRAY cannot be bound: bind TEXT and PARSE_JSON)"
                )));
            }
        };
        Ok(t)
    }
}

/// One binding: a type and a wire value (`None` = SQL NULL; several values = array binding).
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub bind_type: BindType,
    pub values: BindValue,
}

/// The `value` of a binding.
#[derive(Debug, Clone, PartialEq)]
pub enum BindValue {
    One(Option<String>),
    /// Array binding (a batch, e.g. a multi-row INSERT).
    Batch(Vec<Option<String>>),
}

impl Binding {
    /// A binding from its wire text, as given on the command line (`TEXT`, `value`).
    pub fn raw(bind_type: BindType, value: impl Into<String>) -> Self {
        Binding { bind_type, values: BindValue::One(Some(value.into())) }
    }
    pub fn null(bind_type: BindType) -> Self {
        Binding { bind_type, values: BindValue::One(None) }
    }
    pub fn text(v: impl Into<String>) -> Self {
        Self::raw(BindType::Text, v)
    }
    pub fn fixed(v: i128) -> Self {
        Self::raw(BindType::Fixed, v.to_string())
    }
    pub fn boolean(v: bool) -> Self {
        Self::raw(BindType::Boolean, v.to_string())
    }
    /// REAL; NaN and infinities use the spelling bindings accept (`NaN`, `Infinity`, `-Infinity`).
    pub fn real(v: f64) -> Self {
        let text = if v.is_nan() {
            "NaN".to_string()
        } else if v.is_infinite() {
            if v > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
        } else {
            v.to_string()
        };
        Self::raw(BindType::Real, text)
    }
    /// DATE binds as **milliseconds** since the epoch (not days, unlike results).
    pub fn date(d: NaiveDate) -> Self {
        let ms = d.signed_duration_since(epoch_date()).num_days() * 86_400_000;
        Self::raw(BindType::Date, ms.to_string())
    }
    /// TIME binds as nanoseconds since midnight.
    pub fn time(t: NaiveTime) -> Self {
        let ns = i64::from(t.num_seconds_from_midnight()) * 1_000_000_000 + i64::from(t.nanosecond());
        Self::raw(BindType::Time, ns.to_string())
    }
    /// TIMESTAMP_NTZ binds as nanoseconds since the epoch.
    pub fn timestamp_ntz(ts: NaiveDateTime) -> Self {
        Self::raw(BindType::TimestampNtz, epoch_nanos(ts).to_string())
    }
    /// TIMESTAMP_LTZ binds as nanoseconds since the epoch (a UTC instant).
    pub fn timestamp_ltz(ts: DateTime<chrono::Utc>) -> Self {
        Self::raw(BindType::TimestampLtz, epoch_nanos(ts.naive_utc()).to_string())
    }
    /// TIMESTAMP_TZ binds as `"<ns since epoch> <offset minutes + 1440>"`.
    pub fn timestamp_tz(ts: DateTime<FixedOffset>) -> Self {
        let offset = ts.offset().local_minus_utc() / 60 + 1440;
        Self::raw(BindType::TimestampTz, format!("{} {offset}", epoch_nanos(ts.naive_utc())))
    }
    /// BINARY binds as hex.
    pub fn binary(bytes: &[u8]) -> Self {
        Self::raw(BindType::Binary, bytes.iter().map(|b| format!("{b:02X}")).collect::<String>())
    }

    fn to_json(&self) -> Value {
        let value = match &self.values {
            BindValue::One(v) => json!(v),
            BindValue::Batch(vs) => json!(vs),
        };
        json!({ "type": self.bind_type.as_str(), "value": value })
    }
}

fn epoch_date() -> NaiveDate {
    NaiveDate::default() // 1970-01-01
}

fn epoch_nanos(ts: NaiveDateTime) -> i128 {
    let utc = ts.and_utc();
    i128::from(utc.timestamp()) * 1_000_000_000 + i128::from(utc.timestamp_subsec_nanos())
}

/// One statement to run, with every option of `POST /api/v2/statements`.
#[derive(Debug, Clone)]
pub struct StatementRequest {
    pub statement: String,
    /// `async=true`: answer 202 at once.
    pub async_exec: bool,
    /// Keyed by position (`"1"`, `"2"`, ...) or by name for `:name` placeholders.
    pub bindings: BTreeMap<String, Binding>,
    pub database: Option<String>,
    pub schema: Option<String>,
    pub role: Option<String>,
    pub warehouse: Option<String>,
    /// Statement timeout sent to Snowflake (whole seconds; 0 = the 7-day maximum).
    pub timeout: Option<Duration>,
    /// `nullable=false` turns SQL NULL into the string `"null"`.
    pub nullable: bool,
    /// Session parameters for this request (`QUERY_TAG`, `MULTI_STATEMENT_COUNT`, `TIMEZONE`, ...).
    pub parameters: BTreeMap<String, String>,
    /// The idempotency key; a fresh UUID unless set. Retries keep it.
    pub request_id: Uuid,
    /// `retry=true`: this is a resubmission of `request_id`.
    pub retry: bool,
    /// A label for logs and metrics (`show_databases`, ...); defaults to the statement's first keyword.
    pub kind: Option<String>,
}

impl StatementRequest {
    pub fn new(statement: impl Into<String>) -> Self {
        StatementRequest {
            statement: statement.into(),
            async_exec: false,
            bindings: BTreeMap::new(),
            database: None,
            schema: None,
            role: None,
            warehouse: None,
            timeout: None,
            nullable: true,
            parameters: BTreeMap::new(),
            request_id: Uuid::new_v4(),
            retry: false,
            kind: None,
        }
    }

    /// Bind the next positional placeholder (`?` / `:N`).
    pub fn bind(mut self, binding: Binding) -> Self {
        let next = (1..).find(|i: &usize| !self.bindings.contains_key(&i.to_string())).unwrap_or(1);
        self.bindings.insert(next.to_string(), binding);
        self
    }
    /// Bind a placeholder by position (`"1"`) or name (`"id"` for `:id`).
    pub fn bind_at(mut self, key: impl Into<String>, binding: Binding) -> Self {
        self.bindings.insert(key.into(), binding);
        self
    }
    pub fn database(mut self, v: impl Into<String>) -> Self {
        self.database = Some(v.into());
        self
    }
    pub fn schema(mut self, v: impl Into<String>) -> Self {
        self.schema = Some(v.into());
        self
    }
    pub fn role(mut self, v: impl Into<String>) -> Self {
        self.role = Some(v.into());
        self
    }
    pub fn warehouse(mut self, v: impl Into<String>) -> Self {
        self.warehouse = Some(v.into());
        self
    }
    pub fn timeout(mut self, v: Duration) -> Self {
        self.timeout = Some(v);
        self
    }
    pub fn parameter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.parameters.insert(key.into(), value.into());
        self
    }
    pub fn kind(mut self, v: impl Into<String>) -> Self {
        self.kind = Some(v.into());
        self
    }

    /// The label used in spans and metrics.
    pub fn kind_label(&self) -> String {
        match &self.kind {
            Some(k) => k.clone(),
            None => self
                .statement
                .split_whitespace()
                .next()
                .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphabetic()).to_ascii_lowercase())
                .filter(|w| !w.is_empty())
                .unwrap_or_else(|| "statement".into()),
        }
    }

    /// The JSON body of the POST.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("statement".into(), json!(self.statement));
        if let Some(t) = self.timeout {
            body.insert("timeout".into(), json!(t.as_secs()));
        }
        for (key, v) in [
            ("database", &self.database),
            ("schema", &self.schema),
            ("warehouse", &self.warehouse),
            ("role", &self.role),
        ] {
            if let Some(v) = v {
                body.insert(key.into(), json!(v));
            }
        }
        if !self.bindings.is_empty() {
            let b: Map<String, Value> = self.bindings.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
            body.insert("bindings".into(), Value::Object(b));
        }
        if !self.parameters.is_empty() {
            body.insert("parameters".into(), json!(self.parameters));
        }
        Value::Object(body)
    }

    /// The query string of the POST (`requestId`, `async`, `nullable`, `retry`).
    pub fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![("requestId", self.request_id.to_string())];
        if self.async_exec {
            q.push(("async", "true".into()));
        }
        if !self.nullable {
            q.push(("nullable", "false".into()));
        }
        if self.retry {
            q.push(("retry", "true".into()));
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_carries_every_field_and_bindings_use_documented_encodings() {
        let req = StatementRequest::new("select * from t where id = ? and d = ? and ts = ?")
            .bind(Binding::fixed(123))
            .bind(Binding::date(NaiveDate::from_ymd_opt(2026, 10, 9).unwrap()))
            .bind(Binding::timestamp_tz(DateTime::parse_from_rfc3339("2021-03-19T09:06:59-08:00").unwrap()))
            .bind_at("name", Binding::text("x"))
            .database("DB")
            .schema("PUBLIC")
            .warehouse("WH")
            .role("ANALYST")
            .timeout(Duration::from_secs(60))
            .parameter("QUERY_TAG", "snowcat");
        let body = req.body();
        assert_eq!(body["statement"], "select * from t where id = ? and d = ? and ts = ?");
        assert_eq!(body["timeout"], 60);
        assert_eq!(body["database"], "DB");
        assert_eq!(body["schema"], "PUBLIC");
        assert_eq!(body["warehouse"], "WH");
        assert_eq!(body["role"], "ANALYST");
        assert_eq!(body["parameters"]["QUERY_TAG"], "snowcat");
        assert_eq!(body["bindings"]["1"], json!({"type": "FIXED", "value": "123"}));
        // 2026-10-09 = day 20735 -> 20735 * 86400000 ms (§1.2: DATE binds in ms).
        assert_eq!(body["bindings"]["2"], json!({"type": "DATE", "value": "1791504000000"}));
        // The docs' example: 1616173619000000000 960 (= UTC-08:00).
        assert_eq!(
            body["bindings"]["3"],
            json!({"type": "TIMESTAMP_TZ", "value": "1616173619000000000 960"})
        );
        assert_eq!(body["bindings"]["name"], json!({"type": "TEXT", "value": "x"}));
    }

    #[test]
    fn minimal_body_omits_unset_fields_and_query_has_request_id() {
        let req = StatementRequest::new("select 1");
        let body = req.body();
        assert_eq!(body, json!({"statement": "select 1"}));
        let q = req.query();
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].0, "requestId");
        assert!(Uuid::parse_str(&q[0].1).is_ok());
        let mut r2 = req.clone();
        r2.async_exec = true;
        r2.nullable = false;
        r2.retry = true;
        let keys: Vec<_> = r2.query().iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(keys[1..], ["async=true", "nullable=false", "retry=true"]);
    }

    #[test]
    fn real_specials_time_binary_and_null_bindings() {
        assert_eq!(Binding::real(f64::NAN).values, BindValue::One(Some("NaN".into())));
        assert_eq!(Binding::real(f64::INFINITY).values, BindValue::One(Some("Infinity".into())));
        assert_eq!(Binding::real(f64::NEG_INFINITY).values, BindValue::One(Some("-Infinity".into())));
        assert_eq!(Binding::real(1.5).values, BindValue::One(Some("1.5".into())));
        let t = NaiveTime::from_hms_nano_opt(12, 34, 56, 123_456_789).unwrap();
        assert_eq!(Binding::time(t).values, BindValue::One(Some("45296123456789".into())));
        assert_eq!(
            Binding::binary(&[0xde, 0xad, 0xbe, 0xef]).values,
            BindValue::One(Some("DEADBEEF".into()))
        );
        assert_eq!(Binding::null(BindType::Text).to_json(), json!({"type": "TEXT", "value": null}));
        assert!("variant".parse::<BindType>().is_err());
        assert_eq!("timestamp_ntz".parse::<BindType>().unwrap(), BindType::TimestampNtz);
    }

    #[test]
    fn kind_label_defaults_to_first_keyword() {
        assert_eq!(StatementRequest::new("  SHOW DATABASES").kind_label(), "show");
        assert_eq!(StatementRequest::new("select 1").kind("probe").kind_label(), "probe");
        assert_eq!(StatementRequest::new("").kind_label(), "statement");
    }
}
