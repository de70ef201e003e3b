#include "adapters/http/statistics_output.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

#include "adapters/export/csv.hpp"
#include "adapters/export/xlsx.hpp"
#include "adapters/http/report_json.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

json::object rows_json(const StatisticsPeriodRows& p, const std::vector<FigureDefinition>& defs) {
  json::array rows;
  for (const StatisticsRow& r : p.rows) {
    json::object figures;
    for (std::size_t i = 0; i < defs.size(); ++i) {
      figures[defs[i].id] = figure_value_json(r.figures[i]);
    }
    rows.push_back(json::object{
        {"class", r.class_code.empty() ? json::value(nullptr) : json::value(r.class_code)},
        {"label", r.class_label},
        {"figures", std::move(figures)}});
  }
  return json::object{{"period", p.period}, {"rows", std::move(rows)}};
}

// Every row of the table in reading order: each period's, then the total's.
template <class Each>
void each_row(const StatisticsTable& t, Each each) {
  for (const StatisticsPeriodRows& p : t.periods) {
    for (const StatisticsRow& r : p.rows) each(p.period, r);
  }
  for (const StatisticsRow& r : t.total.rows) each(t.total.period, r);
}

std::string ratio_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

std::string period_text(const StatisticsRequest& req, std::string_view between) {
  return format_local_date(req.query.kpi.from) + std::string(between) +
         format_local_date(req.query.kpi.to);
}

}  // namespace

Result<StatisticsRequest> statistics_request_of(
    const std::vector<std::pair<std::string, std::string>>& params) {
  std::string period = "month", from, to;
  StatisticsRequest req;
  std::vector<FieldError> problems;
  for (const auto& [name, value] : params) {
    if (name == "period") {
      period = value;
    } else if (name == "from") {
      from = value;
    } else if (name == "to") {
      to = value;
    } else if (name == "format") {
      if (value == "json") {
        req.format = StatisticsFormat::json;
      } else if (value == "csv") {
        req.format = StatisticsFormat::csv;
      } else if (value == "xlsx") {
        req.format = StatisticsFormat::xlsx;
      } else {
        problems.push_back({name, "must be json, csv or xlsx"});
      }
    } else {
      problems.push_back({name, "is not a parameter of this report (period, from, to, format)"});
    }
  }
  auto query = make_statistics_query(period, from, to);
  if (!query) {
    for (const FieldError& f : query.error().fields) problems.push_back(f);
  }
  if (!problems.empty()) {
    return Error::invalid_fields(std::move(problems), "invalid statistics query");
  }
  req.query = std::move(query.value());
  return req;
}

json::value statistics_json(const StatisticsQuery& query, const StatisticsTable& table,
                            const StatisticsClasses& classes) {
  const std::vector<FigureDefinition> defs = statistics_figures();
  json::array figures;
  for (const FigureDefinition& d : defs) figures.push_back(figure_definition_json(d));
  json::array class_list;
  for (const StatisticsClass& c : classes.classes()) {
    json::array cats;
    for (const std::string& cat : c.categories) cats.emplace_back(cat);
    class_list.push_back(
        json::object{{"code", c.code}, {"label", c.label}, {"categories", std::move(cats)}});
  }
  json::array periods;
  for (const StatisticsPeriodRows& p : table.periods) periods.push_back(rows_json(p, defs));
  return json::object{{"period",
                       {{"kind", query.period == StatisticsPeriod::quarter ? "quarter" : "month"},
                        {"from", format_local_date(query.kpi.from)},
                        {"to", format_local_date(query.kpi.to)},
                        {"time_zone", "Asia/Shanghai"}}},
                      {"as_of", format_rfc3339(table.as_of)},
                      {"figures", std::move(figures)},
                      {"classes", std::move(class_list)},
                      {"periods", std::move(periods)},
                      {"total", rows_json(table.total, defs)}};
}

std::string statistics_csv(const StatisticsTable& table) {
  const std::vector<FigureDefinition> defs = statistics_figures();
  std::string out;
  csv::CsvWriter w(out);
  w.bom().ours("期间").ours("类别");
  for (const FigureDefinition& d : defs) w.ours(d.name_zh);
  w.end_row();
  each_row(table, [&](const std::string& period, const StatisticsRow& r) {
    w.ours(period).ours(r.class_label);
    for (std::size_t i = 0; i < defs.size(); ++i) {
      const FigureValue& v = r.figures[i];
      if (!v.value) {
        w.ours("");
      } else if (defs[i].unit == FigureUnit::ratio) {
        w.ours(ratio_text(*v.value));
      } else {
        w.number(static_cast<std::int64_t>(std::llround(*v.value)));
      }
    }
    w.end_row();
  });
  return out;
}

Result<std::string> statistics_xlsx(const StatisticsTable& table) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path();
  std::string path = (dir / "outpost-statistics-XXXXXX").string();
  const int fd = ::mkstemp(path.data());
  if (fd < 0) return Error::make(ErrorKind::unavailable, "no temporary file for the spreadsheet");
  ::close(fd);
  struct Remove {
    std::string path;
    ~Remove() {
      std::error_code ec;
      fs::remove(path, ec);
    }
  } remove{path};
  auto book = xlsx::XlsxWriter::open(path, dir.string());
  if (!book) return book.error();
  xlsx::XlsxWriter& w = *book.value();
  const std::vector<FigureDefinition> defs = statistics_figures();
  std::vector<xlsx::XlsxColumn> cols{{"期间", 10}, {"类别", 12}};
  for (const FigureDefinition& d : defs) cols.push_back({d.name_zh, 12});
  w.sheet("统计表", cols);
  each_row(table, [&](const std::string& period, const StatisticsRow& r) {
    w.ours(period).ours(r.class_label);
    for (std::size_t i = 0; i < defs.size(); ++i) {
      const FigureValue& v = r.figures[i];
      if (!v.value) {
        w.blank();
      } else if (defs[i].unit == FigureUnit::ratio) {
        w.percent(*v.value);
      } else {
        w.number(*v.value);
      }
    }
    w.end_row();
  });
  const std::array<xlsx::XlsxColumn, 5> def_cols{{{"指标", 16},
                                                  {"统计口径", 50},
                                                  {"编号", 24},
                                                  {"分子（定义原文）", 50},
                                                  {"分母（定义原文）", 24}}};
  w.sheet("指标说明", def_cols);
  for (const FigureDefinition& d : defs) {
    w.ours(d.name_zh)
        .ours(statistics_figure_explanation(d.id))
        .ours(d.id)
        .ours(d.numerator)
        .ours(d.denominator)
        .end_row();
  }
  if (Status s = w.close(); !s) return s.error();
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof())
    return Error::make(ErrorKind::unavailable, "the spreadsheet cannot be read");
  return bytes;
}

std::string statistics_filename(const StatisticsRequest& req) {
  const char* ext = req.format == StatisticsFormat::xlsx  ? ".xlsx"
                    : req.format == StatisticsFormat::csv ? ".csv"
                                                          : ".json";
  return "statistics-" + period_text(req, "-") + ext;
}

std::string statistics_filename_zh(const StatisticsRequest& req) {
  const std::string ascii = statistics_filename(req);
  return "人民调解统计表-" + period_text(req, "至") + ascii.substr(ascii.rfind('.'));
}

}  // namespace outpost::http
