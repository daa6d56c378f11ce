// Opening balances (期初余额) of batch allocation: what each applicant had
// used before this run, per running total (累计 F = M…, 限额 … 每 申请人 … 已用
// F), so that a year split over several runs keeps its tallies.
//
//   - the opening-balances file: one line an applicant (JSONL
//     {"applicant": …, "facts": {F: …}} or CSV applicant,F,…), giving the
//     已用 facts of running totals, and for a total kept per 按 G also G;
//   - a line of the year that gives F states the applicant's usage before it:
//     the total continues from that figure (carry_given).
// Each total starts from its opening before every pass over the records
// (seed_openings), exactly as if earlier funded applications had added it.
#include <algorithm>
#include <istream>
#include <variant>

#include <fmt/format.h>

#include "base/csv.hpp"
#include "base/date.hpp"
#include "base/source.hpp"
#include "base/utf8.hpp"
#include "services/allocate_impl.hpp"
#include "services/csv.hpp"

namespace kuan {

namespace {
using OpeningPeriod = AllocatorData::OpeningPeriod;

// An opening line's 期间 as written: "2025" (or "2025年"), a calendar year, or
// "2025-01-01 至 2027-12-31", a stated period; or why it is neither.
std::variant<OpeningPeriod, std::string> parse_period(std::string_view text) {
  auto trim = [](std::string_view t) {
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    return t;
  };
  std::string_view t = trim(text);
  const std::string bad = "期间 \"" + echo(text) + "\" 无效:写年份(如 2025)或 YYYY-MM-DD 至 YYYY-MM-DD";
  if (t.size() >= 4 + 3 && t.substr(t.size() - 3) == "年") t.remove_suffix(3);
  // parse_date takes any four-digit year, 0000 too; a usage record is from a real year.
  const auto first_day = *parse_date("1900-01-01");
  const std::string out_of_range = "期间 \"" + echo(text) + "\" 无效:年份须在 1900 至 9999 之间";
  if (t.size() == 4 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    const auto from = parse_date(std::string(t) + "-01-01"), to = parse_date(std::string(t) + "-12-31");
    if (!from || !to) return bad;
    if (*from < first_day) return out_of_range;
    return OpeningPeriod{true, *from, *to};
  }
  const std::size_t sep = t.find("至");
  if (sep == std::string_view::npos) return bad;
  const auto from = parse_date(trim(t.substr(0, sep))), to = parse_date(trim(t.substr(sep + 3)));
  if (!from || !to) return bad;
  if (*from < first_day || *to < first_day) return out_of_range;
  if (*to < *from) return "期间 \"" + echo(text) + "\" 的结束日期早于开始日期";
  return OpeningPeriod{false, *from, *to};
}

// The running total whose 已用 fact is `slot`, or -1 (a 全年 total is not running).
int running_total_of(const ::kuan::Edition& ed, int slot) {
  for (std::size_t a = 0; a < ed.accumulations.size(); ++a)
    if (ed.accumulations[a].fact == slot && ed.accumulations[a].source < 0) return static_cast<int>(a);
  return -1;
}
}  // namespace

std::optional<AllocationError> AllocatorData::keep_opening(std::size_t line, std::string_view applicant,
                                                           const std::vector<std::pair<int, Value>>& given,
                                                           const std::vector<std::size_t>& columns,
                                                           const std::optional<OpeningPeriod>& period,
                                                           std::size_t period_column) {
  auto fail = [&](std::size_t column, int slot, std::string message) {
    return allocation_error(line, column, slot >= 0 ? ed.facts[slot].decl->name : std::string(), "", std::move(message));
  };
  if (applicant.empty()) return fail(0, -1, "缺少 applicant(期初余额属于哪个申请人)");
  // Which facts are group values of the totals given on this line.
  std::vector<char> is_group(ed.facts.size(), 0);
  for (const auto& [slot, value] : given)
    if (const int a = running_total_of(ed, slot); a >= 0 && ed.accumulations[a].group_fact >= 0)
      is_group[ed.accumulations[a].group_fact] = 1;
  for (std::size_t k = 0; k < given.size(); ++k) {
    const auto& [slot, value] = given[k];
    const int a = running_total_of(ed, slot);
    if (a < 0) {
      if (is_group[slot]) continue;
      return fail(columns[k], slot,
                  "事实 " + ed.facts[slot].decl->name +
                      " 不是累计(或 限额 … 每 申请人)的已用事实,不能作期初余额;期初余额文件每行给出 applicant 和各累计事实的已用数");
    }
    const AccumulationInfo& acc = ed.accumulations[a];
    if (period) {  // of the kind the total is kept by: a year, or a stated period
      const bool yearly = acc.period_from == 0 && acc.period_to == 0;
      if (yearly && !period->year)
        return fail(period_column, -1,
                    "累计事实 " + ed.facts[slot].decl->name + " 按年计(期间 每年):期间须写年份,如 2025");
      if (!yearly && period->year)
        return fail(period_column, -1,
                    fmt::format("累计事实 {} 的期间为 {} 至 {}:期间须写成这样的两个日期", ed.facts[slot].decl->name,
                                format_date(acc.period_from), format_date(acc.period_to)));
    }
    std::string group;
    if (acc.group_fact >= 0) {
      auto g = std::find_if(given.begin(), given.end(), [&](const auto& x) { return x.first == acc.group_fact; });
      if (g == given.end())
        return fail(columns[k], slot,
                    "累计事实 " + ed.facts[slot].decl->name + " 按 " + ed.facts[acc.group_fact].decl->name +
                        " 分别计算:同一行须给出 " + ed.facts[acc.group_fact].decl->name);
      group = format_value(&ed, g->second);
    }
    if (value.number.sign() < 0) return fail(columns[k], slot, "期初余额不能为负:" + value.number.to_string());
    const auto amount = value.number.to_int64_at_scale(acc.count ? 0 : 2);
    if (!amount)
      return fail(columns[k], slot,
                  std::string(acc.count ? "期初件数须为整数" : "期初金额须为整分(至多两位小数)") + ",且在可处理的范围内:" +
                      value.number.to_string());
    for (const Opening& o : openings)  // the same total of the same period (none: the run's)
      if (o.tally == a && o.group == group && o.applicant == applicant && o.period == period)
        return fail(columns[k], slot,
                    fmt::format("申请人 {} 的 {}{} 期初余额重复(第 {} 行已给出)", applicant, ed.facts[slot].decl->name,
                                group.empty() ? "" : "(" + group + ")", o.line));
    openings.push_back({std::string(applicant), a, std::move(group), *amount, line, period});
  }
  return std::nullopt;  // a line with no balance (empty CSV cells) changes nothing
}

std::optional<AllocationError> AllocatorData::add_opening(std::string_view text, std::size_t line, AllocationFormat format) {
  if (finished) return allocation_error(line, 0, "", "", "期初余额须在 finish() 之前读入");
  std::vector<std::pair<int, Value>> given;
  std::vector<std::size_t> columns;
  auto convert = [&](int slot, const json::Scalar& v, std::size_t column) -> std::optional<AllocationError> {
    auto value = convert_fact(ed, slot, v);
    if (auto* msg = std::get_if<std::string>(&value))
      return allocation_error(line, column, ed.facts[slot].decl->name, "", std::move(*msg));
    given.emplace_back(slot, std::move(std::get<Value>(value)));
    columns.push_back(column);
    return std::nullopt;
  };
  if (format == AllocationFormat::Jsonl) {
    json::ApplicationOptions no_measure;
    no_measure.measure_optional = true;
    no_measure.pass_through = true;  // "period" is an opening line's own member
    auto parsed = json::parse_application(text, no_measure);
    if (auto* e = std::get_if<json::InputError>(&parsed))
      return allocation_error(line + e->line - 1, e->column, "", "", e->message);
    const auto& app = std::get<json::Application>(parsed);
    if (app.has_measure) return allocation_error(line, 0, "measure", "", "期初余额按申请人和累计事实给出,不写 measure");
    std::optional<OpeningPeriod> period;
    std::size_t period_column = 0;
    for (const auto& [key, raw] : app.extras) {
      const std::size_t at = text.find("\"" + key + "\"");
      const std::size_t column = at == std::string_view::npos ? 0 : text_position(text, at).column;
      if (key != "period")
        return allocation_error(line, column, key, "", "未知的键 \"" + echo(key) + "\"(期初余额允许的键: applicant, facts, period)");
      period_column = column;
      // A string without escapes (or a bare year): what a period is written as.
      const bool quoted = raw.size() >= 2 && raw.front() == '"' && raw.back() == '"' && raw.find('\\') == std::string::npos;
      const bool digits = !raw.empty() && std::all_of(raw.begin(), raw.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!quoted && !digits)
        return allocation_error(line, column, "period", "", "period 须为不含转义的字符串(或年份数字),如 \"2025\" 或 \"2025-01-01 至 2027-12-31\"");
      auto p = parse_period(quoted ? std::string_view(raw).substr(1, raw.size() - 2) : std::string_view(raw));
      if (auto* msg = std::get_if<std::string>(&p)) return allocation_error(line, column, "period", "", std::move(*msg));
      period = std::get<OpeningPeriod>(p);
    }
    for (const auto& f : app.facts) {
      const int slot = ed.find_fact(f.name);
      const std::size_t at = text.find("\"" + f.name + "\"");
      const std::size_t column = at == std::string_view::npos ? 0 : text_position(text, at).column;
      if (slot < 0) return allocation_error(line, column, "facts." + f.name, "", ed.unknown_fact_message(f.name, f.name));
      if (f.value.kind == json::Scalar::Kind::Null) continue;
      if (auto e = convert(slot, f.value, column)) return e;
    }
    return keep_opening(line, app.has_applicant ? std::string_view(app.applicant) : std::string_view(), given, columns,
                        period, period_column);
  }
  OpeningReader& csv = opening_csv;
  auto fail_at = [&](std::size_t offset, std::string field, std::string message) {
    const TextPosition at = text_position(text, offset);
    return allocation_error(line + at.line - 1, at.column, std::move(field), "", std::move(message));
  };
  if (auto e = split_csv_record(csv, text, line)) return e;
  if (!csv.header_seen) {
    csv.header_seen = true;
    for (std::size_t c = 0; c < csv.cells.size(); ++c) {
      std::string name;
      if (auto e = take_csv_column(csv, c, text, line, name)) return e;
      if (name == "applicant" || name == "period" || name == "期间") {
        (name == "applicant" ? csv.col_applicant : csv.col_period) = static_cast<int>(c);
        csv.column_fact.push_back(-1);
        continue;
      }
      const int slot = ed.find_fact(name);
      if (slot < 0) return fail_at(csv.starts[c], name, ed.unknown_fact_message(name, name));
      csv.column_fact.push_back(slot);
    }
    if (csv.col_applicant < 0) return fail_at(0, "", "期初余额 CSV 的表头须有 applicant 列(period 列可选),其余每列是一个累计事实");
    return std::nullopt;
  }
  std::optional<OpeningPeriod> period;
  std::size_t period_column = 0;
  if (csv.col_period >= 0 && !csv.cells[csv.col_period].empty()) {
    period_column = text_position(text, csv.starts[csv.col_period]).column;
    auto p = parse_period(csv.cells[csv.col_period]);
    if (auto* msg = std::get_if<std::string>(&p)) return fail_at(csv.starts[csv.col_period], csv.column_name[csv.col_period], std::move(*msg));
    period = std::get<OpeningPeriod>(p);
  }
  for (std::size_t c = 0; c < csv.cells.size(); ++c) {
    const int slot = csv.column_fact[c];
    if (slot < 0 || csv.cells[c].empty()) continue;
    if (auto e = convert(slot, csv_cell_value(ed, slot, csv.cells[c]), text_position(text, csv.starts[c]).column)) return e;
  }
  return keep_opening(line, csv.cells[csv.col_applicant], given, columns, period, period_column);
}

std::optional<AllocationError> AllocatorData::read_opening(std::istream& in, AllocationFormat format) {
  if (stopped) return stopped;
  opening_csv = OpeningReader();
  auto e = read_records(in, format == AllocationFormat::Csv, [&](std::string_view record, std::size_t line, std::size_t) {
    return add_opening(record, line, format);
  });
  if (!e && format == AllocationFormat::Csv && !opening_csv.header_seen)
    e = allocation_error(1, 0, "", "", "期初余额 CSV 为空:缺少表头");
  return e;
}

void AllocatorData::resolve_openings() {
  if (openings.empty()) return;
  seeds.clear();
  unknown_openings = other_period_openings = 0;
  // The run's year: a 期间 每年 total's period in this run.
  const std::string year = format_date(run_day()).substr(0, 4);
  const OpeningPeriod run_year{true, *parse_date(year + "-01-01"), *parse_date(year + "-12-31")};
  std::unordered_map<std::string_view, std::uint32_t> applicant_named;  // the year's applicants by name
  applicant_named.reserve(applicant_first.size());
  for (std::size_t a = 0; a < applicant_first.size(); ++a)
    applicant_named.emplace(applicant_of(records[applicant_first[a]]), static_cast<std::uint32_t>(a));
  for (Opening& o : openings) {
    if (o.period) {
      const AccumulationInfo& acc = ed.accumulations[o.tally];
      const OpeningPeriod runs = o.period->year ? run_year : OpeningPeriod{false, acc.period_from, acc.period_to};
      if (!(*o.period == runs)) {
        ++other_period_openings;
        continue;
      }
    }
    if (const auto who = applicant_named.find(o.applicant); who != applicant_named.end())
      seeds.push_back({who->second, o.tally, std::move(o.group), o.value});
    else ++unknown_openings;
  }
  std::vector<Opening>().swap(openings);
}

void AllocatorData::seed_openings() {
  funded_totals.reset(n_funded, applicant_first.size());  // every applicant is known by now
  opened.reset(n_funded, applicant_first.size());
  for (const Seed& s : seeds) {
    if (ed.accumulations[s.tally].group_fact < 0) {
      funded_totals.at(s.applicant, funded_slot[s.tally]) = s.value;
      opened.at(s.applicant, funded_slot[s.tally]) = 1;
    } else {
      std::string key = group_tally_key(s.applicant, s.tally, s.group);
      grouped_totals[key] = s.value;
      grouped_opened[std::move(key)] = 1;
    }
  }
}

std::optional<AllocationError> AllocatorData::carry_given(const Record& r, bool counts_only) {
  for (const int a : given_running) {
    const AccumulationInfo& acc = ed.accumulations[a];
    if (counts_only && !acc.count) continue;
    const Decimal& figure = facts.values[acc.fact].number;
    const auto value = figure.to_int64_at_scale(acc.count ? 0 : 2);
    if (!value || *value < 0)
      return allocation_error(line_of(r), 0, "facts." + ed.facts[acc.fact].decl->name,
                              std::string(arena.get(r.id)),
                              "已用数 " + figure.to_string() + (acc.count ? " 须为非负整数" : " 须为非负的整分金额") +
                                  ",才能结转到同一申请人此后的申请");
    *tally(r.applicant, a) = *value;
    if (acc.group_fact < 0) opened.at(r.applicant, funded_slot[a]) = 1;
    else grouped_opened[group_tally_key(r.applicant, a, group_key(acc.group_fact))] = 1;
  }
  return std::nullopt;
}

}  // namespace kuan
