// Directory routes: departments and staff, read by every user, changed by
// the roles of manage_directory (config/permissions.json: admins and
// supervisors as shipped; engine/directory/directory.hpp asks, before the
// body is read).
#include <memory>
#include <type_traits>

#include <boost/json/value.hpp>

#include "adapters/config/json_fields.hpp"
#include "adapters/config/staff_json.hpp"
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

// PATCH /api/v1/staff/{id}: any of name, department, role, grid, micro_grid
// (null clears), active.
Result<StaffChange> staff_change_of(const json::value& body) {
  const json::object* o = body.if_object();
  if (o == nullptr) return Error::invalid_field("body", "must be a JSON object");
  config::JsonMembers m(*o, {});
  m.refuse_unknown({"name", "department", "role", "grid", "micro_grid", "active"},
                   "a staff member change");
  StaffChange change{m.string("name", false),         m.string("department", false),
                     m.string("role", false),         m.nullable_string("grid"),
                     m.nullable_string("micro_grid"), m.flag("active")};
  if (Status s = m.outcome("the change is not valid"); !s) return s.error();
  return change;
}

// PUT /api/v1/departments/{code}: name and/or active.
Result<DepartmentChange> department_change_of(const json::value& body) {
  const json::object* o = body.if_object();
  if (o == nullptr) return Error::invalid_field("body", "must be a JSON object");
  config::JsonMembers m(*o, {});
  m.refuse_unknown({"name", "active"}, "a department");
  DepartmentChange change{m.string("name", false), m.flag("active")};
  if (Status s = m.outcome("the department is not valid"); !s) return s.error();
  return change;
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
      auto change = authorised_body(req, actor, department_change_of);
      if (!change) return problem(change.error());
      auto put = directory_.put_department(params.get("code"), change.value(), actor);
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
      auto member = authorised_body(req, actor, config::staff_from_json);
      if (!member) return problem(member.error());
      auto created = directory_.create_staff(member.value(), actor);
      if (!created) return problem(created.error());
      return json_response(201, staff_json(created.value()))
          .with_header("Location", "/api/v1/staff/" + created.value().id);
    });
  }

  HttpResponse update_staff(const HttpRequest& req, const PathParams& params) {
    return authenticated(ctx_.auth, req, [&](const Actor& actor) {
      auto change = authorised_body(req, actor, staff_change_of);
      if (!change) return problem(change.error());
      auto updated = directory_.update_staff(params.get("id"), change.value(), actor);
      if (!updated) return problem(updated.error());
      return json_response(200, staff_json(updated.value()));
    });
  }

 private:
  // The body read by `read` once the actor may change the directory, so
  // that a caller without the right learns nothing about the body.
  template <class Read>
  auto authorised_body(const HttpRequest& req, const Actor& actor, Read read)
      -> HttpResult<std::decay_t<decltype(read(json::value{}).value())>> {
    if (Status s = directory_.authorise(actor); !s) return HttpProblem(s.error());
    auto body = parse_json_body(req);
    if (!body) return body.error();
    auto typed = read(body.value());
    if (!typed) return HttpProblem(typed.error());
    return std::move(typed.value());
  }

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
