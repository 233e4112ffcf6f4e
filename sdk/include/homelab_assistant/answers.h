/*
 * Interface "homelab_assistant.answers/1" (since ABI 1.1): a tools plugin that knows how to talk
 * about its own data. Optional; pure C99. See abi.h for the ownership, threading and
 * compatibility rules.
 *
 * The embedded offline provider (used when no language model is configured, and when the model
 * fails) and GET /v1/status use it. With it, questions about the plugin's subject are answered
 * in the plugin's own words and its health findings appear in "Is everything running
 * correctly?", while the host knows nothing of the plugin's result fields. A tools plugin
 * offers it through get_interface(instance, HA_ANSWERS_INTERFACE_V1); no descriptor kind bit.
 *
 * Every function is an ha_call like invoke(): JSON input in call->input, one JSON object to
 * call->output and HA_OK, or a message to call->error and a negative status. HA_ERR_UNSUPPORTED
 * means "nothing to say": the host then words the result generically. Any function may be NULL.
 * The host writes every input as valid UTF-8, nested at most 64 levels deep.
 *
 * ---- profile: called once after create(); what the plugin understands -----------------------
 *   input   {}
 *   output  {"vocabulary": ["disk", "space", "free", "full", ...],
 *            "topics": [{"capability": "disk.usage", "title": "Disk space",
 *                        "example": "How much disk space is left?"}],
 *            "checks": [{"capability": "disk.usage", "arguments": {}}]}
 *   vocabulary  the words match() reacts to, lowercase [a-z0-9]+. The host corrects typos in a
 *               question towards the vocabulary of every plugin, and treats a content word
 *               that no plugin knows as a subject nobody can answer ("temperature" with no
 *               sensors plugin), instead of answering a different question. It also asks a
 *               plugin's match() only about questions that hold one of its words (or an
 *               inflection: "containers", "crashed"), a word no plugin knows (a name, maybe
 *               one of the plugin's), or that follow an answer of the plugin's (subject): a
 *               word match() reacts to must be in the vocabulary, or it is never seen.
 *   topics      what the plugin answers, listed when a question matches nothing and offered as
 *               suggested questions.
 *   checks      the calls checks() needs; the host runs them through the policy and the schema
 *               check, audited, and hands over their results.
 *
 * ---- match: which of my capabilities answer this question? -----------------------------------
 *   input   {"text": " is plex running ",
 *            "question": "Is plex running?",
 *            "words": ["is", "plex", "running"],
 *            "subject": {"plugin": "docker", "capability": "docker.containers",
 *                        "arguments": {}, "data": {...}} or null,
 *            "allowed": ["docker.containers", "docker.inspect", ...]}
 *   output  {"matches": [{"capability": "docker.inspect", "arguments": {"container": "plex"},
 *                         "score": 0.9, "names": ["plex"]}]}
 *   text      always the first member; only the characters [a-z0-9 ] with one space before and
 *             after every word, typos corrected, so that a C plugin finds a word with
 *             strstr(text, " ups ") after locating "text":" in the input.
 *   question  as the user wrote it; words: text split into words.
 *   subject   what the previous answer in this conversation was about (see summarize), so that
 *             "and the second one?" or "what about its memory?" can be understood; data is
 *             only meaningful to the plugin named in "plugin".
 *   allowed   this plugin's capabilities the policy allows; proposing others is pointless.
 *   score     0..1.  1.0: the question names this plugin's own subject explicitly: the word
 *             only it answers ("container", "systemd", "zfs") or something it knows by name (a
 *             container called plex). 0.8-0.9: squarely its area, although another plugin may
 *             also answer ("ram" for memory, "crash" for docker and systemd, "load" for cpu).
 *             0.5-0.7: a loosely related word ("usage", "running"). Below 0.5 is ignored.
 *   names     words of the question the match recognised as names (not in the vocabulary).
 *   The host ignores scores under 0.5. When the best match scores 0.95 or more, only matches
 *   scoring 0.95 or more run ("which container uses the most memory?" is docker's, not the
 *   memory plugin's); otherwise the matches scoring at least (best - 0.25) run. At most 4, each
 *   through the policy gate like a model's tool call, and each result is summarized. A
 *   question about the whole server ("is everything ok?") with no match of 0.8 or more runs
 *   every plugin's checks instead.
 *
 * ---- summarize: say it in plain language ------------------------------------------------------
 *   input   {"text": " ... ", "question": "...", "capability": "docker.inspect",
 *            "arguments": {...}, "status": "ok", "result": {...}}
 *           status is "ok" (then "result" is the capability's output) or an error status name
 *           ("not_found", "unavailable", "timeout", "denied", ...; then "error" is the message).
 *   output  {"text": "plex is running, up 3 days, healthy.", "found": true, "subject": {...}}
 *   text     one or a few sentences with units; answer the question asked, not more.
 *   found    false when the answer is that the thing asked about does not exist here ("There
 *            is no container named plex."); the host drops it when another plugin found it.
 *            Default true.
 *   subject  optional object handed back as subject.data with the next question of the
 *            conversation (for example the container names, in the order they were listed).
 *
 * ---- checks: deterministic health findings ----------------------------------------------------
 *   input   {"results": [{"capability": "disk.usage", "arguments": {}, "status": "ok",
 *                         "result": {...}}, ...]}     (the profile's checks, in that order)
 *   output  {"findings": [{"severity": "critical", "check": "disk.full", "subject": "/mnt/tank",
 *                          "message": "/mnt/tank is 93% full (70 GiB free).",
 *                          "evidence": {"used_percent": 93.1}}]}
 *   severity  "ok", "warning" or "critical". Report what is fine too, as "ok" findings with a
 *             short message ("CPU 4% busy"): the health answer lists them after the problems.
 *   check     stable id "<group>.<name>" of the rule, for dashboards and notifications.
 *   Thresholds come from the plugin's settings (disk >= 90% full, ...), never from the host.
 *   A capability that failed or was denied is the plugin's to report (usually a "warning":
 *   "Docker is not reachable", so that an outage is not mistaken for health).
 *
 * ---- flags (since ABI 1.2): which functions answer at once ---------------------------------
 *   HA_ANSWERS_INSTANT_* bits say that match, summarize or checks compute over their input and
 *   the plugin's memory only (procfs and sysfs reads allowed): they never wait on anything that
 *   can hang (a socket, a command, a disk, a lock held across such a wait). The host may then
 *   run them on its own thread, as for HA_CAPABILITY_INSTANT (tools.h); a call that overruns its
 *   deadline all the same costs the plugin that function's hint until the host restarts. A
 *   match() that asks a daemon for names (containers, units) must not claim it, unless the names
 *   are read on a thread of the plugin's own and match() waits for a new read only briefly (the
 *   in-tree plugins' plugins/common/RefreshedValue.h: well under the answers deadline).
 * Limits: output of one answers call 64 KiB; vocabulary 1024 words; topics 32; matches 8;
 * findings 256. Deadlines: plugins.answers_timeout_ms (2 s) per call. Answers functions run
 * with the same sinks and cancellation as invoke(); the host never passes them secrets.
 */
#ifndef HOMELAB_ASSISTANT_ANSWERS_H
#define HOMELAB_ASSISTANT_ANSWERS_H

#include "homelab_assistant/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HA_ANSWERS_INTERFACE_V1 "homelab_assistant.answers/1"

#define HA_ANSWERS_INSTANT_MATCH 1u
#define HA_ANSWERS_INSTANT_SUMMARIZE 2u
#define HA_ANSWERS_INSTANT_CHECKS 4u

typedef struct ha_answers_v1 {
    uint32_t struct_size;
    uint32_t reserved0;

    /* [exclusive] Once, after create() and before any other answers call. May be NULL. */
    int32_t (*profile)(void *instance, const ha_call *call);

    /* [any-thread] Proposes capabilities for a question. May be NULL (never matched). */
    int32_t (*match)(void *instance, const ha_call *call);

    /* [any-thread] Words one capability result for the user. May be NULL (generic wording). */
    int32_t (*summarize)(void *instance, const ha_call *call);

    /* [any-thread] Health findings from the results of the profile's checks. May be NULL. */
    int32_t (*checks)(void *instance, const ha_call *call);

    /* ---- since 1.2: read only when HA_STRUCT_HAS(vtable, ha_answers_v1, flags) ---- */
    uint32_t flags; /* HA_ANSWERS_INSTANT_* bits, 0 for none */
    uint32_t reserved1;
} ha_answers_v1;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HOMELAB_ASSISTANT_ANSWERS_H */
