// kuan allocate --report: one self-contained HTML page (no network, no
// external files) with the year's figures as SVG charts and sortable tables.
// Amounts arrive as exact decimal text and are printed as such; the only
// arithmetic in floating point is the length of a bar, which is a picture, not money.
#include "tools/report_html.hpp"

#include <algorithm>
#include <iterator>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace kuan::cli {

namespace {

void put_escaped(std::string& out, std::string_view s) {
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
}

std::string esc(std::string_view s) {
  std::string out;
  put_escaped(out, s);
  return out;
}

// "1234567.50" → "1,234,567.50" (for people; the tables also carry the plain value for sorting).
std::string grouped(const std::string& plain) {
  const std::size_t dot = plain.find('.');
  const std::size_t start = !plain.empty() && plain[0] == '-' ? 1 : 0;
  std::string whole = plain.substr(0, dot == std::string::npos ? plain.size() : dot);
  for (std::size_t i = whole.size(); i > start + 3; i -= 3) whole.insert(i - 3, ",");
  return whole + (dot == std::string::npos ? "" : plain.substr(dot));
}

// "1234.50" (元, two decimals as the summary writes them) → 123450 分, exactly:
// for comparing amounts and sizing bars.
__int128 fen(std::string_view plain) {
  __int128 v = 0;
  for (const char c : plain)
    if (c >= '0' && c <= '9') v = v * 10 + (c - '0');
  return !plain.empty() && plain[0] == '-' ? -v : v;
}

// A bar's length in pixels: a proportion for drawing only.
int bar_width(__int128 part, __int128 whole, int full) {
  if (whole <= 0 || part <= 0) return 0;
  const auto w = static_cast<long double>(part) / static_cast<long double>(whole) * full;
  return std::max(1, static_cast<int>(w));
}

// part/whole as a percentage with two decimals, rounded down, exactly ("98.50%");
// a share too small to show is "<0.01%", never a 0.00% that reads as nothing.
std::string percent(__int128 part, __int128 whole) {
  if (whole <= 0) return "—";
  const __int128 basis = part * 10000 / whole;  // hundredths of a percent
  if (basis == 0 && part > 0) return "<0.01%";
  const auto b = static_cast<long long>(basis);
  return fmt::format("{}.{:0>2}%", b / 100, b % 100);
}

// Requested vs allocated per measure, two bars each, each measure on its own
// scale (its requested amount is the full width): a measure of 10 万 and one of
// 10 亿 are both readable. The values are printed on the bars.
void bars_svg(std::string& out, const api::AllocationSummary& s) {
  const int row = 52, label = 190, full = 520, bar = 18;
  const int height = static_cast<int>(s.measures.size()) * row + 30;
  auto to = std::back_inserter(out);
  fmt::format_to(to, R"(<svg role="img" aria-label="各措施申请金额与分配金额" width="{}" height="{}" xmlns="http://www.w3.org/2000/svg">)",
                 label + full + 20, height);
  int y = 10;
  for (const auto& m : s.measures) {
    const __int128 requested = fen(m.amount), allocated = fen(m.allocated);
    const __int128 top = std::max<__int128>({requested, allocated, 1});
    const int req_w = bar_width(requested, top, full), alloc_w = bar_width(allocated, top, full);
    fmt::format_to(to, R"(<text x="0" y="{}" class="lbl">{}</text>)", y + 22, esc(m.measure));
    fmt::format_to(to, R"(<rect class="req" x="{}" y="{}" height="{}" width="{}"><title>申请 {} 元</title></rect>)", label, y,
                   bar, req_w, grouped(m.amount));
    fmt::format_to(to, R"(<text x="{}" y="{}" class="on">申请 {}</text>)", label + 4, y + 13, grouped(m.amount));
    fmt::format_to(to, R"(<rect class="alloc" x="{}" y="{}" height="{}" width="{}"><title>分配 {} 元</title></rect>)", label,
                   y + bar + 2, bar, alloc_w, grouped(m.allocated));
    // White on the dark bar when the text fits inside it, else dark just after the bar's end.
    const bool inside = alloc_w >= 300;
    fmt::format_to(to, R"(<text x="{}" y="{}" class="{}">分配 {}({})</text>)", inside ? label + 4 : label + alloc_w + 6,
                   y + bar + 15, inside ? "on light" : "on", grouped(m.allocated), esc(percent(allocated, requested)));
    y += row;
  }
  fmt::format_to(to,
                 R"(<rect class="req" x="{}" y="{}" width="12" height="10"/><text x="{}" y="{}" class="lbl">申请金额</text>)"
                 R"(<rect class="alloc" x="{}" y="{}" width="12" height="10"/><text x="{}" y="{}" class="lbl">)"
                 "分配金额(占申请的百分比)</text></svg>",
                 label, y, label + 16, y + 10, label + 100, y, label + 116, y + 10);
  out += "<p class=\"note\">每项措施按自身的申请金额作图(申请金额为满格),各行比例尺不同;数值见条上与下表。</p>";
}

// The pool: requested against its size, the size marked, values on the bars.
void pool_svg(std::string& out, const api::AllocationPoolTotals& p) {
  const __int128 requested = fen(p.requested), allocated = fen(p.allocated), size = fen(p.amount);
  const __int128 top = std::max<__int128>({requested, size, 1});
  const int full = 600;
  const int alloc_w = bar_width(allocated, top, full);
  auto to = std::back_inserter(out);
  fmt::format_to(to, R"(<svg role="img" aria-label="资金池 {}" width="{}" height="70" xmlns="http://www.w3.org/2000/svg">)",
                 esc(p.pool), full + 20);
  fmt::format_to(to, R"(<rect class="req" x="0" y="4" height="20" width="{}"><title>申请合计 {} 元</title></rect>)",
                 bar_width(requested, top, full), grouped(p.requested));
  fmt::format_to(to, R"(<text x="4" y="18" class="on">申请合计 {}</text>)", grouped(p.requested));
  fmt::format_to(to, R"(<rect class="alloc" x="0" y="28" height="20" width="{}"><title>分配合计 {} 元</title></rect>)", alloc_w,
                 grouped(p.allocated));
  fmt::format_to(to, R"(<text x="{}" y="42" class="{}">分配合计 {}({})</text>)", alloc_w >= 300 ? 4 : alloc_w + 6,
                 alloc_w >= 300 ? "on light" : "on", grouped(p.allocated), esc(percent(allocated, requested)));
  const int limit = bar_width(size, top, full);
  fmt::format_to(to, R"(<line class="limit" x1="{}" x2="{}" y1="0" y2="52"><title>额度 {} 元</title></line>)", limit, limit,
                 grouped(p.amount));
  fmt::format_to(to, R"(<text x="{}" y="64" class="num">额度 {}</text></svg>)", std::max(0, std::min(limit - 4, full - 140)),
                 grouped(p.amount));
}

// A table whose columns sort on a click; data-v holds the plain sort key.
struct Table {
  std::string& out;
  Table(std::string& o, const char* id, std::initializer_list<const char*> heads) : out(o) {
    out += std::string("<table class=\"sortable\" id=\"") + id + "\"><thead><tr>";
    for (const char* h : heads) out += std::string("<th>") + h + "</th>";
    out += "</tr></thead><tbody>";
  }
  void text(std::string_view v) { out += "<td data-v=\"" + esc(v) + "\">" + esc(v) + "</td>"; }
  void number(std::int64_t v) { fmt::format_to(std::back_inserter(out), R"(<td class="n" data-v="{0}">{0}</td>)", v); }
  void money(const std::string& plain) {
    out += "<td class=\"n\" data-v=\"" + plain + "\">" + grouped(plain) + "</td>";
  }
  void row() { out += "<tr>"; }
  void end_row() { out += "</tr>"; }
  ~Table() { out += "</tbody></table>"; }
};

constexpr const char* kStyle = R"(
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:.7em 1.1em;min-width:11em}
.card b{display:block;font-size:1.3em}table{border-collapse:collapse;margin:.6em 0;width:100%}
th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left}th{background:#f4f4f4;cursor:pointer;user-select:none}
th.asc::after{content:" ▲"}th.desc::after{content:" ▼"}td.n{text-align:right;font-variant-numeric:tabular-nums}
.req{fill:#9bb7d4}.alloc{fill:#2f6fad}.limit{stroke:#c0392b;stroke-width:3}.lbl{font-size:13px}.num{font-size:11px;fill:#555}
.on{font-size:12px;fill:#12324f}.on.light{fill:#fff}
svg text{font-family:inherit}
.note{color:#666;font-size:.9em}
)";

constexpr const char* kScript = R"(
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, col) {
    th.addEventListener('click', function () {
      var asc = !th.classList.contains('asc');
      table.querySelectorAll('th').forEach(function (h) { h.classList.remove('asc', 'desc'); });
      th.classList.add(asc ? 'asc' : 'desc');
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v');
        var nx = Number(x), ny = Number(y);
        var c = (x !== '' && y !== '' && !isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'zh');
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
)";

}  // namespace

std::string allocation_report_html(const api::AllocationSummary& s, const std::string& policy_name,
                                   const std::string& input_name) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>";
  put_escaped(out, policy_name + " " + s.version + " 年度分配报告");
  out += "</title><style>";
  out += kStyle;
  out += "</style></head><body>\n<h1>";
  put_escaped(out, policy_name);
  out += " · " + esc(s.version) + " 年度分配报告</h1>\n<p class=\"note\">输入 " + esc(input_name) +
         ";金额单位:元,精确到分。</p>\n";

  fmt::format_to(std::back_inserter(out),
                 R"(<div class="cards"><div class="card">申请<b id="applications">{} 项</b></div>)"
                 R"(<div class="card">获资助<b id="funded">{} 项</b></div><div class="card">申请金额合计<b>{}</b></div>)"
                 R"(<div class="card">分配金额合计<b id="allocated">{}</b></div></div>)"
                 "\n",
                 s.applications, s.funded, grouped(s.amount), grouped(s.allocated));

  out += "<h2>各措施:申请与分配</h2>\n";
  bars_svg(out, s);
  {
    Table t(out, "measures", {"措施", "申请项数", "获资助", "名额外未入选", "申请金额", "分配金额"});
    for (const auto& m : s.measures) {
      t.row();
      t.text(m.measure);
      t.number(static_cast<std::int64_t>(m.applications));
      t.number(static_cast<std::int64_t>(m.eligible));
      t.number(static_cast<std::int64_t>(m.not_selected));
      t.money(m.amount);
      t.money(m.allocated);
      t.end_row();
    }
  }

  out += "<h2>资金池</h2>\n";
  if (s.pools.empty()) out += "<p class=\"note\">本版本没有资金池。</p>";
  for (const auto& p : s.pools) {
    std::string measures;
    for (const auto& m : p.measures) measures += (measures.empty() ? "" : "、") + m;
    fmt::format_to(std::back_inserter(out), "<h3>{}(覆盖 {})</h3>\n<p>额度 {} 元;申请合计 {} 元({} 项);", esc(p.pool),
                   esc(measures), grouped(p.amount), grouped(p.requested), p.applications);
    if (p.scaled)
      fmt::format_to(std::back_inserter(out),
                     R"(超出额度,每项按 <b class="scale">{}</b>({})同比例分配,向下取整到分,余下 {} 分按最大余数逐分补足。)",
                     esc(percent(fen(p.amount), fen(p.requested))), esc(p.pro_rata), p.remainder_cents);
    else
      out += "未超出额度,金额不变(100%)。";
    out += "分配合计 " + grouped(p.allocated) + " 元。</p>\n";
    pool_svg(out, p);
  }

  out += "<h2>名额</h2>\n";
  if (s.quotas.empty()) {
    out += "<p class=\"note\">本年度没有名额措施的申请。</p>";
  } else {
    Table t(out, "quotas", {"措施", "每年名额", "候选(单独计算适用)", "入选", "入选的最低评审得分"});
    for (const auto& q : s.quotas) {
      t.row();
      t.text(q.measure);
      t.number(q.quota);
      t.number(static_cast<std::int64_t>(q.candidates));
      t.number(static_cast<std::int64_t>(q.funded));
      t.text(q.cutoff_score.empty() ? "—" : q.cutoff_score);
      t.end_row();
    }
  }

  fmt::format_to(std::back_inserter(out), "<h2>受上限约束的申请(金额最大的 {} 项,按措施和上限归并)</h2>\n",
                 api::AllocationSummary::kMaxCapped);
  if (s.capped.empty()) {
    out += "<p class=\"note\">没有申请的金额受上限约束。</p>";
  } else {
    // One row per measure and cap: the same cap binding fifty applications is one fact, not fifty rows.
    struct Group {
      const api::AllocationCapped* first;
      std::size_t count = 0;
      __int128 total = 0, low = 0, high = 0;
      std::vector<const api::AllocationCapped*> members;
    };
    std::vector<Group> groups;
    for (const auto& c : s.capped) {
      auto g = std::find_if(groups.begin(), groups.end(),
                            [&](const Group& x) { return x.first->measure == c.measure && x.first->cap == c.cap; });
      if (g == groups.end()) g = groups.insert(groups.end(), Group{&c, 0, 0, fen(c.amount), fen(c.amount), {}});
      ++g->count;
      g->total += fen(c.amount);
      g->low = std::min(g->low, fen(c.amount));
      g->high = std::max(g->high, fen(c.amount));
      g->members.push_back(&c);
    }
    auto yuan = [](__int128 v) {  // 分 → "1234.50"
      return fmt::format("{}.{:0>2}", static_cast<long long>(v / 100), static_cast<long long>(v % 100));
    };
    Table t(out, "capped", {"措施", "起作用的上限", "项数", "每项金额", "金额合计", "申请(申请人)"});
    for (const auto& g : groups) {
      t.row();
      t.text(g.first->measure);
      t.text(g.first->cap);
      t.number(static_cast<std::int64_t>(g.count));
      t.text(g.low == g.high ? grouped(yuan(g.low)) : grouped(yuan(g.low)) + " – " + grouped(yuan(g.high)));
      t.money(yuan(g.total));
      std::string who;
      for (std::size_t i = 0; i < g.members.size() && i < 5; ++i)
        who += (i ? "、" : "") + g.members[i]->id + "(" + g.members[i]->applicant + ")";
      if (g.members.size() > 5) who += fmt::format(" 等 {} 项", g.members.size());
      t.text(who);
      t.end_row();
    }
  }
  out += "\n<script>";
  out += kScript;
  out += "</script>\n</body></html>\n";
  return out;
}

}  // namespace kuan::cli
