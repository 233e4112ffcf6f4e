/*
 * Homelab Assistant plugin ABI: entry point, descriptor, host services, sinks, status codes.
 * Pure C99. Plugins are shared libraries that export exactly one symbol:
 *
 *     const ha_plugin_entry homelab_assistant_plugin_entry;
 *
 * ---------------------------------------------------------------------------------------------
 * ABI changelog (append only):
 *   1.0  First stable ABI: ha_plugin_entry, ha_plugin_descriptor, ha_host_api, ha_sink, ha_call,
 *        interfaces "homelab_assistant.tools/1" (tools.h) and "homelab_assistant.provider/1"
 *        (provider.h).
 *   1.1  HA_STRUCT_HAS and HA_SIZE_THROUGH; HA_LOG_NOTICE; the [exclusive] thread tag, which is
 *        what create() and destroy() always were. Appended to ha_call: request_id, cancel_ctx +
 *        is_cancelled, stream. Appended to ha_plugin_descriptor: settings_schema. Appended to
 *        ha_provider_v1: describe. New optional interface "homelab_assistant.answers/1"
 *        (answers.h). tools.h now states the JSON-Schema subset and every host limit, and that
 *        a capability group belongs to one plugin. A 1.0 plugin loads and works unchanged on a
 *        1.1 host; a 1.1 plugin reads the appended ha_call members only through HA_STRUCT_HAS.
 *   1.2  Appended to ha_tool_info: flags (HA_CAPABILITY_INSTANT, tools.h) and reserved1; to
 *        ha_answers_v1: flags (HA_ANSWERS_INSTANT_*, answers.h) and reserved1. A 1.1 plugin
 *        loads unchanged (no flags); a 1.2 plugin on a 1.1 host loses only the hints.
 *   1.3  Appended to ha_call: flags (HA_CALL_MEMORY_ONLY) and reserved1; HA_ERR_WOULD_BLOCK;
 *        HA_CAPABILITY_FROM_MEMORY (tools.h). The host sets HA_CALL_MEMORY_ONLY only for a
 *        capability that declared HA_CAPABILITY_FROM_MEMORY, so a 1.2 plugin never sees it.
 * ---------------------------------------------------------------------------------------------
 *
 * Compatibility rules
 *   - The host loads a plugin only if the plugin's abi_major equals HA_ABI_MAJOR.
 *   - A new minor version only appends fields at the end of a struct; fields are never reordered,
 *     resized or removed. Every struct starts with `uint32_t struct_size` (sizeof as the writer
 *     saw it) and a reader touches a field only if struct_size covers it.
 *   - Reserved fields are written as 0 and ignored by readers.
 *   - New features arrive as new interface ids (get_interface), never as changed vtables.
 *
 * Types crossing the boundary: fixed-width integers, size_t, const char* (UTF-8, NUL-terminated
 * unless a length is given), void* and function pointers. No C++ types, no enums, no bool.
 * Rich data crosses as JSON text.
 *
 * Ownership
 *   - The host never frees plugin memory and the plugin never frees host memory.
 *   - Descriptors, tool infos and vtables are plugin-owned and must stay valid and unchanged
 *     while the plugin is loaded (the host never unloads a plugin while the process runs).
 *   - Inputs (strings, structs) are borrowed for the duration of the call only.
 *   - Outputs are written to host-owned sinks (ha_sink); a sink is valid only during the call
 *     that received it.
 *
 * Threading tags used on every member
 *   [any-thread]  may be called concurrently from several host threads.
 *   [exclusive]   never called concurrently with any other call into the same plugin, but not
 *                 necessarily on the process's main thread, nor twice on the same thread (the
 *                 host runs create() on a worker thread so that it can enforce a deadline).
 *   [call-thread] only valid on the thread that is running the call that provided it.
 *   [during-call] may be used from any thread of the plugin, but only until the call that
 *                 provided it returns.
 *
 * Exceptions and signals: nothing may unwind across the ABI. A C++ plugin catches everything in
 * its exported functions (see plugin.hpp, which does it for you).
 */
#ifndef HOMELAB_ASSISTANT_ABI_H
#define HOMELAB_ASSISTANT_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HA_ABI_MAJOR 1u
#define HA_ABI_MINOR 3u

/* Bytes a reader needs to see to read `member` of `type`: its offset plus its size. */
#define HA_SIZE_THROUGH(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))
/* True when the struct behind `ptr` (which starts with struct_size) was written by a side that
 * knew `member`. Read an appended member only when this holds. */
#define HA_STRUCT_HAS(ptr, type, member) ((size_t)(ptr)->struct_size >= HA_SIZE_THROUGH(type, member))

/* The one symbol a plugin exports. */
#define HA_ENTRY_SYMBOL homelab_assistant_plugin_entry
#define HA_ENTRY_SYMBOL_NAME "homelab_assistant_plugin_entry"

#if defined(__GNUC__)
#define HA_EXPORT __attribute__((visibility("default")))
#else
#define HA_EXPORT
#endif

/* ---- status codes (int32_t): 0 is success, every error is negative ------------------------ */
#define HA_OK 0
#define HA_ERR_INVALID_ARGUMENT (-1) /* input rejected (bad JSON, fails the schema, bad value) */
#define HA_ERR_NOT_FOUND (-2)        /* unknown tool, container, path ... */
#define HA_ERR_UNAVAILABLE (-3)      /* a dependency is down or unreachable (engine, network) */
#define HA_ERR_TIMEOUT (-4)          /* the call's deadline passed */
#define HA_ERR_INTERNAL (-5)         /* a bug or unexpected failure inside the plugin */
#define HA_ERR_UNSUPPORTED (-6)      /* the operation is not provided by this plugin */
#define HA_ERR_DENIED (-7)           /* refused: credentials rejected, permission, policy */
#define HA_ERR_RATE_LIMITED (-8)     /* a remote service asked to slow down; retry later */
#define HA_ERR_QUOTA (-9)            /* a remote account is out of quota; do not retry */
#define HA_ERR_TOO_LARGE (-10)       /* an output sink refused more data */
/* since 1.3: the answer of a memory-only call (HA_CALL_MEMORY_ONLY) needs work that can wait;
 * nothing was written, and the host makes the call again without the flag */
#define HA_ERR_WOULD_BLOCK (-11)

/* ---- log levels for ha_host_api.log ------------------------------------------------------- */
#define HA_LOG_ERROR 3
#define HA_LOG_WARNING 4
#define HA_LOG_NOTICE 5 /* since 1.1; a 1.0 host logs it as a warning */
#define HA_LOG_INFO 6
#define HA_LOG_DEBUG 7

/* ---- plugin kinds (bitmask in ha_plugin_descriptor.kinds) ---------------------------------- */
#define HA_KIND_TOOLS (1u << 0)    /* provides "homelab_assistant.tools/1"    */
#define HA_KIND_PROVIDER (1u << 1) /* provides "homelab_assistant.provider/1" */

/*
 * A host-owned byte sink. The plugin appends output by calling write() any number of times.
 * Data is opaque bytes; for JSON outputs the concatenation must be one JSON document.
 */
typedef struct ha_sink {
    uint32_t struct_size;
    uint32_t reserved0;
    void *ctx; /* pass back unchanged to write() */
    /* [call-thread] Appends len bytes (bytes may be NULL when len is 0). Returns HA_OK, or a
     * negative status (HA_ERR_TOO_LARGE when a limit is reached); the plugin then stops
     * writing and returns that status. */
    int32_t (*write)(void *ctx, const char *bytes, size_t len);
} ha_sink;

/*
 * One invocation (a tool call, a provider chat, an answers function, create()). Borrowed for
 * the duration of the call. Members after `error` exist since 1.1: test them with
 * HA_STRUCT_HAS(call, ha_call, member) before reading (a 1.0 host passes a shorter struct).
 */
typedef struct ha_call {
    uint32_t struct_size;
    uint32_t reserved0;
    /* Absolute deadline on CLOCK_MONOTONIC, in nanoseconds. The plugin stops working and returns
     * HA_ERR_TIMEOUT once it has passed. The host stops waiting at the deadline regardless. */
    uint64_t deadline_ns;
    const char *input;    /* input JSON, NUL-terminated; already validated against the schema */
    size_t input_len;     /* strlen(input) */
    const ha_sink *output; /* result JSON document */
    const ha_sink *error;  /* human-readable error text when the call fails; no secrets */

    /* ---- since 1.1 ---- */
    /* The host's id of the request this call serves ("" when none), for correlating log lines.
     * NUL-terminated, [a-zA-Z0-9_-]{0,64}. */
    const char *request_id;
    void *cancel_ctx; /* pass back unchanged to is_cancelled() */
    /* [during-call] Returns 1 once the caller has given up (the client went away, the server is
     * stopping, or a host-side deadline passed), else 0. A plugin doing slow work polls it and
     * returns HA_ERR_TIMEOUT when it is 1; the host has stopped waiting by then. Never NULL
     * when HA_STRUCT_HAS(call, ha_call, is_cancelled). */
    int32_t (*is_cancelled)(void *cancel_ctx);
    /* [call-thread] Optional progress sink, NULL when the caller does not stream. Providers
     * write each fragment of the answer's text to it as the model produces it (UTF-8 that may
     * split nowhere but between code points); the full text is still part of `output`. */
    const ha_sink *stream;

    /* ---- since 1.3: read only when HA_STRUCT_HAS(call, ha_call, flags) ---- */
    uint32_t flags; /* HA_CALL_* */
    uint32_t reserved1;
} ha_call;

/* ---- ha_call.flags (since 1.3) ------------------------------------------------------------ */
/* Answer only from what the plugin already has in memory (a result it keeps for a while,
 * a failure included): no I/O, no waiting on a lock held across I/O. When there is none,
 * write nothing and return HA_ERR_WOULD_BLOCK at once. The host runs such a call on its own
 * thread, so a memory-only call that blocks all the same stalls a request (and costs the
 * capability its HA_CAPABILITY_FROM_MEMORY hint once it overruns the deadline). Set only for
 * capabilities that declared HA_CAPABILITY_FROM_MEMORY. */
#define HA_CALL_MEMORY_ONLY 1u

/*
 * Services the host offers to a plugin. Valid from create() until destroy() returns.
 */
typedef struct ha_host_api {
    uint32_t struct_size;
    uint32_t abi_major; /* the host's HA_ABI_MAJOR */
    uint32_t abi_minor; /* the host's HA_ABI_MINOR */
    uint32_t reserved0;
    void *host_ctx; /* pass back unchanged to the functions below */
    /* [any-thread] Writes one log line attributed to the plugin (level: HA_LOG_*). message is
     * borrowed. Never log secrets (API keys, container environment, tokens); the host also
     * masks the plugin's secret settings (see settings_schema) in every line. */
    void (*log)(void *host_ctx, int32_t level, const char *message);
} ha_host_api;

/*
 * Static description of a plugin; read by the host before any plugin code runs.
 */
typedef struct ha_plugin_descriptor {
    uint32_t struct_size;
    uint32_t kinds;     /* HA_KIND_* bitmask; at least one bit */
    uint32_t flags;     /* reserved, 0 */
    uint32_t reserved0;
    const char *id;          /* unique id: [a-z0-9][a-z0-9_.-]{0,63}, e.g. "cpu", "acme.ups" */
    const char *name;        /* human name */
    const char *version;     /* the plugin's own version, e.g. "1.2.0" */
    const char *description; /* one sentence */

    /* ---- since 1.1 ---- */
    /* JSON Schema (the subset documented in tools.h) of the settings object create() receives,
     * or NULL. With a schema the host refuses settings that do not match it, naming the
     * setting, at start-up and with --check-config. A property marked "writeOnly": true is a
     * secret: the host replaces its value by [REDACTED] wherever it could show up (logs, audit,
     * error bodies, model text). Defaults stay in the plugin ("default" is documentation). */
    const char *settings_schema;
} ha_plugin_descriptor;

/*
 * The exported entry. All members are mandatory.
 */
typedef struct ha_plugin_entry {
    uint32_t struct_size; /* sizeof(ha_plugin_entry) as the plugin was built */
    uint32_t abi_major;   /* HA_ABI_MAJOR the plugin was built against */
    uint32_t abi_minor;   /* HA_ABI_MINOR the plugin was built against */
    uint32_t reserved0;
    const ha_plugin_descriptor *descriptor;

    /* [exclusive] Creates an instance, within the host's start-up deadline. config_json is this
     * plugin's settings as a JSON object (borrowed; "{}" when none; already checked against
     * settings_schema when there is one); it may contain secrets such as API keys, which the
     * plugin must never log or echo. On success stores the instance in *out_instance and returns
     * HA_OK; on failure writes a message to `error` and returns a negative status. The plugin
     * may start threads here; host->log may be kept and used until destroy() returns. */
    int32_t (*create)(const ha_host_api *host, const char *config_json, void **out_instance,
                      const ha_sink *error);

    /* [exclusive] Destroys an instance created by create(). Joins every thread the plugin
     * started. Never called while a call on the instance is running. */
    void (*destroy)(void *instance);

    /* [any-thread] Returns the vtable for a versioned interface id (e.g. HA_TOOLS_INTERFACE_V1),
     * or NULL when the interface is not provided. The returned pointer is plugin-owned and
     * valid while the plugin is loaded. */
    const void *(*get_interface)(void *instance, const char *interface_id);
} ha_plugin_entry;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HOMELAB_ASSISTANT_ABI_H */
