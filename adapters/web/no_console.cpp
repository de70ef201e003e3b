// web::embedded_console() of a build without the console (-DOUTPOST_CONSOLE=OFF).
#include "adapters/web/embedded_console.hpp"

namespace outpost::web {

AssetTable embedded_console() {
  return {};
}

}  // namespace outpost::web
