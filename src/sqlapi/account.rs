//! Account identifier -> base URL (`https://<account>.snowflakecomputing.com`).
//!
//! Owns only the URL form of an account identifier. Must not touch the JWT account form (the auth issue
//! owns that: uppercase, region stripped).

use reqwest::Url;

use super::error::SqlApiError;

const DOMAIN: &str = "snowflakecomputing.com";

/// The base URL for an account identifier: the org-account form (`myorg-myaccount`) or a locator with
/// region and cloud (`xy12345.us-east-2.aws`). A full host (`….snowflakecomputing.com`) is accepted too.
pub fn account_base_url(account: &str) -> Result<Url, SqlApiError> {
    let trimmed = account.trim().trim_end_matches('/');
    let host_part = trimmed
        .strip_prefix("https://")
        .unwrap_or(trimmed)
        .trim_end_matches(&format!(".{DOMAIN}"))
        .to_ascii_lowercase();
    if host_part.is_empty() {
        return Err(SqlApiError::InvalidRequest("empty account identifier".into()));
    }
    let ok_labels = host_part.split('.').all(|label| {
        !label.is_empty()
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && !label.starts_with('-')
            && !label.ends_with('-')
    });
    if !ok_labels {
        return Err(SqlApiError::InvalidRequest(format!(
            "{account:?} is not an account identifier (expected e.g. myorg-myaccount or xy12345.us-east-2.aws)"
        )));
    }
    // Underscores are legal in account names but not in host names; Snowflake serves the hyphen form.
    let host = host_part.replace('_', "-");
    Url::parse(&format!("https://{host}.{DOMAIN}"))
        .map_err(|e| SqlApiError::InvalidRequest(format!("account {account:?}: {e}")))
}

/// Parse an explicit base URL (the emulator, a proxy): http or https, path ignored.
pub fn parse_base_url(url: &str) -> Result<Url, SqlApiError> {
    let parsed =
        Url::parse(url.trim()).map_err(|e| SqlApiError::InvalidRequest(format!("base URL {url:?}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(SqlApiError::InvalidRequest(format!("base URL {url:?} must be http(s)://host[:port]")));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_account_form_maps_to_host() {
        assert_eq!(
            account_base_url("myorg-myaccount").unwrap().as_str(),
            "https://myorg-myaccount.snowflakecomputing.com/"
        );
        assert_eq!(
            account_base_url("MYORG-MYACCOUNT").unwrap().as_str(),
            "https://myorg-myaccount.snowflakecomputing.com/"
        );
    }

    #[test]
    fn locator_form_keeps_region_and_cloud() {
        assert_eq!(
            account_base_url("xy12345.us-east-2.aws").unwrap().as_str(),
            "https://xy12345.us-east-2.aws.snowflakecomputing.com/"
        );
        assert_eq!(
            account_base_url("https://xy12345.us-east-2.aws.snowflakecomputing.com/").unwrap().as_str(),
            "https://xy12345.us-east-2.aws.snowflakecomputing.com/"
        );
    }

    #[test]
    fn underscores_become_hyphens_and_junk_is_refused() {
        assert_eq!(
            account_base_url("my_org-acct").unwrap().host_str(),
            Some("my-org-acct.snowflakecomputing.com")
        );
        for bad in ["", "a b", "evil.com/x", "x..y", "-x"] {
            assert!(account_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn base_url_must_be_http() {
        assert_eq!(parse_base_url("http://127.0.0.1:8080").unwrap().port(), Some(8080));
        assert!(parse_base_url("ftp://x").is_err());
        assert!(parse_base_url("not a url").is_err());
    }
}
