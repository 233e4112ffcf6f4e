#include "http/OpenAiModelsHandler.h"

#include "http/OpenAiChatRequest.h"
#include "util/Text.h"

#include <ctime>

namespace ha::http {

namespace {

// "created" of the one model: when this server started (it has no other birthday).
const std::time_t kStartedAt = std::time(nullptr);

}  // namespace

json::Object::Ptr OpenAiModelsHandler::model() const {
    auto m = json::object();
    m->set("id", OpenAiChatRequest::kModelId);
    m->set("object", "model");
    m->set("created", static_cast<Poco::Int64>(kStartedAt));
    m->set("owned_by", ctx_.orchestrator.provider().name());
    return m;
}

void OpenAiModelsHandler::handle(HTTPServerRequest& request, HTTPServerResponse& response) {
    requireMethod(request, "GET");
    authenticate(request, response);
    if (!modelId_.empty()) {
        if (modelId_ != OpenAiChatRequest::kModelId) {
            throw HttpError(404, "The model '" + text::truncateUtf8(modelId_, 100) + "' does not exist", {},
                            "model_not_found");
        }
        sendJson(response, 200, model());
        return;
    }
    auto data = json::array();
    data->add(model());
    auto body = json::object();
    body->set("object", "list");
    body->set("data", data);
    sendJson(response, 200, body);
}

}  // namespace ha::http
