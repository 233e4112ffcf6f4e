// GET /v1/models -> {"object": "list", "data": [model]} and GET /v1/models/homelab-assistant ->
// model, where model is {"id": "homelab-assistant", "object": "model", "created", "owned_by"}:
// one model, the assistant, owned_by naming the provider that answers behind it ("offline",
// "groq", "openai" ...). Any other model id is a 404 model_not_found.
#pragma once

#include "http/OpenAiApiHandler.h"

namespace ha::http {

class OpenAiModelsHandler : public OpenAiApiHandler {
public:
    // modelId empty: the list.
    OpenAiModelsHandler(ApiContext& context, std::string modelId)
        : OpenAiApiHandler(context), modelId_(std::move(modelId)) {}

protected:
    void handle(HTTPServerRequest& request, HTTPServerResponse& response) override;

private:
    json::Object::Ptr model() const;

    std::string modelId_;
};

}  // namespace ha::http
