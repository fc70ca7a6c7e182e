#include "engine_loader.h"

#include <dlfcn.h>

namespace wd {

bool LoadEngine(EngineTable& table, const std::string& library, const std::string& symbol,
                EngineEntry* out, std::string* error) {
  // RTLD_LOCAL: engines must not leak symbols into each other or the addon.
  void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    *error = "cannot load engine library '" + library + "': " + (why ? why : "unknown error");
    return false;
  }
  dlerror();
  auto get = reinterpret_cast<wd_engine_get_fn>(dlsym(handle, symbol.c_str()));
  if (!get) {
    *error = "engine library '" + library + "' has no symbol '" + symbol + "'";
    dlclose(handle);
    return false;
  }
  const wd_engine* engine = get();
  if (!table.Register(engine, handle, false, error)) {
    *error = "engine '" + library + "' rejected: " + *error;
    dlclose(handle);
    return false;
  }
  *out = {engine->name, engine->first_opcode, engine->last_opcode, handle};
  return true;
}

}  // namespace wd
