//! Helpers used by modules of several groups: spawning the daemon, checking a catalog's integrity.

pub mod daemon;
pub mod integrity;
