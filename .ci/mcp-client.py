#!/usr/bin/env python3
"""An independent MCP client against `snowcat mcp`: the Python `mcp` SDK (installed from PyPI by
.ci/install-deps) lists the tools and calls three of them through the binary, against `snowcat emulator`,
in both protocol eras (the `initialize` handshake, and `auto`, which discovers 2026-07-28).

Usage: mcp-client.py SNOWCAT_BINARY. Exits non-zero on the first mismatch, saying what it saw.
"""

import asyncio
import json
import os
import subprocess
import sys
import tempfile

from mcp import Client, StdioServerParameters

CONNECTOR_TOOLS = [
    "snowflake_execute_query", "snowflake_get_query_status", "snowflake_get_query_partition",
    "snowflake_cancel_query", "snowflake_get_schemata", "snowflake_get_tables", "snowflake_get_columns",
    "snowflake_get_table_constraints", "snowflake_get_referential_constraints",
    "snowflake_show_databases_schemas", "snowflake_show_warehouses", "snowflake_show_grants",
    "snowflake_show_primary_keys", "snowflake_show_imported_exported_keys",
]


def check(ok, what):
    if not ok:
        sys.exit(f"mcp-client: {what}")


def column(answer, name):
    names = [c["name"] for c in answer["columns"]]
    check(name in names, f"no column {name} in {names}")
    i = names.index(name)
    return [row[i] for row in answer["rows"]]


async def session(binary, config, mode):
    params = StdioServerParameters(command=binary, args=["mcp", "--config", config])
    async with Client(params, mode=mode) as client:
        tools = (await client.list_tools()).tools
        names = [t.name for t in tools]
        check(names[:14] == CONNECTOR_TOOLS, f"[{mode}] the connector's tools first, got {names}")
        check("catalog_search" in names, f"[{mode}] no catalog tools in {names}")
        tables = next(t for t in tools if t.name == "snowflake_get_tables")
        check(tables.input_schema.get("required") == ["database"], f"[{mode}] {tables.input_schema}")

        async def call(name, args):
            result = await client.call_tool(name, args)
            check(not result.is_error, f"[{mode}] {name} failed: {result.content}")
            check(result.structured_content is not None, f"[{mode}] {name}: no structured content")
            return result.structured_content

        warehouses = await call("snowflake_show_warehouses", {"like_pattern": "CRAWLER%"})
        check(column(warehouses, "name") == ["CRAWLER_WH"], f"[{mode}] {warehouses}")
        query = await call("snowflake_execute_query", {
            "statement": "SELECT TABLE_NAME FROM SALES.INFORMATION_SCHEMA.TABLES "
                         "WHERE TABLE_SCHEMA = 'REPORTING' ORDER BY TABLE_NAME"})
        check("ACTIVE_CUSTOMERS" in column(query, "TABLE_NAME"), f"[{mode}] {query}")
        hits = await call("catalog_search", {"pattern": "MONTHLY_REVENUE"})
        check(hits["hits"][0]["object_name"] == "SALES.REPORTING.MONTHLY_REVENUE", f"[{mode}] {hits}")
        refused = await client.call_tool("snowflake_execute_query", {"statement": "DROP TABLE SALES.CORE.ORDERS"})
        check(refused.is_error, f"[{mode}] a DROP went through: {refused.content}")
        print(f"mcp-client: [{mode}] {len(names)} tools listed; show_warehouses, execute_query, catalog_search ok")


def main():
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as d:
        emulator = subprocess.Popen([binary, "emulator"], stdout=subprocess.PIPE, text=True)
        try:
            url = emulator.stdout.readline().strip()
            check(url.startswith("http://127.0.0.1:"), f"the emulator printed {url!r}")
            token = os.path.join(d, "token")
            with open(token, "w") as f:
                f.write("ci-token\n")
            config = os.path.join(d, "snowcat.toml")
            with open(config, "w") as f:
                f.write(f'[catalog]\npath = {json.dumps(os.path.join(d, "catalog.db"))}\n'
                        f'[log]\nlevel = "warn"\n'
                        f'[[accounts]]\nname = "ci"\nurl = "{url}"\nschedule = "0 0 1 1 *"\n'
                        f'[accounts.auth.token_file]\npath = {json.dumps(token)}\n')
            crawl = subprocess.run([binary, "crawl", "--once", "--config", config, "--format", "json"],
                                   capture_output=True, text=True)
            check(crawl.returncode in (0, 3), f"the crawl failed: {crawl.stderr}")
            for mode in ("legacy", "auto"):
                asyncio.run(session(binary, config, mode))
        finally:
            emulator.terminate()
            emulator.wait()


if __name__ == "__main__":
    main()
