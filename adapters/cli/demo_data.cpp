#include "adapters/cli/demo_data.hpp"

#include <array>
#include <random>

namespace outpost::cli {

namespace {

constexpr int kDemoDisputes = 48;
constexpr int kDemoRequests = 40;

struct Story {
  const char* category;
  const char* title;
  const char* description;
};

constexpr std::array kStories{
    Story{"neighbour", "楼上漏水影响楼下住户",
          "楼上卫生间防水层老化，楼下天花板渗水，双方就维修费用协商未果。"},
    Story{"neighbour", "邻居深夜噪音扰民", "住户反映楼上邻居多次深夜装修、聚会，影响休息。"},
    Story{"property_renovation", "老旧小区加装电梯意见分歧",
          "单元加装电梯，低层住户担心采光和噪音，不同意签字。"},
    Story{"property_renovation", "装修占用公共楼道",
          "住户装修期间长期堆放建材，占用楼道和消防通道。"},
    Story{"family_marriage", "赡养老人费用分担纠纷", "兄妹三人就母亲的赡养费和照护安排发生争执。"},
    Story{"wages_labour", "装修工人工资拖欠", "装修班组称工程完工两个月，包工头仍拖欠工资。"},
    Story{"land_contract", "菜地承包边界争议", "两户村民就相邻承包地的边界和排水沟位置发生争执。"},
    Story{"tenancy", "租房押金退还纠纷", "租客退租后房东以墙面损坏为由拒退押金。"},
    Story{"traffic", "小区内电动车剐蹭", "电动车在小区道路剐蹭停放车辆，双方对赔偿金额有分歧。"},
    Story{"other", "共用水表费用分摊", "三户共用一个水表，对水费分摊比例意见不一。"},
};

constexpr std::array kRequestStories{
    Story{"facility_repair", "楼道灯长期不亮", "3单元楼道灯坏了一个多月，老人夜间上下楼不便。"},
    Story{"facility_repair", "单元门禁损坏", "单元门禁无法关闭，外来人员随意进出。"},
    Story{"sanitation", "垃圾清运不及时", "小区垃圾站连续三天未清运，异味严重。"},
    Story{"public_order", "电动车楼道充电", "有住户在楼道内给电动车充电，存在火灾隐患。"},
    Story{"parking", "车辆占用消防通道", "夜间多辆私家车停放在消防通道上。"},
    Story{"renovation_works", "装修午休时间施工", "楼上装修中午12点至2点仍在电钻施工。"},
    Story{"elderly_care", "独居老人需要助餐", "独居老人行动不便，希望社区提供助餐服务。"},
    Story{"policy_question", "加装电梯补贴咨询", "居民询问老旧小区加装电梯的补贴标准和申请流程。"},
    Story{"suggestion", "增设休闲座椅", "建议在小区健身步道旁增设休闲座椅。"},
};

constexpr std::array kSurnames{"张", "王", "李", "刘", "陈", "杨",
                               "赵", "黄", "周", "吴", "徐", "孙"};
constexpr std::array kGivenNames{"秀英", "建国", "丽",   "伟",   "芳",
                                 "德明", "桂兰", "志强", "玉兰", "国华"};
constexpr std::array kCompounds{"西山坪家属区", "衡器厂家属区", "铁路家属区", "马坪堡安置房小区",
                                "仪材小区"};
constexpr std::array kChannels{"desk", "desk", "visit", "patrol", "phone", "meeting"};
constexpr std::array kDepartments{"grid", "police", "legal", "counselling"};
// A member of each of kDepartments on the shipped roster (config/staff.json):
// routing refuses assignees off the roster or of another department.
constexpr std::array kDepartmentStaff{"gl-LF-G01", "police-01", "legal-01", "counselling-01"};

// How far each demo request is taken along the request path.
enum class RequestStage {
  submitted,
  dispatched,
  acknowledged,
  in_progress,
  on_hold,
  resolved,
  closed,
  reworked,
  rejected,
  arbitration
};
constexpr std::array kRequestStages{
    RequestStage::submitted,   RequestStage::dispatched, RequestStage::acknowledged,
    RequestStage::in_progress, RequestStage::on_hold,    RequestStage::resolved,
    RequestStage::closed,      RequestStage::closed,     RequestStage::reworked,
    RequestStage::rejected,    RequestStage::arbitration};

// How far each demo case is taken along the dispute path.
enum class Stage {
  registered,
  accepted,
  assigned,
  mediating,
  agreed,
  follow_up,
  closed,
  declined,
  withdrawn,
  referred
};
constexpr std::array kStages{Stage::registered, Stage::accepted, Stage::assigned,  Stage::mediating,
                             Stage::mediating,  Stage::agreed,   Stage::follow_up, Stage::closed,
                             Stage::closed,     Stage::closed,   Stage::declined,  Stage::withdrawn,
                             Stage::referred};

class DemoBuilder {
 public:
  DemoBuilder(CaseService& service, const Jurisdiction& jurisdiction, const Actor& desk)
      : service_(service), jurisdiction_(jurisdiction), desk_(desk) {}

  Status build_dispute(int index) {
    const Story& story = kStories[index % kStories.size()];
    auto created = service_.create(new_case("dispute", story, index), desk_, nullptr);
    if (!created) return created.error();
    id_ = created.value().id;
    return advance(kStages[index % kStages.size()], index);
  }

  Status build_request(int index) {
    const Story& story = kRequestStories[index % kRequestStories.size()];
    auto created = service_.create(new_case("request", story, index), desk_, nullptr);
    if (!created) return created.error();
    id_ = created.value().id;
    return advance_request(kRequestStages[index % kRequestStages.size()]);
  }

 private:
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[std::uniform_int_distribution<std::size_t>(0, N - 1)(rng_)];
  }

  std::string person() { return std::string(pick(kSurnames)) + pick(kGivenNames); }

  std::string phone() {
    return "139" + std::to_string(std::uniform_int_distribution<long>(10000000, 99999999)(rng_));
  }

  NewCase new_case(const char* kind, const Story& story, int index) {
    const auto& communities = jurisdiction_.community_codes();
    const std::string community = communities[index % communities.size()];
    const auto grids = jurisdiction_.grids_of(community);
    const std::string grid = grids[(index / communities.size()) % grids.size()];
    const auto micros = jurisdiction_.micro_grids_of(grid);
    NewCase c;
    c.kind = kind;
    c.category = story.category;
    c.title = story.title;
    c.description = story.description;
    c.channel = std::string_view(kind) == "dispute" ? pick(kChannels) : "hotline";
    c.location = {community, grid, micros.empty() ? "" : std::string(micros[index % micros.size()]),
                  std::string(pick(kCompounds)) + std::to_string(1 + index % 12) + "栋"};
    c.parties.push_back({"applicant", person(), phone(), ""});
    if (std::string_view(kind) == "dispute")
      c.parties.push_back({"respondent", person(), phone(), ""});
    c.urgency = index % 7 == 0 ? "urgent" : "normal";
    c.risk_level = index % 11 == 0 ? "high" : (index % 4 == 0 ? "medium" : "low");
    return c;
  }

  Status step(const char* event, EventPayload payload = {}) {
    auto r =
        service_.apply(id_, EventCommand{event, std::move(payload), std::nullopt}, desk_, nullptr);
    if (!r) return r.error();
    return Ok{};
  }

  // Both parties agree to be mediated (Art. 17), one in writing, one orally,
  // and the applicant accepts the assigned mediator.
  Status consent_all(int index) {
    for (std::int64_t party : {1, 2}) {
      if (Status s = step(
              "record_consent",
              {{"party", party}, {"consent", "agree"}, {"form", party == 1 ? "written" : "oral"}});
          !s)
        return s;
    }
    return step("accept_mediator",
                {{"party", std::int64_t{1}},
                 {"mediator", std::string(kDepartmentStaff[index % kDepartments.size()])},
                 {"form", "written"}});
  }

  Status advance(Stage stage, int index) {
    if (stage == Stage::registered) return Ok{};
    if (stage == Stage::declined) {
      return step("decline",
                  {{"reason", "不属于人民调解受理范围"}, {"route", "告知当事人可向法院起诉"}});
    }
    if (stage == Stage::withdrawn) return step("withdraw", {{"reason", "一方当事人明确拒绝调解"}});
    if (Status s = step("accept"); !s) return s;
    if (stage == Stage::accepted) return Ok{};
    if (Status s = step(
            "assign", {{"department", kDepartments[index % kDepartments.size()]},
                       {"assignees",
                        std::vector<std::string>{kDepartmentStaff[index % kDepartments.size()]}}});
        !s) {
      return s;
    }
    if (stage == Stage::assigned) return Ok{};
    if (Status s = consent_all(index); !s) return s;
    if (index % 11 == 0) {
      if (Status s = step("report_risk", {{"reported_to", "龙凤桥派出所"},
                                          {"detail", "双方情绪激动，存在冲突风险"}});
          !s)
        return s;
    }
    if (Status s = step("start_mediation"); !s) return s;
    if (Status s =
            step("record_session", {{"summary", "召集双方到前哨站面对面协商，初步达成意向"}});
        !s)
      return s;
    if (stage == Stage::mediating) return Ok{};
    if (stage == Stage::referred) {
      if (Status s = step("fail_mediation",
                          {{"reason", "双方分歧较大"}, {"route", "告知可申请仲裁或诉讼"}});
          !s)
        return s;
      return step("refer", {{"to", "court"}});
    }
    if (Status s = step("reach_agreement", {{"form", "oral"},
                                            {"facts", "一方房屋漏水致另一方财物受损"},
                                            {"issues", "维修费用的承担"},
                                            {"terms", "责任方承担维修费用并于约定日期前完成维修"},
                                            {"performance_method", "责任方出资并安排维修"},
                                            {"performance_due", "2026-12-31"}});
        !s) {
      return s;
    }
    if (stage == Stage::agreed) return Ok{};
    if (Status s = step("confirm_performance"); !s) return s;
    if (stage == Stage::follow_up) return Ok{};
    if (Status s = step("record_follow_up",
                        {{"satisfaction", index % 5 == 0 ? "basically_satisfied" : "satisfied"},
                         {"note", "电话回访，当事人表示协议已履行"}});
        !s) {
      return s;
    }
    return step("close");
  }

  Status advance_request(RequestStage stage) {
    if (stage == RequestStage::submitted) return Ok{};
    if (stage == RequestStage::rejected) {
      return step("reject", {{"reason", "诉求内容不属于社区受理范围，已告知当事人"}});
    }
    if (stage == RequestStage::arbitration) {
      for (const char* reason : {"不属于本部门职责", "该楼栋无物业，无法承接"}) {
        if (Status s = step("dispatch"); !s) return s;
        if (Status s = step("return_dispatch", {{"reason", reason}}); !s) return s;
      }
      return Ok{};
    }
    if (Status s = step("dispatch"); !s) return s;
    if (stage == RequestStage::dispatched) return Ok{};
    if (Status s = step("acknowledge"); !s) return s;
    if (stage == RequestStage::acknowledged) return Ok{};
    if (Status s = step("start_work"); !s) return s;
    if (stage == RequestStage::in_progress) return Ok{};
    if (stage == RequestStage::on_hold) return step("hold", {{"reason", "多次联系诉求人未接通"}});
    if (Status s = step("resolve", {{"resolution", "已安排人员现场处理完毕"}}); !s) return s;
    if (stage == RequestStage::resolved) return Ok{};
    if (stage == RequestStage::reworked) {
      return step("record_follow_up",
                  {{"satisfaction", "dissatisfied"}, {"note", "问题反复出现，要求重办"}});
    }
    return step("record_follow_up",
                {{"satisfaction", "satisfied"}, {"note", "电话回访，诉求人表示满意"}});
  }

  CaseService& service_;
  const Jurisdiction& jurisdiction_;
  const Actor& desk_;
  std::mt19937 rng_{20261126};
  CaseId id_ = 0;
};

}  // namespace

Result<int> seed_demo_data(CaseService& service, CaseStore& store, const Jurisdiction& jurisdiction,
                           const Catalogue& catalogue, const Actor& desk) {
  auto count = store.count_cases();
  if (!count) return count.error();
  if (count.value() > 0) return 0;
  DemoBuilder builder(service, jurisdiction, desk);
  int created = 0;
  for (int i = 0; i < kDemoDisputes; ++i) {
    if (!catalogue.find_category("dispute", kStories[i % kStories.size()].category)) continue;
    if (Status s = builder.build_dispute(i); !s) return s.error();
    ++created;
  }
  for (int i = 0; i < kDemoRequests; ++i) {
    if (!catalogue.find_category("request", kRequestStories[i % kRequestStories.size()].category))
      continue;
    if (Status s = builder.build_request(i); !s) return s.error();
    ++created;
  }
  return created;
}

}  // namespace outpost::cli
