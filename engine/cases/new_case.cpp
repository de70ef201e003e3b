#include "engine/cases/new_case.hpp"

#include <array>
#include <cctype>
#include <string_view>

namespace outpost {
namespace {

constexpr std::array kKinds{"dispute", "request"};
constexpr std::array kChannels{"desk", "phone", "visit", "patrol", "online", "hotline", "meeting"};
constexpr std::array kPartyRoles{"applicant", "respondent", "other"};
constexpr std::array kUrgencies{"normal", "urgent"};
constexpr std::array kRiskLevels{"low", "medium", "high"};

template <std::size_t N>
bool one_of(std::string_view v, const std::array<const char*, N>& options) {
  for (const char* o : options) {
    if (v == o) return true;
  }
  return false;
}

// Collects the broken rules of one command.
class Rules {
 public:
  void fail(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }

  // A text the case needs (required) or may have, at most `max_bytes` long.
  void text(const std::string& value, const std::string& field, bool required,
            std::size_t max_bytes) {
    if (required && value.empty()) fail(field, "is required");
    if (value.size() > max_bytes) {
      fail(field, "is longer than " + std::to_string(max_bytes) + " bytes");
    }
  }

  // One of `options`; empty is allowed when the field has a default.
  template <std::size_t N>
  void choice(const std::string& value, const std::string& field,
              const std::array<const char*, N>& options, bool has_default) {
    if (value.empty()) {
      if (!has_default) fail(field, "is required");
      return;
    }
    if (one_of(value, options)) return;
    std::string text = "must be one of:";
    for (const char* o : options) text += std::string(" ") + o;
    fail(field, std::move(text));
  }

  std::vector<FieldError> take() { return std::move(errors_); }
  bool empty() const { return errors_.empty(); }

 private:
  std::vector<FieldError> errors_;
};

void check_location(Rules& r, const Location& loc, const Jurisdiction& jurisdiction) {
  r.text(loc.community, "location.community", true, 64);
  r.text(loc.grid, "location.grid", true, 64);
  r.text(loc.micro_grid, "location.micro_grid", false, 64);
  r.text(loc.address, "location.address", false, 500);
  if (!loc.community.empty() && !jurisdiction.has_community(loc.community)) {
    r.fail("location.community", "unknown community code");
  }
  if (!loc.grid.empty()) {
    const auto community = jurisdiction.community_of_grid(loc.grid);
    if (community.empty()) {
      r.fail("location.grid", "unknown grid code");
    } else if (community != loc.community) {
      r.fail("location.grid", "grid does not belong to the community");
    }
  }
  if (!loc.micro_grid.empty() && jurisdiction.grid_of_micro_grid(loc.micro_grid) != loc.grid) {
    r.fail("location.micro_grid", "unknown micro-grid code or not in the grid");
  }
}

void check_parties(Rules& r, const std::vector<Party>& parties, std::string_view kind) {
  if (parties.size() > kMaxParties) r.fail("parties", "has more than 50 entries");
  int applicants = 0, respondents = 0;
  for (std::size_t i = 0; i < parties.size() && i < kMaxParties; ++i) {
    const Party& p = parties[i];
    const std::string path = "parties[" + std::to_string(i) + "]";
    r.choice(p.role, path + ".role", kPartyRoles, false);
    r.text(p.name, path + ".name", true, 200);
    r.text(p.phone, path + ".phone", false, 40);
    r.text(p.id_number, path + ".id_number", false, 40);
    if (!p.phone.empty() && !valid_phone(p.phone)) r.fail(path + ".phone", "is not a phone number");
    if (!p.id_number.empty() && !valid_id_number(p.id_number)) {
      r.fail(path + ".id_number",
             "must be 18 characters (17 digits and a digit or X) or 15 digits");
    }
    applicants += p.role == "applicant";
    respondents += p.role == "respondent";
  }
  if (applicants == 0) r.fail("parties", "needs at least one applicant");
  if (kind == "dispute" && respondents == 0) {
    r.fail("parties", "a dispute needs at least one respondent");
  }
}

}  // namespace

bool valid_phone(std::string_view p) {
  if (p.size() < 5 || p.size() > 20) return false;
  for (char ch : p) {
    if (!(std::isdigit(static_cast<unsigned char>(ch)) || ch == '+' || ch == '-' || ch == ' ')) {
      return false;
    }
  }
  return true;
}

bool valid_id_number(std::string_view id) {
  if (id.size() != 18 && id.size() != 15) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool last = i + 1 == id.size();
    const char ch = id[i];
    if (!std::isdigit(static_cast<unsigned char>(ch)) &&
        !(last && id.size() == 18 && (ch == 'X' || ch == 'x'))) {
      return false;
    }
  }
  return true;
}

Result<Case> draft_case(const NewCase& cmd, const Catalogue& catalogue,
                        const Jurisdiction& jurisdiction, const WorkflowRegistry& workflows) {
  Rules r;
  r.choice(cmd.kind, "kind", kKinds, false);
  const std::optional<CaseKind> kind = parse_case_kind(cmd.kind);
  if (kind && !workflows.find(*kind)) {
    r.fail("kind", "kind '" + cmd.kind + "' has no workflow in this release");
  }
  r.text(cmd.category, "category", true, 64);
  if (!cmd.category.empty() && !cmd.kind.empty()) {
    const Category* category = catalogue.find_category(cmd.kind, cmd.category);
    if (category == nullptr) {
      r.fail("category", "unknown category code for kind '" + cmd.kind + "'");
    } else if (!category->active) {
      r.fail("category", "类别“" + category->name + "”已停用，不再登记新案件 (category '" +
                             cmd.category + "' is retired: no new cases)");
    }
  }
  r.text(cmd.title, "title", true, kMaxTitleBytes);
  r.text(cmd.description, "description", false, kMaxDescriptionBytes);
  r.choice(cmd.channel, "channel", kChannels, false);
  check_location(r, cmd.location, jurisdiction);
  check_parties(r, cmd.parties, cmd.kind);
  r.choice(cmd.urgency, "urgency", kUrgencies, true);
  r.choice(cmd.risk_level, "risk_level", kRiskLevels, true);
  if (!r.empty()) {
    Error e{ErrorKind::invalid, "the case has invalid fields"};
    e.fields = r.take();
    return e;
  }
  Case c;
  c.kind = *kind;
  c.category = cmd.category;
  c.title = cmd.title;
  c.description = cmd.description;
  c.channel = cmd.channel;
  c.location = cmd.location;
  c.parties = cmd.parties;
  c.urgency = cmd.urgency.empty() ? "normal" : cmd.urgency;
  c.risk_level = cmd.risk_level.empty() ? "low" : cmd.risk_level;
  c.confidential = cmd.confidential;
  return c;
}

}  // namespace outpost
