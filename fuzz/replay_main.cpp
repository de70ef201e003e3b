// File: fuzz/replay_main.cpp
//
// The main() of a fuzz target outside the fuzz preset: feeds every file
// named on the command line (a folder: every file in it) to
// LLVMFuzzerTestOneInput once, as libFuzzer would replay a corpus. A crash
// is the process's crash; a missing folder is skipped (no crashers yet).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg = argv[i];
    if (std::filesystem::is_directory(arg)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(arg))
        if (entry.is_regular_file()) files.push_back(entry.path());
      for (const auto& f : files) replay(f);
      count += files.size();
    } else if (std::filesystem::is_regular_file(arg)) {
      replay(arg);
      ++count;
    }
  }
  std::cout << "replayed " << count << " inputs\n";
  return 0;
}
