// engine_loader.h - dlopen() a plug-in engine library and register it.
#pragma once

#include <string>

#include "engine_table.h"

namespace wd {

// On success fills *out and returns true; the library stays loaded for the
// table's lifetime. On failure returns false with a message in *error.
bool LoadEngine(EngineTable& table, const std::string& library, const std::string& symbol,
                EngineEntry* out, std::string* error);

}  // namespace wd
