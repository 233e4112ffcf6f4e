/*
 * Interface "homelab_assistant.provider/1": a language model the assistant talks to.
 * Pure C99. See abi.h for the ownership, threading and compatibility rules.
 *
 * The exchange uses the OpenAI Chat Completions vocabulary, as JSON text:
 *
 * input (ha_call.input):
 *   { "messages": [ {"role":"system"|"user"|"assistant"|"tool", "content": "...",
 *                    "tool_calls": [{"id":"..","type":"function",
 *                                    "function":{"name":"..","arguments":"<JSON text>"}}],
 *                    "tool_call_id": ".." } ... ],
 *     "tools": [ {"type":"function","function":{"name":"..","description":"..",
 *                                               "parameters":{ JSON Schema }}} ... ] }
 *   "tools" may be absent or empty: the model must then answer in text.
 *
 * output (ha_call.output), one JSON object:
 *   { "content": "text or empty",
 *     "tool_calls": [ {"id":"..","name":"..","arguments":"<JSON text as the model produced it>"} ],
 *     "finish_reason": "stop"|"tool_calls"|"length"|..., "model": "...",
 *     "usage": {"prompt_tokens":N,"completion_tokens":N} }
 *
 * Streaming (since 1.1): when HA_STRUCT_HAS(call, ha_call, stream) and call->stream is not NULL,
 * the caller shows the answer as it grows: write each text fragment of "content" to call->stream
 * as it arrives (for an OpenAI-compatible server: request "stream": true and forward every
 * choices[0].delta.content). Tool-call fragments are not streamed; they are assembled and
 * returned in the output as usual, which always carries the whole content too. A provider that
 * cannot stream ignores call->stream. Poll call->is_cancelled while waiting for the model.
 *
 * Settings: a provider's settings arrive in create() (plugins.settings.<id> in config.yaml);
 * mark its credentials "writeOnly" in the descriptor's settings_schema so that the host masks
 * them everywhere. Its defaults (base URL, model) live in the plugin only.
 *
 * The provider does not execute tools; the host does, after checking its policy. Errors:
 * HA_ERR_DENIED (credentials rejected), HA_ERR_RATE_LIMITED, HA_ERR_QUOTA, HA_ERR_UNAVAILABLE,
 * HA_ERR_TIMEOUT, HA_ERR_INVALID_ARGUMENT; the message goes to call->error and never contains
 * credentials.
 */
#ifndef HOMELAB_ASSISTANT_PROVIDER_H
#define HOMELAB_ASSISTANT_PROVIDER_H

#include "homelab_assistant/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HA_PROVIDER_INTERFACE_V1 "homelab_assistant.provider/1"

typedef struct ha_provider_v1 {
    uint32_t struct_size;
    uint32_t reserved0;

    /* [any-thread] One model turn (including the provider's own bounded retries), within
     * call->deadline_ns. May be called concurrently. */
    int32_t (*chat)(void *instance, const ha_call *call);

    /* ---- since 1.1 (read only when HA_STRUCT_HAS(vtable, ha_provider_v1, describe)) ---- */
    /* [any-thread] Says, without any network traffic, whether the provider can answer and with
     * what. Writes one JSON object to call->output:
     *   {"ready": true|false, "reason": "no api_key is configured" (when not ready),
     *    "model": "llama-3.3-70b-versatile", "endpoint": "https://api.groq.com/openai/v1"}
     * (never credentials; the endpoint without user info or query). llm.provider "auto" skips a
     * provider that is not ready; the host logs model and endpoint. NULL: always ready. */
    int32_t (*describe)(void *instance, const ha_call *call);
} ha_provider_v1;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HOMELAB_ASSISTANT_PROVIDER_H */
