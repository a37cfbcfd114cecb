//! Every Prometheus metric snowcat exports, in one place. Labels are bounded (account, kind, outcome,
//! status); never object names. Must not do I/O beyond rendering the registry.
