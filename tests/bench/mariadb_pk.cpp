// Baseline for the journal benchmarks: how many primary-key reads a second
// MariaDB answers over Connector/C++ on this machine, with no HTTP, JSON or
// access checks in the way. Two threads (the machine's two cores), each on
// its own connection, run `SELECT … FROM people WHERE id = ?` with a bound
// id in a loop for the given seconds and count the rows read.
//
//   bench_mariadb_pk SOCKET DATABASE [SECONDS=10] [THREADS=2]

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <cppconn/connection.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_driver.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s SOCKET DATABASE [SECONDS] [THREADS]\n", argv[0]);
    return 64;
  }
  const std::string socket = argv[1], database = argv[2];
  const int seconds = argc > 3 ? std::atoi(argv[3]) : 10;
  const int threads = argc > 4 ? std::atoi(argv[4]) : 2;
  sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
  std::atomic<long long> total{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> workers;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      try {
        driver->threadInit();
        sql::ConnectOptionsMap options;
        options["hostName"] = std::string("localhost");
        options["userName"] = std::string("root");
        options["password"] = std::string();
        options["socket"] = socket;
        options["schema"] = database;
        std::unique_ptr<sql::Connection> c(driver->connect(options));
        std::unique_ptr<sql::PreparedStatement> maxId(c->prepareStatement("SELECT MAX(id) FROM people"));
        std::unique_ptr<sql::ResultSet> m(maxId->executeQuery());
        m->next();
        const auto top = m->getUInt64(1);
        std::unique_ptr<sql::PreparedStatement> s(
            c->prepareStatement("SELECT id, surname, first_name, patronymic FROM people WHERE id = ?"));
        long long n = 0;
        std::uint64_t id = static_cast<std::uint64_t>(t) * 7919;
        while (std::chrono::steady_clock::now() < until) {
          for (int i = 0; i < 64; ++i) {
            id = id * 6364136223846793005ULL + 1442695040888963407ULL;
            s->setUInt64(1, 1 + (id >> 33) % top);
            std::unique_ptr<sql::ResultSet> r(s->executeQuery());
            while (r->next()) ++n;
          }
        }
        total += n;
        driver->threadEnd();
      } catch (const sql::SQLException& e) {
        std::fprintf(stderr, "bench_mariadb_pk: %s\n", e.what());
        failed = true;
      }
    });
  for (auto& w : workers) w.join();
  if (failed) return 1;
  std::printf("%.0f\n", static_cast<double>(total.load()) / seconds);
  return 0;
}
