// The official MCP TypeScript SDK client (@modelcontextprotocol/sdk, pinned in
// package-lock.json) over its stdio transport, as MCP hosts such as Claude Desktop start a
// server: `homelab-assistant mcp ...` as a child process, JSON-RPC on its stdin and stdout.
// Connects (initialize), pings, lists the tools, calls a read-only one, then a denied one, an
// unknown one and one with bad arguments. Writes what it saw as one JSON document to OUT_FILE;
// tests/integration/cli/mcp-stdio.sh checks it.
// usage: node mcp-stdio-client.mjs OUT_FILE BINARY ARGS...
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { writeFileSync } from "node:fs";

const [outFile, command, ...args] = process.argv.slice(2);
const out = { transportErrors: [], stderr: "" };

async function failure(promise) {
  try {
    return { raised: false, value: await promise };
  } catch (e) {
    return { raised: true, name: e.constructor.name, code: e.code, message: e.message };
  }
}

const transport = new StdioClientTransport({ command, args, stderr: "pipe" });
transport.stderr?.on("data", (d) => { out.stderr += d.toString(); });
transport.onerror = (e) => out.transportErrors.push(String(e));
const client = new Client({ name: "homelab-assistant-stdio-test", version: "1.0.0" });
await client.connect(transport);
out.pid = transport.pid ?? null;
out.serverVersion = client.getServerVersion();
out.serverCapabilities = client.getServerCapabilities();
out.instructions = client.getInstructions();
out.ping = await client.ping();
out.tools = (await client.listTools()).tools;
out.call = await client.callTool({ name: "disk.usage", arguments: { path: "/" } });
out.denied = await failure(client.callTool({ name: "memory.usage", arguments: {} }));
out.unknownTool = await failure(client.callTool({ name: "docker.restart", arguments: {} }));
out.badArguments = await client.callTool({ name: "disk.usage", arguments: { path: 42 } });
out.unknownMethod = await failure(client.listResources());
await client.close();
writeFileSync(outFile, JSON.stringify(out, null, 1));
