/*
 * Interface "homelab_assistant.tools/1": a plugin offering capabilities the assistant can call.
 * Pure C99. See abi.h for the ownership, threading and compatibility rules.
 *
 * A capability is one named operation with a JSON Schema for its input (the shape the LLM sees
 * as function parameters, like MCP's inputSchema) and a declared effect. The HOST decides what
 * may run: it filters capabilities through its policy before offering them to an LLM, validates
 * the input against input_schema, and checks the policy again before every invoke(). Mutating
 * capabilities are never offered nor invoked by Homelab Assistant; declare them honestly anyway.
 *
 * Names. A capability is "<group>.<action>[.<more>]": lowercase segments [a-z][a-z0-9_]* joined
 * by '.', at most 64 bytes. The first segment is the group, and a group belongs to exactly one
 * plugin: the plugin whose id is the group (with '-' and '.' read as '_') owns it, otherwise the
 * first plugin (in file-name order) that uses it. A plugin using a group another plugin owns is
 * refused as a whole, so a plugin cannot slip capabilities under a policy rule such as
 * "docker.*". Models see a capability as a function named with every '.' replaced by '_'
 * ("disk.usage" -> "disk_usage"); two capabilities that would get the same function name (say
 * "a.b_c" and "a_b.c") are refused at load with both names in the message.
 *
 * Input schemas use this JSON-Schema subset (anything else is refused at load, so a plugin never
 * relies on a check the host would silently skip):
 *   type                 "object" "string" "integer" "number" "boolean" "array" "null", or a list
 *   properties, required, additionalProperties (true or false only)
 *   enum, minimum, maximum, minLength, maxLength (code points), items, minItems, maxItems
 *   annotations, ignored by validation: description, title, default, examples, $schema,
 *                        writeOnly (in settings schemas: marks a secret, see abi.h)
 * The top level must be {"type":"object", ...}; nesting at most 8 levels. An integer-valued
 * number (3.0) is an integer. The host validates every input before invoke() sees it.
 *
 * Host limits (a plugin over a limit is refused at load with the limit named; a call over a
 * limit fails, it is never cut silently):
 *   capabilities per plugin       64
 *   name                          64 bytes          description      2048 bytes, non-empty
 *   input_schema                  64 KiB            timeout_ms       at most 600000
 *   descriptor id 64 bytes, name 256, version 64, description 1024
 *   output of one call            1 MiB: the sink answers HA_ERR_TOO_LARGE and the call fails as
 *                                 too large, whatever invoke() returns
 *   error text of one call        4 KiB, longer text is cut (errors are for humans)
 *   create()                      10 s; default call deadline plugins.call_timeout_ms (5 s)
 *   calls stuck past deadline     4 per plugin, then new calls are refused until one returns
 * What reaches a language model is further cut to chat.tool_result_max_bytes (16 KiB), marked
 * as truncated.
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

/* ---- hints about a capability (ha_tool_info.flags, since 1.2: any combination) ------------- */
/* invoke() answers at once from the plugin's memory or from procfs: it never waits on anything
 * that can hang (a disk, the network, another process, a lock held across such a wait). The
 * host may then run the call on its own thread instead of handing it to a call thread, which
 * saves two thread switches per call but cannot stop waiting at the deadline. A call that
 * overruns its deadline all the same costs the capability this hint until the host restarts
 * (logged as a warning). Unknown flags are ignored. */
#define HA_CAPABILITY_INSTANT 1u
/* since 1.3: invoke() often has the answer in memory (it keeps recent results, for example for
 * a setting like "cache_ms") but otherwise has to wait on something that can hang. The host
 * then first makes a memory-only call on its own thread (HA_CALL_MEMORY_ONLY, abi.h) and hands
 * the call to a call thread only when that returns HA_ERR_WOULD_BLOCK. Ignored together with
 * HA_CAPABILITY_INSTANT, which already runs every call on the host's thread. */
#define HA_CAPABILITY_FROM_MEMORY 2u

typedef struct ha_tool_info {
    uint32_t struct_size;
    uint32_t effect;     /* HA_EFFECT_* */
    uint32_t timeout_ms; /* suggested deadline for one call; 0 = the host's default */
    uint32_t reserved0;
    /* Capability name "<group>.<action>" (see Names above), unique across all loaded plugins.
     * Example: "disk.usage". */
    const char *name;
    const char *description;  /* what it returns; shown to the LLM; one or two sentences */
    const char *input_schema; /* JSON Schema of the input: an object schema ("type":"object") */
    /* ---- since 1.2: read only when HA_STRUCT_HAS(info, ha_tool_info, flags) ---- */
    uint32_t flags; /* HA_CAPABILITY_* hints, 0 for none */
    uint32_t reserved1;
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
