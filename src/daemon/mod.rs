//! `snowcat run`: schedules each account's crawls, owns shutdown (one CancellationToken, named tasks),
//! config reload and the change feed. Must not know the SQL API wire format or the catalog's SQL.
