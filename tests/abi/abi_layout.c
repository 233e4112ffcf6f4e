/* Pins the ABI 1.3 struct layout on LP64 platforms (1.0 members keep their 1.0 offsets; 1.1, 1.2 and
 * 1.3 members are appended). Compiled as strict C99 with -pedantic
 * -Werror, so it also proves the SDK headers are plain C99. A layout change fails the build:
 * that is an ABI break and needs a new major version (see the changelog in abi.h). */
#include <homelab_assistant/abi.h>
#include <homelab_assistant/answers.h>
#include <homelab_assistant/provider.h>
#include <homelab_assistant/tools.h>

#include <stddef.h>
#include <stdio.h>

#define PIN(name, cond) typedef char pin_##name[(cond) ? 1 : -1]

#if defined(__LP64__)
PIN(entry_size, sizeof(ha_plugin_entry) == 48);
PIN(entry_struct_size, offsetof(ha_plugin_entry, struct_size) == 0);
PIN(entry_abi_major, offsetof(ha_plugin_entry, abi_major) == 4);
PIN(entry_abi_minor, offsetof(ha_plugin_entry, abi_minor) == 8);
PIN(entry_descriptor, offsetof(ha_plugin_entry, descriptor) == 16);
PIN(entry_create, offsetof(ha_plugin_entry, create) == 24);
PIN(entry_destroy, offsetof(ha_plugin_entry, destroy) == 32);
PIN(entry_get_interface, offsetof(ha_plugin_entry, get_interface) == 40);

PIN(descriptor_size, sizeof(ha_plugin_descriptor) == 56); /* 1.0: 48 */
PIN(descriptor_kinds, offsetof(ha_plugin_descriptor, kinds) == 4);
PIN(descriptor_id, offsetof(ha_plugin_descriptor, id) == 16);
PIN(descriptor_name, offsetof(ha_plugin_descriptor, name) == 24);
PIN(descriptor_version, offsetof(ha_plugin_descriptor, version) == 32);
PIN(descriptor_description, offsetof(ha_plugin_descriptor, description) == 40);
PIN(descriptor_settings_schema, offsetof(ha_plugin_descriptor, settings_schema) == 48); /* 1.1 */

PIN(host_api_size, sizeof(ha_host_api) == 32);
PIN(host_api_ctx, offsetof(ha_host_api, host_ctx) == 16);
PIN(host_api_log, offsetof(ha_host_api, log) == 24);

PIN(sink_size, sizeof(ha_sink) == 24);
PIN(sink_ctx, offsetof(ha_sink, ctx) == 8);
PIN(sink_write, offsetof(ha_sink, write) == 16);

PIN(call_size, sizeof(ha_call) == 88); /* 1.0: 48, 1.1 and 1.2: 80 */
PIN(call_deadline, offsetof(ha_call, deadline_ns) == 8);
PIN(call_input, offsetof(ha_call, input) == 16);
PIN(call_input_len, offsetof(ha_call, input_len) == 24);
PIN(call_output, offsetof(ha_call, output) == 32);
PIN(call_error, offsetof(ha_call, error) == 40);
PIN(call_request_id, offsetof(ha_call, request_id) == 48);     /* 1.1 */
PIN(call_cancel_ctx, offsetof(ha_call, cancel_ctx) == 56);     /* 1.1 */
PIN(call_is_cancelled, offsetof(ha_call, is_cancelled) == 64); /* 1.1 */
PIN(call_stream, offsetof(ha_call, stream) == 72);             /* 1.1 */
PIN(call_flags, offsetof(ha_call, flags) == 80);               /* 1.3 */
PIN(call_reserved1, offsetof(ha_call, reserved1) == 84);       /* 1.3 */
PIN(call_size_1_2, HA_SIZE_THROUGH(ha_call, stream) == 80);
PIN(call_memory_only, HA_CALL_MEMORY_ONLY == 1u);

PIN(tool_info_size, sizeof(ha_tool_info) == 48);
PIN(tool_info_effect, offsetof(ha_tool_info, effect) == 4);
PIN(tool_info_timeout, offsetof(ha_tool_info, timeout_ms) == 8);
PIN(tool_info_name, offsetof(ha_tool_info, name) == 16);
PIN(tool_info_description, offsetof(ha_tool_info, description) == 24);
PIN(tool_info_schema, offsetof(ha_tool_info, input_schema) == 32);
PIN(tool_info_flags, offsetof(ha_tool_info, flags) == 40);             /* 1.2 */
PIN(tool_info_reserved1, offsetof(ha_tool_info, reserved1) == 44);     /* 1.2 */
PIN(tool_info_size_1_1, HA_SIZE_THROUGH(ha_tool_info, input_schema) == 40);

PIN(tools_v1_size, sizeof(ha_tools_v1) == 32);
PIN(tools_v1_count, offsetof(ha_tools_v1, count) == 8);
PIN(tools_v1_get, offsetof(ha_tools_v1, get) == 16);
PIN(tools_v1_invoke, offsetof(ha_tools_v1, invoke) == 24);

PIN(provider_v1_size, sizeof(ha_provider_v1) == 24); /* 1.0: 16 */
PIN(provider_v1_chat, offsetof(ha_provider_v1, chat) == 8);
PIN(provider_v1_describe, offsetof(ha_provider_v1, describe) == 16); /* 1.1 */

PIN(answers_v1_size, sizeof(ha_answers_v1) == 48); /* 1.1: 40 */
PIN(answers_v1_profile, offsetof(ha_answers_v1, profile) == 8);
PIN(answers_v1_match, offsetof(ha_answers_v1, match) == 16);
PIN(answers_v1_summarize, offsetof(ha_answers_v1, summarize) == 24);
PIN(answers_v1_checks, offsetof(ha_answers_v1, checks) == 32);
PIN(answers_v1_flags, offsetof(ha_answers_v1, flags) == 40);           /* 1.2 */
PIN(answers_v1_reserved1, offsetof(ha_answers_v1, reserved1) == 44);   /* 1.2 */
PIN(answers_flags, HA_ANSWERS_INSTANT_MATCH == 1u && HA_ANSWERS_INSTANT_SUMMARIZE == 2u && HA_ANSWERS_INSTANT_CHECKS == 4u);

/* The 1.0 sizes stay readable through HA_SIZE_THROUGH: what a 1.0 writer filled. */
PIN(call_v10_size, HA_SIZE_THROUGH(ha_call, error) == 48);
PIN(descriptor_v10_size, HA_SIZE_THROUGH(ha_plugin_descriptor, description) == 48);
PIN(provider_v10_size, HA_SIZE_THROUGH(ha_provider_v1, chat) == 16);
#else
#error "the layout pins are written for LP64 platforms"
#endif

/* Values of the constants are part of the ABI too. */
PIN(abi_major, HA_ABI_MAJOR == 1u);
PIN(abi_minor, HA_ABI_MINOR == 3u);
PIN(log_levels, HA_LOG_ERROR == 3 && HA_LOG_WARNING == 4 && HA_LOG_NOTICE == 5 && HA_LOG_INFO == 6 &&
                    HA_LOG_DEBUG == 7);
PIN(status_codes, HA_OK == 0 && HA_ERR_INVALID_ARGUMENT == -1 && HA_ERR_NOT_FOUND == -2 &&
                      HA_ERR_UNAVAILABLE == -3 && HA_ERR_TIMEOUT == -4 && HA_ERR_INTERNAL == -5 &&
                      HA_ERR_UNSUPPORTED == -6 && HA_ERR_DENIED == -7 && HA_ERR_RATE_LIMITED == -8 &&
                      HA_ERR_QUOTA == -9 && HA_ERR_TOO_LARGE == -10 &&
                      HA_ERR_WOULD_BLOCK == -11); /* -11: 1.3 */
PIN(kinds, HA_KIND_TOOLS == 1u && HA_KIND_PROVIDER == 2u);
PIN(effects, HA_EFFECT_READ_ONLY == 1u && HA_EFFECT_MUTATING == 2u);
PIN(capability_flags, HA_CAPABILITY_INSTANT == 1u && HA_CAPABILITY_FROM_MEMORY == 2u); /* 2: 1.3 */

int main(void) {
    ha_call call = {0};
    call.struct_size = (uint32_t)HA_SIZE_THROUGH(ha_call, error); /* as a 1.0 host fills it */
    if (HA_STRUCT_HAS(&call, ha_call, stream) || !HA_STRUCT_HAS(&call, ha_call, error)) {
        printf("HA_STRUCT_HAS is wrong for a 1.0-sized ha_call\n");
        return 1;
    }
    call.struct_size = sizeof call;
    if (!HA_STRUCT_HAS(&call, ha_call, stream)) {
        printf("HA_STRUCT_HAS is wrong for a 1.1-sized ha_call\n");
        return 1;
    }
    printf("ABI %u.%u layout pinned: entry %lu, descriptor %lu, call %lu, tool_info %lu, answers %lu bytes\n",
           HA_ABI_MAJOR, HA_ABI_MINOR, (unsigned long)sizeof(ha_plugin_entry),
           (unsigned long)sizeof(ha_plugin_descriptor), (unsigned long)sizeof(ha_call),
           (unsigned long)sizeof(ha_tool_info), (unsigned long)sizeof(ha_answers_v1));
    return 0;
}
