#include "engine_table.h"

#include <dlfcn.h>

#include <cerrno>
#include <cstring>

namespace wd {

EngineTable::EngineTable() {
  size_t n = 0;
  const wd_engine* const* builtins = BuiltinEngines(&n);
  std::string ignored;
  for (size_t i = 0; i < n; i++) Register(builtins[i], nullptr, true, &ignored);
}

EngineTable::~EngineTable() {
  // Only destroyed once no worker can run an engine any more (device stopped).
  for (auto& e : entries_)
    if (e.library) dlclose(e.library);
}

bool EngineTable::Register(const wd_engine* engine, void* library, bool builtin,
                           std::string* error) {
  if (!engine) { *error = "engine getter returned NULL"; return false; }
  if (engine->abi_version != WD_ENGINE_ABI_VERSION) {
    *error = "engine abi_version " + std::to_string(engine->abi_version) +
             " does not match the addon's WD_ENGINE_ABI_VERSION " +
             std::to_string(WD_ENGINE_ABI_VERSION);
    return false;
  }
  if (!engine->run) { *error = "engine has no run() function"; return false; }
  if (!engine->name || !engine->name[0]) { *error = "engine has no name"; return false; }
  if (engine->first_opcode > engine->last_opcode) {
    *error = "engine opcode range is empty (first_opcode > last_opcode)";
    return false;
  }
  if (!builtin && engine->first_opcode <= WD_OP_CORE_LAST) {
    *error = "engine opcode range overlaps the core range 0x00-0x0f";
    return false;
  }
  for (const auto& e : entries_) {
    if (engine->first_opcode <= e.last_opcode && e.first_opcode <= engine->last_opcode) {
      *error = std::string("engine opcode range overlaps engine '") + e.name + "'";
      return false;
    }
  }
  entries_.push_back({engine->name, engine->first_opcode, engine->last_opcode, library});
  for (unsigned op = engine->first_opcode; op <= engine->last_opcode; op++)
    run_[op].store(engine->run, std::memory_order_release);  // pairs with Lookup()
  return true;
}

std::vector<uint32_t> EngineTable::Opcodes() const {
  std::vector<uint32_t> ops;
  for (unsigned op = 0; op < run_.size(); op++)
    if (run_[op].load(std::memory_order_relaxed)) ops.push_back(op);
  return ops;
}

void ExecuteSqe(const EngineTable& table, const wd_sqe& sqe, wd_cqe* cqe) {
  std::memset(cqe, 0, sizeof *cqe);
  if ((sqe.flags & ~WD_SQE_F_VALID_MASK) || sqe.resv0) {
    cqe->status = -EINVAL;
  } else if (EngineRun run = table.Lookup(sqe.opcode)) {
    run(&sqe, cqe);
  } else {
    cqe->status = -EOPNOTSUPP;
  }
  cqe->user_data = sqe.user_data;  // the device owns this field, not the engine
}

}  // namespace wd
