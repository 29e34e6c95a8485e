#pragma once
// The catalogue and policy documents as JSON (fed-docs), shared by
// GET /api/v1/federation/documents and the "documents" object of
// GET /api/v1/federation/status.

#include <nlohmann/json.hpp>

#include "appliance/core/result.hpp"

namespace parta::federation {
class TransportService;
}

namespace parta::web {

// {"catalogue": {...} | null, "policy": {...} | null, "refused": [...]}
core::Result<nlohmann::json> federationDocumentsJson(federation::TransportService& service);
// A school's {"releaseSchedule": "daily 18:30" | null, "lastReleased": …, "lastRunAt": …, "lastError": …}.
core::Result<nlohmann::json> federationScheduleJson(federation::TransportService& service);

}  // namespace parta::web
