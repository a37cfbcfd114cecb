//! The operator-facing HTTP server: `/metrics`, `/healthz`, `/readyz`. Bounded (timeouts, body limits),
//! loopback by default. Must not crawl or write the catalog.
