// Directory routes: departments and staff, read by every user, changed by
// the roles of manage_directory (config/permissions.json: admins and
// supervisors as shipped; engine/directory/directory.hpp asks).
#include <memory>

#include <boost/json/value.hpp>

#include "adapters/http/api.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

json::value code_or_null(const std::string& code) {
  if (code.empty()) return nullptr;
  return json::string(code);
}

json::object department_json(const DepartmentEntry& d) {
  return {{"code", d.code}, {"name", d.name}, {"active", d.active}};
}

json::object staff_json(const StaffMember& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"department", s.department},
          {"role", s.role},
          {"grid", code_or_null(s.grid)},
          {"micro_grid", code_or_null(s.micro_grid)},
          {"active", s.active}};
}

// ?department=&grid=&role=&active=; each at most once and not empty.
Result<StaffFilter> staff_filter_of(const HttpRequest& req) {
  StaffFilter f;
  Error err{ErrorKind::invalid, "the query has invalid parameters"};
  for (const auto& [name, value] : req.query) {
    std::optional<std::string>* text = name == "department" ? &f.department
                                       : name == "grid"     ? &f.grid
                                       : name == "role"     ? &f.role
                                                            : nullptr;
    if (text == nullptr && name != "active") {
      err.fields.push_back({name, "is not a filter of this list"});
    } else if ((text != nullptr && text->has_value()) || (text == nullptr && f.active)) {
      err.fields.push_back({name, "is given more than once"});
    } else if (text != nullptr) {
      if (value.empty()) err.fields.push_back({name, "must not be empty"});
      *text = value;
    } else if (value == "true" || value == "false") {
      f.active = value == "true";
    } else {
      err.fields.push_back({name, "must be true or false"});
    }
  }
  if (!err.fields.empty()) return err;
  return f;
}

class DirectoryRoutes {
 public:
  explicit DirectoryRoutes(ApiContext& ctx)
      : ctx_(ctx), directory_(ctx.directory, ctx.jurisdiction, &ctx.cases.permissions()) {}

  HttpResponse departments(const HttpRequest& req) {
    return authenticated(ctx_.auth, req, [&](const Actor&) {
      if (!req.query.empty()) {
        return problem(
            Error::invalid_field(req.query.front().first, "is not a filter of this list"));
      }
      return items_response(ctx_.directory.list_departments(), department_json);
    });
  }

  HttpResponse put_department(const HttpRequest& req, const PathParams& params) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      auto body = parse_json_body(req);
      if (!body) return problem(body.error());
      auto put = directory_.put_department(params.get("code"), body.value(), actor);
      if (!put) return problem(put.error());
      return json_response(put.value().created ? 201 : 200,
                           department_json(put.value().department));
    });
  }

  HttpResponse staff(const HttpRequest& req) {
    return authenticated(ctx_.auth, req, [&](const Actor&) {
      auto filter = staff_filter_of(req);
      if (!filter) return problem(filter.error());
      return items_response(directory_.list_staff(filter.value()), staff_json);
    });
  }

  HttpResponse staff_member(const HttpRequest& req, const PathParams& params) {
    return authenticated(ctx_.auth, req, [&](const Actor&) {
      auto found = ctx_.directory.find_staff(params.get("id"));
      if (!found) return problem(found.error());
      if (!found.value()) {
        return problem(Error::make(ErrorKind::not_found, "no staff member with this id"));
      }
      return json_response(200, staff_json(*found.value()));
    });
  }

  HttpResponse create_staff(const HttpRequest& req) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      auto body = parse_json_body(req);
      if (!body) return problem(body.error());
      auto created = directory_.create_staff(body.value(), actor);
      if (!created) return problem(created.error());
      return json_response(201, staff_json(created.value()))
          .with_header("Location", "/api/v1/staff/" + created.value().id);
    });
  }

  HttpResponse update_staff(const HttpRequest& req, const PathParams& params) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      auto body = parse_json_body(req);
      if (!body) return problem(body.error());
      auto updated = directory_.update_staff(params.get("id"), body.value(), actor);
      if (!updated) return problem(updated.error());
      return json_response(200, staff_json(updated.value()));
    });
  }

 private:
  ApiContext& ctx_;
  Directory directory_;
};

}  // namespace

void register_directory_routes(Router& router, ApiContext& ctx) {
  auto routes = std::make_shared<DirectoryRoutes>(ctx);
  router.add("GET", "/api/v1/departments", [routes](const HttpRequest& req, const PathParams&) {
    return routes->departments(req);
  });
  router.add("PUT", "/api/v1/departments/{code}",
             [routes](const HttpRequest& req, const PathParams& p) {
               return routes->put_department(req, p);
             });
  router.add("GET", "/api/v1/staff",
             [routes](const HttpRequest& req, const PathParams&) { return routes->staff(req); });
  router.add("POST", "/api/v1/staff", [routes](const HttpRequest& req, const PathParams&) {
    return routes->create_staff(req);
  });
  router.add("GET", "/api/v1/staff/{id}", [routes](const HttpRequest& req, const PathParams& p) {
    return routes->staff_member(req, p);
  });
  router.add("PATCH", "/api/v1/staff/{id}", [routes](const HttpRequest& req, const PathParams& p) {
    return routes->update_staff(req, p);
  });
}

}  // namespace outpost::http
