#pragma once
// The port through which a school computes a catalogue table from its own
// records (DESIGN.md §5). The adapter (federation/storage) runs SQL over the
// school's schema; person-level rows never leave it: what comes back is a
// Table of counts per key, persons per key and, for measures, numerator and
// denominator.

#include <string_view>

#include "appliance/core/result.hpp"
#include "federation/core/catalogue.hpp"
#include "federation/core/table.hpp"

namespace parta::federation {

class AggregateSource {
 public:
  virtual ~AggregateSource() = default;
  // `period` as the spec's periodKind says (catalogue.hpp). invalid_argument
  // for a malformed period; failed_precondition for a table this school
  // does not know how to compute (an unknown id, or dimensions other than
  // the ones it computes for that id).
  virtual core::Result<Table> compute(const TableSpec& spec, std::string_view period) = 0;
};

}  // namespace parta::federation
