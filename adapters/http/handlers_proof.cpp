// History proof routes (docs/PROOF.md, engine/proof/history_proofs.hpp), for
// the roles of Action::verify_history:
//   GET /api/v1/cases/{id}/history/verify          chain + inclusion against the signed checkpoint
//   GET /api/v1/history/checkpoints/latest         the latest signed note and the verifier key
//   GET /api/v1/history/proofs/inclusion?case_id=&seq=|leaf_index=[&tree_size=]
//   GET /api/v1/history/proofs/consistency?from=&to=
//   GET /api/v1/exports/audit-bundle?cases=1,2,3  (or ?audit=ID: the audit's sample)
#include <memory>

#include <boost/json/value.hpp>

#include "adapters/http/api.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/proof_json.hpp"
#include "engine/audits/audit_service.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxBundleCases = 500;

// The query's integer parameters by name; unknown or bad ones are named in `err`.
std::map<std::string, std::int64_t> int_params(const HttpRequest& req,
                                               std::initializer_list<std::string_view> names,
                                               Error& err) {
  std::map<std::string, std::int64_t> out;
  for (const auto& [name, value] : req.query) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      err.fields.push_back({name, "is not a parameter of this request"});
      continue;
    }
    auto n = parse_int(value);
    if (!n || *n < 0) {
      err.fields.push_back({name, "must be a non-negative integer"});
    } else {
      out[name] = *n;
    }
  }
  return out;
}

// The cases of a bundle: `cases=1,2,3`, or `audit=ID` for an audit's drawn
// sample (the caller must be allowed to read that audit).
Result<std::vector<CaseId>> case_list(const HttpRequest& req, ApiContext& ctx, const Actor& actor) {
  std::vector<CaseId> ids;
  for (const auto& [name, value] : req.query) {
    if (name == "audit") {
      auto id = parse_int(value);
      if (!id || *id <= 0) return Error::invalid_field("audit", "must be an audit id");
      if (ctx.audits == nullptr) return Error(ErrorKind::not_found, "audits are not served here");
      auto audit = ctx.audits->get(*id, actor);
      if (!audit) return audit.error();
      if (!audit.value().sample) {
        return Error::invalid_field("audit", "has no sample drawn yet");
      }
      for (CaseId c : audit.value().sample->draw.case_ids) ids.push_back(c);
      continue;
    }
    if (name != "cases") return Error::invalid_field(name, "is not a parameter of this export");
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      auto id = parse_int(rest.substr(0, comma));
      if (!id || *id <= 0)
        return Error::invalid_field("cases", "must be case ids separated by commas");
      ids.push_back(*id);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  if (ids.empty()) {
    return Error::invalid_field("cases", "is required: case ids separated by commas (or audit=ID)");
  }
  if (ids.size() > kMaxBundleCases) {
    return Error::invalid_field("cases", "at most " + std::to_string(kMaxBundleCases) + " cases");
  }
  return ids;
}

class ProofRoutes {
 public:
  ProofRoutes(ApiContext& ctx, HistoryProofs& proofs, ProofStore& store)
      : ctx_(ctx), proofs_(proofs), store_(store) {}

  template <class F>
  HttpResponse allowed(const HttpRequest& req, F&& f) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      if (Status s = ctx_.cases.permissions().check(Action::verify_history, actor); !s) {
        return problem(s.error());
      }
      return f(actor);
    });
  }

  HttpResponse verify(const HttpRequest& req, const PathParams& params) {
    return allowed(req, [&](const Actor& actor) {
      auto id = case_id_of(params);
      if (!id) return problem(id.error());
      auto history = ctx_.cases.history(id.value(), actor);  // unknown or out of scope: 404
      if (!history) return problem(history.error());
      auto report = proofs_.verify_case(id.value(), history.value());
      if (!report) return problem(report.error());
      return json_response(200, verification_to_json(report.value()));
    });
  }

  HttpResponse latest(const HttpRequest& req) {
    return allowed(req, [&](const Actor&) {
      auto cp = store_.latest_checkpoint();
      if (!cp) return problem(cp.error());
      if (!cp.value()) {
        return problem(Error(ErrorKind::not_found, "no checkpoint has been signed yet"));
      }
      return json_response(200, checkpoint_to_json(*cp.value(), proofs_.verifier()));
    });
  }

  HttpResponse inclusion(const HttpRequest& req) {
    return allowed(req, [&](const Actor& actor) {
      Error err{ErrorKind::invalid, "the query has invalid parameters"};
      auto p = int_params(req, {"case_id", "seq", "leaf_index", "tree_size"}, err);
      const bool by_entry = p.count("case_id") && p.count("seq");
      if (err.fields.empty() && by_entry == (p.count("leaf_index") != 0)) {
        err.fields.push_back({"leaf_index", "give either leaf_index or case_id and seq"});
      }
      if (!err.fields.empty()) return problem(err);
      auto size = tree_size_of(p);
      if (!size) return problem(size.error());
      std::optional<LogLeaf> leaf;
      if (by_entry) {
        if (auto c = ctx_.cases.get(p["case_id"], actor); !c) return problem(c.error());
        auto leaves = store_.leaves_of(p["case_id"]);
        if (!leaves) return problem(leaves.error());
        for (const LogLeaf& l : leaves.value()) {
          if (l.seq == p["seq"]) leaf = l;
        }
      } else {
        auto found = store_.leaf_at(p["leaf_index"]);
        if (!found) return problem(found.error());
        leaf = found.value();
      }
      if (!leaf) return problem(Error(ErrorKind::not_found, "the entry is not in the log yet"));
      auto path = store_.inclusion_proof(leaf->leaf_index, size.value());
      if (!path) return problem(path.error());
      auto root = store_.root_at(size.value());
      if (!root) return problem(root.error());
      return json_response(200, json::object{{"case_id", leaf->case_id},
                                             {"seq", leaf->seq},
                                             {"leaf_index", leaf->leaf_index},
                                             {"leaf_hash", proof::to_base64(leaf->leaf_hash)},
                                             {"tree_size", size.value()},
                                             {"root_hash", proof::to_base64(root.value())},
                                             {"proof", hashes_to_json(path.value())}});
    });
  }

  HttpResponse consistency(const HttpRequest& req) {
    return allowed(req, [&](const Actor&) {
      Error err{ErrorKind::invalid, "the query has invalid parameters"};
      auto p = int_params(req, {"from", "to"}, err);
      if (err.fields.empty() && (!p.count("from") || !p.count("to"))) {
        err.fields.push_back({"from", "from and to are required"});
      }
      if (!err.fields.empty()) return problem(err);
      auto path = store_.consistency_proof(p["from"], p["to"]);
      if (!path) return problem(path.error());
      auto from_root = store_.root_at(p["from"]);
      auto to_root = store_.root_at(p["to"]);
      if (!from_root) return problem(from_root.error());
      if (!to_root) return problem(to_root.error());
      return json_response(200, json::object{{"from", p["from"]},
                                             {"to", p["to"]},
                                             {"from_root", proof::to_base64(from_root.value())},
                                             {"to_root", proof::to_base64(to_root.value())},
                                             {"proof", hashes_to_json(path.value())}});
    });
  }

  HttpResponse bundle(const HttpRequest& req) {
    return allowed(req, [&](const Actor& actor) {
      auto ids = case_list(req, ctx_, actor);
      if (!ids) return problem(ids.error());
      std::vector<std::pair<Case, std::vector<HistoryEntry>>> cases;
      for (CaseId id : ids.value()) {
        auto c = ctx_.cases.get(id, actor);
        if (!c) return problem(c.error());
        auto history = ctx_.cases.history(id, actor);
        if (!history) return problem(history.error());
        cases.emplace_back(std::move(c.value()), std::move(history.value()));
      }
      auto built = proofs_.bundle(cases);
      if (!built) return problem(built.error());
      HttpResponse res = json_response(200, bundle_to_json(built.value(), proofs_.verifier()));
      res.headers.emplace_back("Content-Disposition", "attachment; filename=\"audit-bundle.json\"");
      return res;
    });
  }

 private:
  // tree_size, or the latest checkpoint's when absent.
  Result<std::int64_t> tree_size_of(std::map<std::string, std::int64_t>& p) {
    if (p.count("tree_size")) return p["tree_size"];
    auto cp = store_.latest_checkpoint();
    if (!cp) return cp.error();
    if (!cp.value()) return Error(ErrorKind::not_found, "no checkpoint has been signed yet");
    return cp.value()->tree_size;
  }

  ApiContext& ctx_;
  HistoryProofs& proofs_;
  ProofStore& store_;
};

}  // namespace

void register_proof_routes(Router& router, ApiContext& ctx) {
  if (ctx.proofs == nullptr || ctx.proof_store == nullptr) return;
  auto routes = std::make_shared<ProofRoutes>(ctx, *ctx.proofs, *ctx.proof_store);
  router.add(
      "GET", "/api/v1/cases/{id}/history/verify",
      [routes](const HttpRequest& req, const PathParams& p) { return routes->verify(req, p); });
  router.add("GET", "/api/v1/history/checkpoints/latest",
             [routes](const HttpRequest& req, const PathParams&) { return routes->latest(req); });
  router.add(
      "GET", "/api/v1/history/proofs/inclusion",
      [routes](const HttpRequest& req, const PathParams&) { return routes->inclusion(req); });
  router.add(
      "GET", "/api/v1/history/proofs/consistency",
      [routes](const HttpRequest& req, const PathParams&) { return routes->consistency(req); });
  router.add("GET", "/api/v1/exports/audit-bundle",
             [routes](const HttpRequest& req, const PathParams&) { return routes->bundle(req); });
}

}  // namespace outpost::http
