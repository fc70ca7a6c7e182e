// engine_table.h - opcode -> engine routing of one soft device, and the one
// function that turns an SQE into a CQE.
#pragma once

#include <warpdrive/engine.h>

#include <array>
#include <atomic>
#include <string>
#include <vector>

namespace wd {

using EngineRun = void (*)(const wd_sqe*, wd_cqe*);

struct EngineEntry {
  std::string name;
  uint8_t first_opcode;
  uint8_t last_opcode;
  void* library;  // dlopen handle, nullptr for built-ins
};

// Workers read run_[] concurrently with loadEngine() on the JS thread adding
// entries, so each slot is an atomic pointer published with release; the
// descriptive entries_ are only touched on the JS thread.
class EngineTable {
 public:
  EngineTable();
  ~EngineTable();
  EngineTable(const EngineTable&) = delete;
  EngineTable& operator=(const EngineTable&) = delete;

  // Validates abi version, range and overlap; on failure returns false with a
  // message in *error and takes no ownership of library.
  bool Register(const wd_engine* engine, void* library, bool builtin, std::string* error);
  EngineRun Lookup(uint8_t opcode) const {
    // Pairs with the release store in Register().
    return run_[opcode].load(std::memory_order_acquire);
  }
  std::vector<uint32_t> Opcodes() const;

 private:
  std::array<std::atomic<EngineRun>, 256> run_{};
  std::vector<EngineEntry> entries_;
};

// Validates the generic SQE fields, routes to the engine and fills *cqe
// (user_data included). Never fails: every problem becomes a CQE status.
void ExecuteSqe(const EngineTable& table, const wd_sqe& sqe, wd_cqe* cqe);

// The built-in NOP, COPY and CRC32 engines (engines_builtin.cc).
const wd_engine* const* BuiltinEngines(size_t* count);

}  // namespace wd
