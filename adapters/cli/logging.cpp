#include "adapters/cli/logging.hpp"

#include <memory>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "engine/access/free_text.hpp"

namespace outpost::cli {
namespace {

void append_json_escaped(std::string_view in, spdlog::memory_buf_t& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char ch : in) {
    switch (ch) {
      case '"':
        out.append(std::string_view("\\\""));
        break;
      case '\\':
        out.append(std::string_view("\\\\"));
        break;
      case '\n':
        out.append(std::string_view("\\n"));
        break;
      case '\r':
        out.append(std::string_view("\\r"));
        break;
      case '\t':
        out.append(std::string_view("\\t"));
        break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20) {
          const char esc[] = {'\\', 'u', '0', '0', kHex[(ch >> 4) & 0xF], kHex[ch & 0xF]};
          out.append(esc, esc + sizeof esc);
        } else {
          out.push_back(ch);
        }
    }
  }
}

// The message with its phone and ID numbers masked (engine/access/free_text.hpp),
// whoever logged it: a log never holds them in clear.
std::string masked_message(const spdlog::details::log_msg& msg) {
  return mask_personal_numbers(std::string_view(msg.payload.data(), msg.payload.size()));
}

// %j: the masked message as the inside of a JSON string.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    append_json_escaped(masked_message(msg), dest);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

// %k: the masked message, as %v would write it.
class MaskedMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string masked = masked_message(msg);
    dest.append(masked.data(), masked.data() + masked.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<MaskedMessageFlag>();
  }
};

}  // namespace

Status setup_logging(const std::string& format, const std::string& level) {
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    return Error::make(ErrorKind::invalid, "setting log_level: unknown level " + level);
  }
  auto logger = std::make_shared<spdlog::logger>("outpost",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonMessageFlag>('j').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%j"})");
    logger->set_formatter(std::move(formatter));
  } else {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<MaskedMessageFlag>('k').set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %k");
    logger->set_formatter(std::move(formatter));
  }
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
  return Ok{};
}

}  // namespace outpost::cli
