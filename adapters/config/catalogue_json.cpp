#include "adapters/config/catalogue_json.hpp"

#include <string>
#include <utility>

#include <boost/json/parse.hpp>

#include "adapters/config/json_fields.hpp"

namespace outpost::config {
namespace {

namespace json = boost::json;

// Walks the document once, collecting every problem of its shape.
class CatalogueReader : public JsonFields {
 public:
  std::vector<Department> departments;
  std::vector<CategoryList> kinds;
  std::int64_t returns_before_arbitration = 2;
  std::int64_t rework_rounds_before_escalation = 2;

  // False when the document is not an object (nothing else is read).
  bool read(const json::value& v) {
    const json::object* root = v.if_object();
    if (root == nullptr) {
      fail("$", "must be a JSON object");
      return false;
    }
    if (const json::array* list = array(root->if_contains("departments"), "departments")) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        department((*list)[i], "departments[" + std::to_string(i) + "]");
      }
    }
    policies(root->if_contains("policies"));
    const json::value* lists = root->if_contains("categories");
    if (lists == nullptr || !lists->is_object()) {
      fail("categories", "must be a JSON object of category lists per kind");
      return true;
    }
    for (const json::key_value_pair& kv : lists->get_object()) {
      kind(kv.key(), kv.value(), "categories." + std::string(kv.key()));
    }
    return true;
  }

 private:
  // Every entry is kept, unreadable ones blank, so that the engine names
  // entries by the same index.
  void department(const json::value& v, const std::string& path) {
    Department& d = departments.emplace_back();
    const json::object* o = object_at(v, path);
    if (o == nullptr) return;
    d.code = text(*o, "code", path);
    d.name = text(*o, "name", path);
  }

  void kind(std::string_view kind, const json::value& v, const std::string& path) {
    CategoryList& into = kinds.emplace_back(CategoryList{std::string(kind), {}});
    const json::array* list = array(&v, path);
    if (list == nullptr) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      category((*list)[i], path + "[" + std::to_string(i) + "]", into.categories.emplace_back());
    }
  }

  void category(const json::value& v, const std::string& path, Category& c) {
    const json::object* o = object_at(v, path);
    if (o == nullptr) return;
    c.code = text(*o, "code", path);
    c.name = text(*o, "name", path);
    c.default_department = text(*o, "default_department", path);
    if (const json::value* limits = o->if_contains("deadlines")) {
      deadlines(*limits, path + ".deadlines", c);
    }
    if (const json::value* co = o->if_contains("co_handler")) {
      c.grid_leader_co_handles = co->is_string() && co->get_string() == "grid_leader";
      if (!c.grid_leader_co_handles)
        fail(path + ".co_handler", "must be \"grid_leader\" when given");
    }
    if (const json::value* active = o->if_contains("active")) {
      if (active->is_bool()) {
        c.active = active->get_bool();
      } else {
        fail(path + ".active", "must be true or false when given");
      }
    }
  }

  // A limit that is not a string reaches the engine as "", which it refuses.
  void deadlines(const json::value& v, const std::string& path, Category& c) {
    const json::object* o = object_at(v, path);
    if (o == nullptr) return;
    for (const json::key_value_pair& kv : *o) {
      const json::string* s = kv.value().if_string();
      c.deadlines.emplace_back(std::string(kv.key()), s != nullptr ? std::string(*s) : "");
    }
  }

  void policies(const json::value* v) {
    if (v == nullptr) return;
    const json::object* o = object_at(*v, "policies");
    if (o == nullptr) return;
    if (const json::value* n = o->if_contains("returns_before_arbitration")) {
      // Not a whole number: 0, which the engine refuses with the rule.
      returns_before_arbitration = n->is_int64() ? n->get_int64() : 0;
    }
    if (const json::value* n = o->if_contains("rework_rounds_before_escalation")) {
      // Not a whole number: -1, which the engine refuses with the rule.
      rework_rounds_before_escalation = n->is_int64() ? n->get_int64() : -1;
    }
  }
};

// Walks policies.deadlines, collecting every problem of its shape.
class DeadlineRulesReader : public JsonFields {
 public:
  DeadlineRules rules;

  void read(const json::value& doc) {
    const std::string path = "policies.deadlines";
    const json::object* root = doc.if_object();
    const json::value* policies = root ? root->if_contains("policies") : nullptr;
    const json::value* v = policies && policies->is_object()
                               ? policies->get_object().if_contains("deadlines")
                               : nullptr;
    if (v == nullptr) {
      fail(path, "is required: it maps workflow states to deadline steps");
      return;
    }
    const json::object* o = object_at(*v, path);
    if (o == nullptr) return;
    if (const json::value* w = o->if_contains("warn_at")) {
      // Not a number: -1, which the engine refuses with the rule.
      rules.warn_at = w->is_double()  ? w->get_double()
                      : w->is_int64() ? static_cast<double>(w->get_int64())
                                      : -1.0;
    }
    if (const json::value* e = o->if_contains("escalate_after")) {
      rules.escalate_after = e->is_string() ? std::string(e->get_string()) : "";
    }
    if (const json::value* r = o->if_contains("performance_reminder_before")) {
      rules.performance_reminder_before = r->is_string() ? std::string(r->get_string()) : "";
    }
    if (const json::value* s = o->if_contains("steps")) steps(*s, path + ".steps");
    if (const json::value* h = o->if_contains("holds")) holds(*h, path + ".holds");
  }

 private:
  void steps(const json::value& v, const std::string& path) {
    const json::object* kinds = object_at(v, path);
    if (kinds == nullptr) return;
    auto& into = rules.steps.emplace();
    for (const json::key_value_pair& kind : *kinds) {
      const std::string kind_path = path + "." + std::string(kind.key());
      const json::object* states = object_at(kind.value(), kind_path);
      if (states == nullptr) continue;
      for (const json::key_value_pair& st : *states) {
        const json::string* step = st.value().if_string();
        into[std::string(kind.key())][std::string(st.key())] =
            step != nullptr ? std::string(*step) : "";
      }
    }
  }

  void holds(const json::value& v, const std::string& path) {
    const json::object* kinds = object_at(v, path);
    if (kinds == nullptr) return;
    for (const json::key_value_pair& kind : *kinds) {
      const std::string kind_path = path + "." + std::string(kind.key());
      const json::array* states = kind.value().if_array();
      if (states == nullptr) {
        fail(kind_path, "must be an array of state names");
        continue;
      }
      for (const json::value& st : *states) {
        if (!st.is_string()) {
          fail(kind_path, "must be an array of state names");
          continue;
        }
        rules.holds[std::string(kind.key())].insert(std::string(st.get_string()));
      }
    }
  }
};

}  // namespace

Result<Catalogue> catalogue_from_json(const json::value& doc) {
  constexpr const char* kInvalid = "the catalogue document is invalid";
  CatalogueReader reader;
  if (!reader.read(doc)) return reader.outcome(kInvalid).error();
  return reader.conclude(
      Catalogue::make(std::move(reader.departments), std::move(reader.kinds),
                      reader.returns_before_arbitration, reader.rework_rounds_before_escalation),
      kInvalid);
}

Result<DeadlinePolicy> deadline_policy_from_json(const json::value& doc,
                                                 const Catalogue& catalogue) {
  DeadlineRulesReader reader;
  reader.read(doc);
  return reader.conclude(DeadlinePolicy::make(std::move(reader.rules), catalogue),
                         "the deadline policy in the catalogue is invalid");
}

Result<ParsedCatalogue> parse_catalogue_document(const std::string& text) {
  boost::system::error_code ec;
  const json::value doc = json::parse(text, ec);
  if (ec) {
    return Error::make(ErrorKind::malformed, "the catalogue document is not JSON: " + ec.message());
  }
  auto catalogue = catalogue_from_json(doc);
  if (!catalogue) return catalogue.error();
  auto policy = deadline_policy_from_json(doc, catalogue.value());
  if (!policy) return policy.error();
  return ParsedCatalogue{std::move(catalogue.value()), std::move(policy.value())};
}

}  // namespace outpost::config
