// The REPL session's commands (:help, :facts, :load, :version, :explain …)
// and what the terminal asks of a session (completion words, the banner).
// The session itself (loading, input, evaluation, inline definitions) is
// services/session.cpp; both are one class, services/session.hpp.
#include <algorithm>
#include <ctime>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/date.hpp"
#include "base/source.hpp"
#include "base/suggest.hpp"
#include "interpreter/render.hpp"
#include "lang/keywords.hpp"
#include "services/session.hpp"
#include "services/session_shared.hpp"

namespace kuan::repl {

namespace {

const std::vector<std::string> kCommands = {":help",    ":quit",    ":facts",  ":clear", ":run",
                                            ":explain", ":measures", ":load",   ":reload", ":version",
                                            ":as-of",   ":defs",    ":cancel"};

const char* kHelp =
    "输入:\n"
    "  表达式                 计算并显示结果,如 800万元 × 30%、min(合同金额 × 30%, 800万元)\n"
    "  事实 = 表达式          设定事实(按事实的类型检查),如 合同金额 = 120万元、采购类型 = 算力服务;比较请用 ==\n"
    "  措施名                 按已设定的事实计算这项措施(同 :run 措施名)\n"
    "  参数/事实/定义/上限/限额/措施/条款/例/性质 …\n"
    "                         内联定义,加入内存中的规则 <repl>;同名的内联定义会被替换;有错误时不加入\n"
    "  未闭合 { 的行以 ... 提示续行,直到括号配平\n"
    "命令:\n"
    "  :facts                 列出已设定的事实\n"
    "  :clear [事实]          清除全部事实,或其中一项\n"
    "  :run 措施              计算措施\n"
    "  :explain [措施]        上一次结果的说明树(或先计算该措施)\n"
    "  :measures              列出措施及其必需的事实\n"
    "  :load 文件或目录       载入另一份政策\n"
    "  :reload                从磁盘重读规则文件(保留事实和内联定义)\n"
    "  :version [版本]        显示或切换版本\n"
    "  :as-of [YYYY-MM-DD]    申请日期:措施、条款的 施行 按此日判断,并切换到该日施行的版本\n"
    "                         (之后 :version 换版本时日期不变);今天 回到今天;不带日期显示申请日期\n"
    "  :defs                  显示内联定义\n"
    "  :cancel                放弃未完成的多行输入\n"
    "  :help                  本说明\n"
    "  :quit                  退出(也可用 Ctrl-D)\n";

}  // namespace

// ---------------------------------------------------------------- commands

Reply Session::command(const std::string& entry) {
  std::string body = entry.rfind("\uFF1A", 0) == 0 ? entry.substr(3) : entry.substr(1);
  std::size_t len = 0, i = 0;
  while (i < body.size() && !is_space_at(body, i, &len)) ++i;
  const std::string name = body.substr(0, i);
  const std::string arg = trim(std::string_view(body).substr(i));
  auto no_arg = [&](Reply (Session::*f)() const) -> Reply {
    if (!arg.empty()) return fail("错误::" + name + " 不带参数\n");
    return (this->*f)();
  };
  if (name == "help" || name == "h" || name == "?") return cmd_help();
  if (name == "quit" || name == "q" || name == "exit") return Reply{"", true, true, Kind::Command, nullptr};
  if (name == "facts") return no_arg(&Session::cmd_facts);
  if (name == "clear") return cmd_clear(arg);
  if (name == "run") {
    if (arg.empty()) return fail("错误::run 需要一个措施名\n");
    return run(arg, false);
  }
  if (name == "explain") return cmd_explain(arg);
  if (name == "measures") return no_arg(&Session::cmd_measures);
  if (name == "load") return cmd_load(arg);
  if (name == "reload") {
    if (!arg.empty()) return fail("错误::reload 不带参数(载入别的政策用 :load)\n");
    return cmd_reload();
  }
  if (name == "version") return cmd_version(arg);
  if (name == "as-of") return cmd_as_of(arg);
  if (name == "defs") return no_arg(&Session::cmd_defs);
  if (name == "cancel") return said("", Kind::Command);
  const std::string hint = did_you_mean(":" + name, kCommands);
  return fail("错误:未知命令 :" + name + (hint.empty() ? "(:help 查看全部命令)" : hint) + "\n");
}

Reply Session::cmd_help() const { return said(kHelp, Kind::Command); }

Reply Session::cmd_facts() const {
  if (facts_.empty()) return said("(还没有设定事实)\n", Kind::Command);
  std::string out;
  for (const auto& f : facts_) {
    const int slot = edition_->find_fact(f.name);
    out += f.name + " = " + show(f.value, slot >= 0 ? edition_->facts[slot].type : Type{f.value.kind}) + "\n";
  }
  return said(out, Kind::Command);
}

Reply Session::cmd_clear(const std::string& arg) {
  if (arg.empty()) {
    const std::size_t n = facts_.size();
    facts_.clear();
    return said(fmt::format("已清除全部事实({} 项)\n", n), Kind::Command);
  }
  auto it = std::find_if(facts_.begin(), facts_.end(), [&](const FactSetting& f) { return f.name == arg; });
  if (it == facts_.end()) {
    if (edition_->find_fact(arg) >= 0) return fail("错误:事实 " + arg + " 尚未设定\n");
    return fail("错误:没有名为 " + arg + " 的事实\n");
  }
  facts_.erase(it);
  return said("已清除 " + arg + "\n", Kind::Command);
}

Reply Session::cmd_measures() const {
  const Edition& ed = *edition_;
  if (ed.measures.empty()) return said("(" + ed.name + " 中没有措施)\n", Kind::Command);
  std::string out;
  for (const auto& m : ed.measures) {
    out += m.decl->name;
    if (m.clause) out += "  " + m.clause->ref;
    if (!m.decl->title.empty()) out += "  " + m.decl->title;
    std::vector<std::string> required;
    for (int f : m.facts)
      if (ed.facts[f].required()) required.push_back(ed.facts[f].decl->name);
    if (!required.empty()) out += "\n    需要:" + join(required);
    out += "\n";
  }
  return said(out, Kind::Command);
}

Reply Session::cmd_load(const std::string& path) {
  if (path.empty()) return fail("错误::load 需要一个政策目录或 .kuan 文件\n");
  return load_base(path, Selection{"", selection_.as_of}, "(未载入;规则保持原样)\n", "\n", "已载入 ");  // the date stays
}

Reply Session::cmd_reload() {
  if (!policy_) return fail("错误:没有载入政策文件,无可重读(用 :load 载入)\n");
  return load_base(policy_path_, selection_, "(重读失败;规则保持原样)\n", "(重读失败;规则保持原样)\n", "已重读 ");
}

Reply Session::load_base(const std::string& path, const Selection& selection, const char* load_failed,
                         const char* choose_failed, const char* done) {
  std::vector<Diagnostic> diagnostics;
  auto loaded = Policy::load(path, diagnostics);
  if (!loaded) return fail(render_diagnostics(diagnostics) + load_failed);
  std::string error;
  const Edition* ed = choose(*loaded, selection, error);
  if (!ed) return fail("错误:" + error + choose_failed);
  selection_ = selection;  // (for :reload, selection_ and policy_path_ themselves)
  policy_path_ = path;
  std::string out;
  switch_base(loaded, std::shared_ptr<const Edition>(loaded, ed), out);
  out += done + path + ":" + edition_summary(*edition_) + "\n";
  return said(out, Kind::Command);
}

Reply Session::cmd_version(const std::string& arg) {
  if (arg.empty()) {
    std::string out = "政策 " + edition_->policy_name + "," + edition_summary(*edition_) + "\n";
    if (policy_ && policy_->editions().size() > 1) {
      std::vector<std::string> names;
      for (const auto& e : policy_->editions()) names.push_back(e->name);
      out += "可用版本:" + join(names) + "\n";
    }
    if (!policy_) out += "(没有载入政策文件;这是内存中的版本,用 :load 载入政策)\n";
    return said(out, Kind::Command);
  }
  if (!policy_) return fail("错误:没有载入政策文件,无版本可选(用 :load 载入)\n");
  std::string error;
  const Edition* ed = policy_->edition(arg, error);
  if (!ed) return fail("错误:" + error + "\n");
  std::string out;
  selection_ = {arg, selection_.as_of};  // the applications' date stays
  switch_base(policy_, std::shared_ptr<const Edition>(policy_, ed), out);
  out += "当前" + edition_summary(*edition_) + "\n";
  return said(out, Kind::Command);
}

// The applications' date (施行 on measures and clauses, 施行中), and the edition
// in force that day. (:version V after it keeps the date: V on that day.)
Reply Session::cmd_as_of(const std::string& arg) {
  if (arg.empty()) return said(application_date(selection_), Kind::Command);
  const bool today = arg == "今天" || arg == "today";
  const auto day = today ? std::optional<std::int32_t>(china_standard_day(static_cast<std::int64_t>(std::time(nullptr))))
                         : parse_date(arg);
  if (!day) return fail("错误:" + bad_date_message("", "\"" + echo(arg) + "\"", ",或 今天") + "\n");
  const std::string date = today ? std::string() : arg;
  if (!policy_) {  // rules typed inline only: nothing to choose, the date alone
    selection_.as_of = date;
    return said(application_date(selection_), Kind::Command);
  }
  std::string error;
  const Edition* ed = policy_->edition_on(*day, error);
  if (!ed) return fail("错误:" + error + "\n");
  std::string out;
  selection_ = {"", date};
  switch_base(policy_, std::shared_ptr<const Edition>(policy_, ed), out);
  out += format_date(*day) + " 施行的是" + edition_summary(*edition_) + "\n";
  return said(out, Kind::Command);
}

Reply Session::cmd_explain(const std::string& arg) {
  if (!arg.empty()) return run(arg, true);
  if (!last_)
    return fail("错误:还没有计算过措施;先输入措施名" +
                (edition_->measures.empty() ? std::string() : "(如 " + edition_->measures[0].decl->name + ")") +
                ",或 :explain 措施名\n");
  Reply reply = said("", Kind::Explanation);
  append_explanation_text(reply.out, *last_->edition, last_->outcome, last_->trace);
  reply.run = last_;
  return reply;
}

Reply Session::cmd_defs() const {
  if (chunks_.empty()) return said("(没有内联定义)\n", Kind::Command);
  return said(inline_text_, Kind::Command);
}

// ---------------------------------------------------------------- terminal helpers

std::vector<std::string> Session::completion_words() const {
  std::set<std::string> words(kCommands.begin(), kCommands.end());
  for (const auto& k : keywords::kAll) words.emplace(k.word);
  const Edition& ed = *edition_;
  for (const auto& f : ed.facts) words.insert(f.decl->name);
  for (const auto& p : ed.params) words.insert(p.decl->name);
  for (const auto& d : ed.defines) words.insert(d.decl->name);
  for (const auto& m : ed.measures) words.insert(m.decl->name);
  for (const auto* c : ed.limits) words.insert(c->name);
  for (const auto& e : ed.enums) words.insert(e.values.begin(), e.values.end());
  return {words.begin(), words.end()};
}

std::string Session::banner() const {
  std::string out = "Kuan REPL · ";
  out += policy_ ? "政策 " + edition_->policy_name + " · " + edition_summary(*edition_) : "未载入政策(可内联定义规则,或 :load 载入)";
  out += "\n输入表达式、事实赋值(合同金额 = 120万元)或措施名;Tab 补全,:help 查看命令,:quit 退出。\n";
  return out;
}

}  // namespace kuan::repl
