// The official `openai` npm client (pinned in package-lock.json) against the real server: the
// model list, a non-streaming and a streaming completion, a conversation carried in the
// messages, a refusal, and the errors as the client raises them. Writes what it saw as one JSON
// document to OUT_FILE; tests/integration/protocols/openai.sh checks it (and the audit log).
// usage: node openai-client.mjs BASE_URL API_KEY OUT_FILE   (NODE_EXTRA_CA_CERTS = the server's cert)
import OpenAI from "openai";
import { writeFileSync } from "node:fs";

const [baseURL, apiKey, outFile] = process.argv.slice(2);
const client = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey, maxRetries: 0, timeout: 30000 });
const out = {};

// What the client raised: its class and what it read from the error object.
async function failure(promise) {
  try {
    await promise;
    return { raised: false };
  } catch (e) {
    return { raised: true, name: e.constructor.name, status: e.status, code: e.code, type: e.type, message: e.message };
  }
}

const models = await client.models.list();
out.models = models.data;
out.model = await client.models.retrieve("homelab-assistant");

const disk = await client.chat.completions.create({
  model: "homelab-assistant",
  messages: [{ role: "user", content: "How much disk space is left?" }],
  temperature: 0.2,
});
out.completion = disk;

const followUp = await client.chat.completions.create({
  model: "homelab-assistant",
  messages: [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: "How much disk space is left?" },
    { role: "assistant", content: disk.choices[0].message.content },
    { role: "user", content: "What is the CPU and memory usage?" },
  ],
});
out.followUp = followUp;

const stream = await client.chat.completions.create({
  model: "homelab-assistant",
  messages: [{ role: "user", content: "Is everything running correctly?" }],
  stream: true,
});
out.chunks = [];
for await (const chunk of stream) out.chunks.push(chunk);
out.streamedText = out.chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");

// The helper that puts a stream together into one completion, as applications use it.
const runner = client.chat.completions.stream({
  model: "homelab-assistant",
  messages: [{ role: "user", content: "Restart the plex container" }],
});
out.refusal = await runner.finalChatCompletion();

out.errors = {
  wrongKey: await failure(
    new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: "not-the-key-0123456789", maxRetries: 0 }).models.list(),
  ),
  unknownModel: await failure(
    client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
  ),
  toolRole: await failure(
    client.chat.completions.create({
      model: "homelab-assistant",
      messages: [
        { role: "user", content: "hi" },
        { role: "tool", content: "{}", tool_call_id: "call_1" },
      ],
    }),
  ),
  streamedBadRequest: await failure(
    client.chat.completions.create({ model: "homelab-assistant", messages: [], stream: true }),
  ),
};

writeFileSync(outFile, JSON.stringify(out, null, 1));
