//! Token sources for the SQL API client: OAuth 2.0 with a managed lifecycle, key-pair JWT, programmatic
//! access tokens and the Scalekit Agent Auth transport. Must not log or persist secrets outside the state
//! directory.
