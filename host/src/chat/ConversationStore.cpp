#include "chat/ConversationStore.h"

namespace ha {

size_t Turn::bytes() const {
    return user.size() + assistant.size() + (subject ? subject->textBytes() : 0);
}

ConversationStore::ConversationStore(Limits limits, std::function<Clock::time_point()> now)
    : limits_(limits), now_(std::move(now)) {}

std::vector<Turn> ConversationStore::history(const std::string& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    dropExpiredLocked(now_());
    auto it = conversations_.find(id);
    if (it == conversations_.end()) return {};
    return {it->second.turns.begin(), it->second.turns.end()};
}

std::optional<Subject> ConversationStore::lastSubject(const std::string& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    dropExpiredLocked(now_());
    auto it = conversations_.find(id);
    if (it == conversations_.end() || it->second.turns.empty()) return std::nullopt;
    return it->second.turns.back().subject;
}

void ConversationStore::append(const std::string& id, Turn turn) {
    if (limits_.maxTurns == 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = now_();
    dropExpiredLocked(now);
    auto it = conversations_.find(id);
    if (it == conversations_.end()) {
        lru_.push_front(id);
        it = conversations_.emplace(id, Conversation{}).first;
        it->second.lruPosition = lru_.begin();
    } else {
        lru_.splice(lru_.begin(), lru_, it->second.lruPosition);
    }
    Conversation& c = it->second;
    c.lastUsed = now;
    c.bytes += turn.bytes();
    c.turns.push_back(std::move(turn));
    while (!c.turns.empty() && (c.turns.size() > limits_.maxTurns || c.bytes > limits_.maxBytes)) {
        c.bytes -= c.turns.front().bytes();
        c.turns.pop_front();
    }
    if (c.turns.empty()) eraseLocked(id);
    while (conversations_.size() > limits_.maxConversations) eraseLocked(lru_.back());
}

size_t ConversationStore::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return conversations_.size();
}

void ConversationStore::eraseLocked(std::string id) {
    auto it = conversations_.find(id);
    if (it == conversations_.end()) return;
    lru_.erase(it->second.lruPosition);
    conversations_.erase(it);
}

void ConversationStore::dropExpiredLocked(Clock::time_point now) {
    // The LRU tail is the least recently used: expire from there.
    while (!lru_.empty()) {
        auto it = conversations_.find(lru_.back());
        if (now - it->second.lastUsed < limits_.ttl) break;
        eraseLocked(lru_.back());
    }
}

}  // namespace ha
