#pragma once
// The school's catalogue tables computed with SQL over its MariaDB schema
// (migrations 0002-0009 of appliance/storage). Every query groups in the
// database and returns counts per key: no row about a person is read into
// this process. What each table counts and which period it takes:
// federation/README.md, "Catalogue and aggregates".

#include <string_view>

#include "appliance/storage/pool.hpp"
#include "federation/core/aggregate_source.hpp"

namespace parta::storage {

class MariaDbAggregateSource final : public federation::AggregateSource {
 public:
  explicit MariaDbAggregateSource(ConnectionPool& pool) : pool_(pool) {}

  core::Result<federation::Table> compute(const federation::TableSpec& spec, std::string_view period) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace parta::storage
