/* Example third-party plugin in plain C99: capability "ups.status" reads the status of a UPS as
 * Network UPS Tools' `upsc` prints it (a cron job or NUT's upsmon can write `upsc myups` to the
 * file named by the setting status_file), and the answers interface lets the assistant answer
 * "how much battery does the UPS have left?" and warn in its health check when the UPS runs on
 * battery, without knowing anything about UPSes. Only the C ABI headers are needed.
 *
 *   upsc output (one "key: value" per line):  ups.status: OB LB   battery.charge: 41
 *                                             battery.runtime: 720 (seconds)
 */
#include <homelab_assistant/answers.h>
#include <homelab_assistant/tools.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_INPUT "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}"

static const ha_plugin_descriptor descriptor = {
    sizeof(ha_plugin_descriptor), HA_KIND_TOOLS, 0, 0, "example-ups", "UPS (example)", "1.0.0",
    "UPS battery and power state from NUT's upsc output.",
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"status_file\":{\"type\":\"string\","
    "\"minLength\":1,\"description\":\"file holding `upsc <ups>` output (default /run/ups/status)\"}}}"};

static const ha_tool_info capabilities[] = {
    {sizeof(ha_tool_info), HA_EFFECT_READ_ONLY, 1000, 0, "ups.status",
     "State of the UPS: on mains or on battery, low battery, battery charge in percent and the runtime left.",
     NO_INPUT, 0, 0},
};

typedef struct ups {
    char status_file[512];
} ups;

static int32_t write_text(const ha_sink *sink, const char *text) { return sink->write(sink->ctx, text, strlen(text)); }

/* The text after "key": in a JSON document we wrote ourselves (flat, no spaces), or NULL. */
static const char *member(const char *json, const char *key) {
    char needle[64];
    const char *at;
    snprintf(needle, sizeof needle, "\"%s\":", key);
    at = strstr(json, needle);
    return at ? at + strlen(needle) : NULL;
}

static long member_long(const char *json, const char *key) {
    const char *v = member(json, key);
    return v ? strtol(v, NULL, 10) : -1;
}

static int member_true(const char *json, const char *key) {
    const char *v = member(json, key);
    return v != NULL && strncmp(v, "true", 4) == 0;
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

static int32_t create(const ha_host_api *host, const char *config, void **out, const ha_sink *error) {
    ups *self = calloc(1, sizeof *self);
    const char *file = member(config, "status_file");
    (void)host;
    if (self == NULL) return write_text(error, "out of memory"), HA_ERR_INTERNAL;
    strcpy(self->status_file, "/run/ups/status");
    if (file != NULL && *file == '"') { /* a plain path: no escapes to undo */
        const char *end = strchr(file + 1, '"');
        size_t n = end ? (size_t)(end - file - 1) : 0;
        if (n == 0 || n >= sizeof self->status_file) {
            free(self);
            return write_text(error, "status_file is empty or too long"), HA_ERR_INVALID_ARGUMENT;
        }
        memcpy(self->status_file, file + 1, n);
        self->status_file[n] = '\0';
    }
    *out = self;
    return HA_OK;
}

static void destroy(void *instance) { free(instance); }

/* ---- tools/1 ------------------------------------------------------------------------------- */

static uint32_t count(void *instance) {
    (void)instance;
    return 1;
}

static const ha_tool_info *get(void *instance, uint32_t index) {
    (void)instance;
    return index < 1 ? &capabilities[index] : NULL;
}

static int32_t invoke(void *instance, const char *name, const ha_call *call) {
    const ups *self = instance;
    char line[256], status[64] = "", out[640];
    long charge = -1, runtime = -1;
    FILE *f;
    if (strcmp(name, "ups.status") != 0) return HA_ERR_NOT_FOUND;
    f = fopen(self->status_file, "r");
    if (f == NULL) {
        snprintf(out, sizeof out, "cannot read %s (is NUT's upsc output written there?)", self->status_file);
        write_text(call->error, out);
        return HA_ERR_UNAVAILABLE;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "ups.status: ", 12) == 0) sscanf(line + 12, "%63[^\n]", status);
        if (strncmp(line, "battery.charge: ", 16) == 0) charge = strtol(line + 16, NULL, 10);
        if (strncmp(line, "battery.runtime: ", 17) == 0) runtime = strtol(line + 17, NULL, 10);
    }
    fclose(f);
    if (status[0] == '\0') return write_text(call->error, "no ups.status line in the status file"), HA_ERR_UNAVAILABLE;
    snprintf(out, sizeof out, "{\"on_battery\":%s,\"low_battery\":%s,\"charge_percent\":%ld,\"runtime_minutes\":%ld}",
             strstr(status, "OB") ? "true" : "false", strstr(status, "LB") ? "true" : "false", charge,
             runtime < 0 ? -1 : runtime / 60);
    return write_text(call->output, out);
}

static const ha_tools_v1 tools = {sizeof(ha_tools_v1), 0, count, get, invoke};

/* ---- answers/1 ----------------------------------------------------------------------------- */

static int32_t profile(void *instance, const ha_call *call) {
    (void)instance;
    return write_text(call->output,
                      "{\"vocabulary\":[\"ups\",\"battery\",\"power\",\"outage\",\"mains\",\"runtime\"],"
                      "\"topics\":[{\"capability\":\"ups.status\",\"title\":\"UPS battery\","
                      "\"example\":\"How much battery does the UPS have left?\"}],"
                      "\"checks\":[{\"capability\":\"ups.status\",\"arguments\":{}}]}");
}

static int32_t match(void *instance, const ha_call *call) {
    /* "text" comes first and holds only [a-z0-9 ]: find it, then look for whole words. */
    const char *text = member(call->input, "text");
    const char *score = NULL;
    char out[160];
    (void)instance;
    if (text != NULL && strstr(text, " ups ")) score = "1.0";
    else if (text != NULL && (strstr(text, " battery ") || strstr(text, " power ") || strstr(text, " outage "))) score = "0.8";
    if (score == NULL) return write_text(call->output, "{\"matches\":[]}");
    snprintf(out, sizeof out, "{\"matches\":[{\"capability\":\"ups.status\",\"arguments\":{},\"score\":%s}]}", score);
    return write_text(call->output, out);
}

static int32_t summarize(void *instance, const ha_call *call) {
    const char *result = member(call->input, "result");
    char out[256];
    (void)instance;
    if (result == NULL) return write_text(call->output, "{\"text\":\"I could not read the UPS status.\"}");
    if (member_true(result, "on_battery")) {
        snprintf(out, sizeof out, "{\"text\":\"The UPS is on battery: %ld%% charged, about %ld minutes left.\"}",
                 member_long(result, "charge_percent"), member_long(result, "runtime_minutes"));
    } else {
        snprintf(out, sizeof out, "{\"text\":\"The UPS is on mains power, battery %ld%% charged.\"}",
                 member_long(result, "charge_percent"));
    }
    return write_text(call->output, out);
}

static int32_t checks(void *instance, const ha_call *call) {
    const char *result = member(call->input, "result");
    const long charge = result ? member_long(result, "charge_percent") : -1;
    char out[320];
    (void)instance;
    if (result == NULL) {
        return write_text(call->output, "{\"findings\":[{\"severity\":\"warning\",\"check\":\"ups.unreadable\","
                                        "\"subject\":\"ups\",\"message\":\"The UPS status could not be read.\"}]}");
    }
    snprintf(out, sizeof out,
             "{\"findings\":[{\"severity\":\"%s\",\"check\":\"ups.power\",\"subject\":\"ups\",\"message\":\"%s (%ld%% left).\","
             "\"evidence\":{\"charge_percent\":%ld}}]}",
             member_true(result, "low_battery") ? "critical" : (member_true(result, "on_battery") ? "warning" : "ok"),
             member_true(result, "on_battery") ? "The UPS is running on battery" : "UPS on mains power", charge, charge);
    return write_text(call->output, out);
}

/* All three word their input only: the host may run them on its own thread. */
static const ha_answers_v1 answers = {sizeof(ha_answers_v1), 0, profile, match, summarize, checks,
                                      HA_ANSWERS_INSTANT_MATCH | HA_ANSWERS_INSTANT_SUMMARIZE | HA_ANSWERS_INSTANT_CHECKS, 0};

static const void *get_interface(void *instance, const char *id) {
    (void)instance;
    if (strcmp(id, HA_TOOLS_INTERFACE_V1) == 0) return &tools;
    if (strcmp(id, HA_ANSWERS_INTERFACE_V1) == 0) return &answers;
    return NULL;
}

HA_EXPORT const ha_plugin_entry homelab_assistant_plugin_entry = {
    sizeof(ha_plugin_entry), HA_ABI_MAJOR, HA_ABI_MINOR, 0, &descriptor, create, destroy, get_interface};
