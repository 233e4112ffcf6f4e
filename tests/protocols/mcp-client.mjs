// The official MCP TypeScript SDK client (@modelcontextprotocol/sdk, pinned in
// package-lock.json) over Streamable HTTP against the real server: connect (initialize),
// ping, list the tools, call each one, a tool failure and an unknown tool. Writes what it saw
// as one JSON document to OUT_FILE; tests/integration/protocols/mcp.sh checks it.
// usage: node mcp-client.mjs BASE_URL API_KEY OUT_FILE   (NODE_EXTRA_CA_CERTS = the server's cert)
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { writeFileSync } from "node:fs";

const [baseURL, apiKey, outFile] = process.argv.slice(2);
const out = { transportErrors: [] };

async function connect(key, errors) {
  const transport = new StreamableHTTPClientTransport(new URL(`${baseURL}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${key}` } },
  });
  transport.onerror = (e) => errors.push(String(e));
  const client = new Client({ name: "homelab-assistant-mcp-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

async function failure(promise) {
  try {
    return { raised: false, value: await promise };
  } catch (e) {
    return { raised: true, name: e.constructor.name, code: e.code, message: e.message };
  }
}

const { client, transport } = await connect(apiKey, out.transportErrors);
out.serverVersion = client.getServerVersion();
out.serverCapabilities = client.getServerCapabilities();
out.instructions = client.getInstructions();
out.protocolVersion = transport.protocolVersion;
out.sessionId = transport.sessionId ?? null;
out.ping = await client.ping();
out.tools = (await client.listTools()).tools;
out.calls = {};
for (const tool of out.tools) out.calls[tool.name] = await client.callTool({ name: tool.name, arguments: {} });
out.badArguments = await client.callTool({ name: "disk.usage", arguments: { path: 42 } });
out.unknownTool = await failure(client.callTool({ name: "docker.restart", arguments: {} }));
out.unknownMethod = await failure(client.listResources());
await client.close();

out.wrongKey = await failure(connect("not-the-key-0123456789", []));
writeFileSync(outFile, JSON.stringify(out, null, 1));
