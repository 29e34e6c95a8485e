#pragma once
// The HTTP(S) transport: Beast listener and connections. Header-light on
// purpose: Beast and Asio are compiled in server.cpp only.

#include <chrono>
#include <cstdint>
#include <memory>

#include "appliance/core/config.hpp"
#include "appliance/core/log.hpp"
#include "appliance/core/result.hpp"

namespace parta::web {

class App;

class Server {
 public:
  Server(const core::Config::Http& config, App& app, core::Logger& log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads TLS material, binds, and starts the I/O threads. Returns the bound
  // port (useful with port 0).
  core::Result<std::uint16_t> start();
  // Stops accepting, closes idle connections, lets in-flight requests
  // finish (their responses carry Connection: close), waits up to `grace`,
  // then stops the I/O threads. Idempotent.
  void shutdown(std::chrono::milliseconds grace);
  std::size_t openConnections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parta::web
