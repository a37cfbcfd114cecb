//! The daemon's configuration: the TOML schema with defaults, environment overrides and validation that
//! reports every problem by key. Reads files; must not open connections or the catalog.
