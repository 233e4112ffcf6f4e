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
 *   [main-thread] called from the host's start-up/shut-down thread, never concurrently with
 *                 any other call into the same plugin instance.
 *   [call-thread] only valid on the thread that is running the call that provided it.
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
#define HA_ABI_MINOR 0u

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

/* ---- log levels for ha_host_api.log ------------------------------------------------------- */
#define HA_LOG_ERROR 3
#define HA_LOG_WARNING 4
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
 * One invocation (a tool call or a provider chat). Borrowed for the duration of the call.
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
} ha_call;

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
     * borrowed. Never log secrets (API keys, container environment, tokens). */
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

    /* [main-thread] Creates an instance. config_json is this plugin's configuration section as a
     * JSON object (borrowed; "{}" when none); it may contain secrets such as API keys, which the
     * plugin must never log or echo. On success stores the instance in *out_instance and returns
     * HA_OK; on failure writes a message to `error` and returns a negative status. The plugin
     * may start threads here; host->log may be kept and used until destroy() returns. */
    int32_t (*create)(const ha_host_api *host, const char *config_json, void **out_instance,
                      const ha_sink *error);

    /* [main-thread] Destroys an instance created by create(). Joins every thread the plugin
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
