/*
 * Interface "homelab_assistant.tools/1": a plugin offering capabilities the assistant can call.
 * Pure C99. See abi.h for the ownership, threading and compatibility rules.
 *
 * A capability is one named operation with a JSON Schema for its input (the shape the LLM sees
 * as function parameters, like MCP's inputSchema) and a declared effect. The HOST decides what
 * may run: it filters capabilities through its policy before offering them to an LLM, validates
 * the input against input_schema, and checks the policy again before every invoke(). Mutating
 * capabilities are never offered nor invoked by Homelab Assistant; declare them honestly anyway.
 */
#ifndef HOMELAB_ASSISTANT_TOOLS_H
#define HOMELAB_ASSISTANT_TOOLS_H

#include "homelab_assistant/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HA_TOOLS_INTERFACE_V1 "homelab_assistant.tools/1"

/* ---- effect of a capability (ha_tool_info.effect: exactly one value) ----------------------- */
#define HA_EFFECT_READ_ONLY 1u /* observes state only */
#define HA_EFFECT_MUTATING 2u  /* changes state; unknown values are treated as mutating */

typedef struct ha_tool_info {
    uint32_t struct_size;
    uint32_t effect;     /* HA_EFFECT_* */
    uint32_t timeout_ms; /* suggested deadline for one call; 0 = the host's default */
    uint32_t reserved0;
    /* Capability name "<group>.<action>": lowercase segments [a-z][a-z0-9_]* joined by '.',
     * at most 64 bytes, unique across all loaded plugins. Example: "disk.usage". */
    const char *name;
    const char *description;  /* what it returns; shown to the LLM; one or two sentences */
    const char *input_schema; /* JSON Schema of the input: an object schema ("type":"object") */
} ha_tool_info;

typedef struct ha_tools_v1 {
    uint32_t struct_size;
    uint32_t reserved0;

    /* [any-thread] Number of capabilities. Constant for the life of the instance. */
    uint32_t (*count)(void *instance);

    /* [any-thread] Capability at index (0 <= index < count), or NULL when out of range.
     * Plugin-owned; valid and unchanged while the plugin is loaded. */
    const ha_tool_info *(*get)(void *instance, uint32_t index);

    /* [any-thread] Runs capability `name` with call->input (a JSON object that matches the
     * schema). Writes one JSON document to call->output and returns HA_OK, or writes a message
     * to call->error and returns a negative status. Must honour call->deadline_ns. May be called
     * concurrently, also for the same capability. */
    int32_t (*invoke)(void *instance, const char *name, const ha_call *call);
} ha_tools_v1;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HOMELAB_ASSISTANT_TOOLS_H */
