// File: tests/http/python_check.hpp
//
// Runs one of the tests' Python readers (tests/http/export_csv_check.py,
// xlsx_check.py) on a response body, as a user's tools would read the file,
// and returns the JSON it prints:
//
//   const json::value book = python_check("xlsx_check.py", r.body, ".xlsx");
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include <doctest/doctest.h>
#include <boost/json.hpp>

namespace outpost::testing {

// Runs a shell command: its exit code (-1 when it did not exit) and what it
// printed on stdout.
inline std::pair<int, std::string> run_shell(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// Runs `command` (a Python reader with its arguments; its stderr joins its
// output), requires it to exit 0 and returns the JSON it printed.
inline boost::json::value python_json(const std::string& command) {
  const auto [exit_code, out] = run_shell(command + " 2>&1");
  REQUIRE_MESSAGE(exit_code == 0, out);
  return boost::json::parse(out);
}

inline boost::json::value python_check(const std::string& script, const std::string& body,
                                       const std::string& extension) {
  namespace fs = std::filesystem;
  const fs::path file =
      fs::temp_directory_path() / ("outpost-check-" + std::to_string(::getpid()) + extension);
  std::ofstream(file, std::ios::binary) << body;
  struct Remove {
    const fs::path& file;
    ~Remove() {
      std::error_code ec;
      fs::remove(file, ec);
    }
  } remove{file};
  return python_json("/usr/bin/python3 " OUTPOST_SOURCE_DIR "/tests/http/" + script + " " +
                     file.string());
}

}  // namespace outpost::testing
