#include "resources.h"

namespace wd {

ResourceCounters& Resources() {
  // Never destroyed: worker threads may still decrement while the process exits.
  static ResourceCounters* counters = new ResourceCounters();
  return *counters;
}

}  // namespace wd
