//! The Model Context Protocol server: the connector's fourteen live tools and the catalog tools, served
//! to AI agents over stdio (`snowcat mcp`) or streamable HTTP (`/mcp` on `snowcat run`'s server).
//!
//! Owns the protocol side only: the tool list (`tools.rs`), dispatching calls (`call.rs`) and the HTTP
//! transport's guard (`http.rs`). The tools themselves are `crate::tools`; building a server from the
//! config is the CLI's wiring. Both protocol eras (the `initialize` handshake up to 2025-11-25, and the
//! stateless 2026-07-28) are rmcp's. Nothing here writes to stdout except the protocol itself.

mod call;
pub mod http;
pub mod tools;

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, InitializeResult, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};

use crate::tools::catalog::CatalogSource;
use crate::tools::query::Live;

/// What a server serves.
#[derive(Debug, Clone)]
pub struct McpOptions {
    /// The Snowflake connection of the live tools; `None` serves the catalog tools only.
    pub live: Option<Live>,
    /// The catalog file the catalog tools read.
    pub catalog: CatalogSource,
}

/// The server an MCP session talks to. Cheap to clone (one per HTTP request in the stateless era).
#[derive(Debug, Clone)]
pub struct McpServer {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    tools: Vec<Tool>,
    live: Option<Live>,
    catalog: CatalogSource,
}

/// Why the stdio server stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum McpError {
    #[error("MCP session could not start: {0}")]
    Start(String),
    #[error("MCP session ended with an error: {0}")]
    Session(String),
}

const INSTRUCTIONS: &str = "snowcat keeps a local history of a Snowflake account's metadata. The catalog_ tools \
answer from it without touching Snowflake: what changed and when (catalog_changes, catalog_history), an object as \
it was (catalog_object), what a crawl could not see (catalog_coverage), search, runs. Prefer them for questions \
about structure, history and grants. The snowflake_ tools run live on the account (they cost warehouse time); \
use them for data and for the current state when the last crawl is too old. Results come a page at a time: follow \
`next` or `next_cursor`.";

impl McpServer {
    pub fn new(options: McpOptions) -> Self {
        let listing = tools::Listing {
            live: options.live.is_some(),
            allow_write: options.live.as_ref().is_some_and(|l| l.allow_write),
        };
        let inner = Inner { tools: tools::list(listing), live: options.live, catalog: options.catalog };
        McpServer { inner: Arc::new(inner) }
    }

    /// The tools this server lists, in order.
    pub fn tools(&self) -> &[Tool] {
        &self.inner.tools
    }

    /// Serve one session on stdin/stdout until the client closes stdin.
    pub async fn serve_stdio(self) -> Result<(), McpError> {
        let running =
            self.serve(rmcp::transport::stdio()).await.map_err(|e| McpError::Start(e.to_string()))?;
        running.waiting().await.map_err(|e| McpError::Session(e.to_string()))?;
        Ok(())
    }
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        InitializeResult::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("snowcat", env!("CARGO_PKG_VERSION")).with_title("snowcat"))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.inner.tools.clone()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.inner.tools.iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let args = request.arguments.unwrap_or_default();
        call::call(&self.inner, &request.name, args, &context).await.map(Into::into)
    }
}
