//! The OAuth authorization-code flow with PKCE (sql-api-v2.md §8.2-8.3): the authorization link, the
//! loopback listener (or a pasted redirect URL), the code exchange and the refresh grant.
//!
//! Owns the wire exchanges with `/oauth/authorize` and `/oauth/token-request`. Prints nothing itself and
//! opens no browser; never logs the code, verifier, tokens or the client secret.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::form::{encode, parse_query};
use super::store::StoredToken;
use crate::auth::AuthError;

/// A PKCE verifier and its S256 challenge.
pub struct Pkce {
    pub verifier: SecretString,
    pub challenge: String,
}

fn random_b64(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::fill(&mut buf[..]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

impl Pkce {
    /// 32 random bytes -> a 43-character verifier; challenge = BASE64URL(SHA-256(verifier)).
    pub fn generate() -> Pkce {
        let verifier = random_b64(32);
        let challenge =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Pkce { verifier: SecretString::from(verifier), challenge }
    }
}

/// What a login needs to know.
#[derive(Debug, Clone)]
pub struct LoginRequest {
    pub authorize_url: Url,
    pub token_url: Url,
    pub client_id: String,
    pub redirect_uri: String,
    /// The role the token is scoped to (`session:role:<ROLE>`); `None` uses the user's default role.
    pub role: Option<String>,
}

/// The authorization link for a state and PKCE challenge.
pub fn authorize_link(req: &LoginRequest, state: &str, challenge: &str) -> String {
    let mut scope = "refresh_token".to_string();
    if let Some(role) = &req.role {
        scope.push_str(&format!(" session:role:{role}"));
    }
    let mut url = req.authorize_url.to_string();
    url.push(if url.contains('?') { '&' } else { '?' });
    url.push_str(&format!(
        "client_id={}&response_type=code&redirect_uri={}&scope={}&state={}&code_challenge={}\
         &code_challenge_method=S256",
        encode(&req.client_id),
        encode(&req.redirect_uri),
        encode(&scope),
        encode(state),
        encode(challenge)
    ));
    url
}

/// The code from a redirected URL (or just its query string), after checking `state`.
pub fn parse_redirect(redirected: &str, expected_state: &str) -> Result<SecretString, AuthError> {
    let query = redirected.trim().split_once('?').map(|(_, q)| q).unwrap_or(redirected.trim());
    let query = query.split('#').next().unwrap_or_default();
    let pairs = parse_query(query);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    if let Some(error) = get("error") {
        let detail = get("error_description").unwrap_or_default();
        return Err(AuthError::NeedsOperator(format!("authorization was refused: {error} {detail}")));
    }
    if get("state").as_deref() != Some(expected_state) {
        return Err(AuthError::NeedsOperator(
            "the redirect's state does not match this login (a stale or forged link); start again".into(),
        ));
    }
    get("code")
        .filter(|c| !c.is_empty())
        .map(SecretString::from)
        .ok_or_else(|| AuthError::NeedsOperator("the redirect carries no authorization code".into()))
}

/// A token-endpoint reply. `Debug` shows no token.
#[derive(serde::Deserialize)]
pub struct TokenReply {
    pub access_token: SecretString,
    #[serde(default)]
    pub expires_in: Option<u64>,
    #[serde(default)]
    pub refresh_token: Option<SecretString>,
    #[serde(default)]
    pub username: Option<String>,
}

impl std::fmt::Debug for TokenReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenReply")
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "[REDACTED]"))
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Why the token endpoint said no: `invalid_grant` means the refresh token or code is dead.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub status: u16,
    pub error: String,
    pub message: String,
}

async fn token_request(
    http: &reqwest::Client,
    token_url: &Url,
    client_id: &str,
    client_secret: &SecretString,
    form: &[(&str, &str)],
) -> Result<Result<TokenReply, Refusal>, AuthError> {
    let resp = http
        .post(token_url.clone())
        .basic_auth(encode(client_id), Some(encode(client_secret.expose_secret())))
        .header(reqwest::header::ACCEPT, "application/json")
        .form(form)
        .send()
        .await
        .map_err(|e| AuthError::Http(format!("OAuth token endpoint {token_url}: {}", e.without_url())))?;
    let status = resp.status().as_u16();
    let body = resp.bytes().await.map_err(|e| AuthError::Http(format!("OAuth token endpoint: {e}")))?;
    if (200..300).contains(&status) {
        return serde_json::from_slice::<TokenReply>(&body)
            .map(Ok)
            .map_err(|_| AuthError::Http(format!("OAuth token endpoint {token_url}: unexpected reply")));
    }
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_string();
    let error = Some(text("error")).filter(|e| !e.is_empty()).unwrap_or_else(|| format!("HTTP {status}"));
    Ok(Err(Refusal { status, error, message: text("message") }))
}

fn refusal_error(what: &str, r: Refusal) -> AuthError {
    AuthError::NeedsOperator(format!("{what} refused ({}, HTTP {}): {}", r.error, r.status, r.message))
}

/// Exchange an authorization code (with its PKCE verifier) for tokens.
pub async fn exchange_code(
    http: &reqwest::Client,
    req: &LoginRequest,
    client_secret: &SecretString,
    code: &SecretString,
    verifier: &SecretString,
) -> Result<TokenReply, AuthError> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.expose_secret()),
        ("redirect_uri", req.redirect_uri.as_str()),
        ("code_verifier", verifier.expose_secret()),
    ];
    token_request(http, &req.token_url, &req.client_id, client_secret, &form)
        .await?
        .map_err(|r| refusal_error("the authorization code exchange was", r))
}

/// The refresh grant. `Ok(Err(refusal))` when the endpoint refused (expired or revoked refresh token).
pub async fn refresh_grant(
    http: &reqwest::Client,
    req: &LoginRequest,
    client_secret: &SecretString,
    refresh_token: &SecretString,
) -> Result<Result<TokenReply, Refusal>, AuthError> {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token.expose_secret()),
        ("redirect_uri", req.redirect_uri.as_str()),
    ];
    token_request(http, &req.token_url, &req.client_id, client_secret, &form).await
}

/// Serve the loopback redirect URI until the browser arrives with a code (or `timeout` passes).
pub async fn listen_for_code(
    redirect_uri: &str,
    expected_state: &str,
    timeout: Duration,
) -> Result<SecretString, AuthError> {
    let url = Url::parse(redirect_uri).map_err(|e| AuthError::Config(format!("redirect_uri: {e}")))?;
    let host = url.host_str().unwrap_or_default();
    if url.scheme() != "http" || !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
        return Err(AuthError::Config(format!(
            "redirect_uri {redirect_uri} is not a loopback http URL; use --no-listen and paste the redirect"
        )));
    }
    let ip = if host == "[::1]" { "::1" } else { "127.0.0.1" };
    let port = url.port_or_known_default().unwrap_or(80);
    let addr: SocketAddr = format!("{}:{port}", if ip == "::1" { "[::1]" } else { ip })
        .parse()
        .map_err(|e| AuthError::Config(format!("redirect_uri address: {e}")))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| AuthError::Config(format!("cannot listen on {addr} for the redirect: {e}")))?;
    let path = url.path().to_string();
    let wait = async {
        loop {
            let Ok((mut conn, _)) = listener.accept().await else { continue };
            let Some(target) = read_request_target(&mut conn).await else { continue };
            let (p, _) = target.split_once('?').unwrap_or((target.as_str(), ""));
            if p != path {
                let _ = respond(&mut conn, "404 Not Found", "not the snowcat redirect").await;
                continue;
            }
            let result = parse_redirect(&target, expected_state);
            let page = match &result {
                Ok(_) => "snowcat: login complete, you can close this tab.",
                Err(_) => "snowcat: login failed; see the terminal.",
            };
            let _ = respond(&mut conn, if result.is_ok() { "200 OK" } else { "400 Bad Request" }, page).await;
            return result;
        }
    };
    tokio::time::timeout(timeout, wait).await.map_err(|_| {
        AuthError::NeedsOperator(format!(
            "no browser redirect within {}s; run the login again",
            timeout.as_secs()
        ))
    })?
}

async fn read_request_target(conn: &mut tokio::net::TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
        let n = tokio::time::timeout(Duration::from_secs(10), conn.read(&mut chunk)).await.ok()?.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buf);
    let mut parts = text.lines().next()?.split_whitespace();
    (parts.next()? == "GET").then_some(())?;
    parts.next().map(str::to_string)
}

async fn respond(conn: &mut tokio::net::TcpStream, status: &str, body: &str) -> std::io::Result<()> {
    let msg = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    );
    conn.write_all(msg.as_bytes()).await?;
    conn.shutdown().await
}

/// The whole login: show the link (through `show_link`), get the code (loopback listener, or `paste` for
/// `--no-listen`), exchange it, and return what to store.
pub async fn login<F, P>(
    http: &reqwest::Client,
    req: &LoginRequest,
    client_secret: &SecretString,
    show_link: F,
    paste: Option<P>,
    timeout: Duration,
) -> Result<StoredToken, AuthError>
where
    F: FnOnce(&str),
    P: std::future::Future<Output = Result<String, AuthError>>,
{
    let state = random_b64(24);
    let pkce = Pkce::generate();
    let link = authorize_link(req, &state, &pkce.challenge);
    let code = match paste {
        Some(paste) => {
            show_link(&link);
            parse_redirect(&paste.await?, &state)?
        }
        None => {
            // Bind before showing the link so a fast browser cannot beat the listener.
            let listening = listen_for_code(&req.redirect_uri, &state, timeout);
            tokio::pin!(listening);
            let mut show = Some(show_link);
            loop {
                tokio::select! {
                    biased;
                    r = &mut listening => break r?,
                    _ = tokio::task::yield_now(), if show.is_some() => {
                        if let Some(f) = show.take() { f(&link) }
                    }
                }
            }
        }
    };
    let reply = exchange_code(http, req, client_secret, &code, &pkce.verifier).await?;
    let refresh_token = reply.refresh_token.ok_or_else(|| {
        AuthError::NeedsOperator(
            "the token endpoint issued no refresh token; set OAUTH_ISSUE_REFRESH_TOKENS = TRUE on the \
             security integration"
                .into(),
        )
    })?;
    let saved_at = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    Ok(StoredToken { refresh_token, saved_at, username: reply.username })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_challenge_is_s256_of_the_verifier() {
        // RFC 7636 appendix B.
        let v = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let c = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(v.as_bytes()));
        assert_eq!(c, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        let p = Pkce::generate();
        assert_eq!(p.verifier.expose_secret().len(), 43);
    }

    #[test]
    fn link_carries_scope_pkce_and_state_and_redirect_checks_state() {
        let req = LoginRequest {
            authorize_url: Url::parse("https://acme-prod.snowflakecomputing.com/oauth/authorize").unwrap(),
            token_url: Url::parse("https://acme-prod.snowflakecomputing.com/oauth/token-request").unwrap(),
            client_id: "abc=".into(),
            redirect_uri: "http://127.0.0.1:8765/callback".into(),
            role: Some("CRAWLER".into()),
        };
        let link = authorize_link(&req, "st8", "chal");
        assert!(link.contains("client_id=abc%3D"), "{link}");
        assert!(link.contains("scope=refresh_token%20session%3Arole%3ACRAWLER"), "{link}");
        assert!(link.contains("code_challenge=chal&code_challenge_method=S256"), "{link}");
        assert!(link.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback"), "{link}");
        let code = parse_redirect("http://127.0.0.1:8765/callback?code=c0de&state=st8", "st8").unwrap();
        assert_eq!(code.expose_secret(), "c0de");
        assert!(parse_redirect("http://127.0.0.1:8765/callback?code=c0de&state=other", "st8").is_err());
    }
}
