//! Opaque page cursors for the catalog tools: the sort key of the last row of a page, bound to the tool
//! and to the arguments that produced it, so a cursor passed with other arguments is refused instead of
//! silently paging something else.
//!
//! Owns the encoding only (URL-safe base64 of a small JSON array); the keys are the catalog's.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::params::ParamError;

/// A short digest of the arguments that shape a listing (everything but `cursor` and `limit`).
pub fn fingerprint<T: Serialize>(args: &T) -> String {
    let mut v = serde_json::to_value(args).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.remove("cursor");
        m.remove("limit");
        m.retain(|_, v| !v.is_null());
    }
    let digest = Sha256::digest(v.to_string().as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The cursor continuing `tool`'s listing after `key`.
pub fn encode<K: Serialize>(tool: &str, fingerprint: &str, key: &K) -> String {
    let body = serde_json::json!([tool, fingerprint, key]);
    URL_SAFE_NO_PAD.encode(body.to_string())
}

/// The key inside `cursor`, if it was made by `tool` for the same arguments.
pub fn decode<K: DeserializeOwned>(cursor: &str, tool: &str, fingerprint: &str) -> Result<K, ParamError> {
    let bad = |why: &str| ParamError::Invalid { param: "cursor", message: why.to_string() };
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| bad("is not a cursor this server made"))?;
    let (t, f, key): (String, String, K) =
        serde_json::from_slice(&bytes).map_err(|_| bad("is not a cursor this server made"))?;
    if t != tool {
        return Err(bad(&format!("belongs to {t}, not {tool}")));
    }
    if f != fingerprint {
        return Err(bad(
            "was made for other arguments; repeat the call that returned it with the same arguments",
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_are_bound_to_tool_and_arguments() {
        let f = fingerprint(&serde_json::json!({"severity": "breaking", "limit": 5, "cursor": "x"}));
        assert_eq!(f, fingerprint(&serde_json::json!({"severity": "breaking", "limit": 50})));
        assert_ne!(f, fingerprint(&serde_json::json!({"severity": "security"})));
        let c = encode("catalog_changes", &f, &(12, 345));
        assert_eq!(decode::<(i64, i64)>(&c, "catalog_changes", &f), Ok((12, 345)));
        assert!(
            decode::<(i64, i64)>(&c, "catalog_search", &f).unwrap_err().to_string().contains("belongs to")
        );
        assert!(
            decode::<(i64, i64)>(&c, "catalog_changes", "other")
                .unwrap_err()
                .to_string()
                .contains("other arguments")
        );
        assert!(decode::<(i64, i64)>("!!", "catalog_changes", &f).is_err());
    }
}
