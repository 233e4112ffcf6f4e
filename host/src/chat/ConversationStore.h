// Recent turns per conversation_id, bounded in conversations (LRU), turns, bytes and age.
#pragma once

#include "answers/Subject.h"

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ha {

struct Turn {
    Turn(std::string userText, std::string answer, std::optional<Subject> about = std::nullopt)
        : user(std::move(userText)), assistant(std::move(answer)), subject(std::move(about)) {}

    std::string user;
    std::string assistant;
    std::optional<Subject> subject;  // what the answer was about (offline answers only)

    size_t bytes() const;
};

class ConversationStore {
public:
    using Clock = std::chrono::steady_clock;

    struct Limits {
        size_t maxConversations = 256;
        size_t maxTurns = 10;
        size_t maxBytes = 32 * 1024;
        std::chrono::seconds ttl{3600};
    };

    explicit ConversationStore(Limits limits, std::function<Clock::time_point()> now = &Clock::now);

    // Turns of a conversation, oldest first; empty for unknown or expired ids. [thread-safe]
    std::vector<Turn> history(const std::string& id);
    // The subject of the conversation's latest turn, if it had one. [thread-safe]
    std::optional<Subject> lastSubject(const std::string& id);
    // Adds a turn, dropping the oldest turns beyond the limits. [thread-safe]
    void append(const std::string& id, Turn turn);
    size_t size() const;

private:
    struct Conversation {
        std::deque<Turn> turns;
        size_t bytes = 0;
        Clock::time_point lastUsed;
        std::list<std::string>::iterator lruPosition;
    };
    void eraseLocked(std::string id);  // by value: callers pass list elements it erases
    void dropExpiredLocked(Clock::time_point now);

    Limits limits_;
    std::function<Clock::time_point()> now_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Conversation> conversations_;
    std::list<std::string> lru_;  // most recently used first
};

}  // namespace ha
