// File: adapters/web/embedded_console.hpp
//
// The console's built files (adapters/web/console, `npm run build`), embedded
// into the binary at build time by adapters/web/CMakeLists.txt: each file's
// bytes come from an `.incbin` in a generated assembler file, the table that
// names them from a generated .cpp. Empty when the build was configured with
// -DOUTPOST_CONSOLE=OFF.
//
//   const web::AssetServer console{web::embedded_console()};
#pragma once

#include "adapters/web/assets.hpp"

namespace outpost::web {

// The paths are relative to the console's root ("index.html",
// "assets/index-B1a2c3D4.js"); each call copies the bytes.
AssetTable embedded_console();

}  // namespace outpost::web
