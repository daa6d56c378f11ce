// 施行 D1 至 D2 on a measure or a clause: the measure's days in force, checked
// against its clause's and the edition's, and lowered to a first requirement
// that names them (the evaluator refuses an application dated outside them
// with its reason; inside them the requirement holds and shows in the
// explanation as the 施行 line).
#include <algorithm>

#include "base/date.hpp"
#include "lang/checker_impl.hpp"

namespace kuan::checking {

namespace {
std::string days_text(const ast::InForce& f) {
  return f.to ? format_date(f.from) + " 至 " + format_date(*f.to) : format_date(f.from) + " 起";
}
bool within(const ast::InForce& inner, const ast::InForce& outer) {
  if (inner.from < outer.from) return false;
  if (!outer.to) return true;
  return inner.to && *inner.to <= *outer.to;
}
}  // namespace

void Checker::lower_in_force() {
  for (auto& info : ed_.measures) {
    const auto& own = info.decl->in_force;
    const auto* clause = info.clause && info.clause->in_force ? &*info.clause->in_force : nullptr;
    if (own && clause && !within(*own, *clause))
      error(own->span, "措施 " + info.decl->name + " 的施行期 " + days_text(*own) + " 超出条款 " + info.clause->ref +
                           " 的施行期 " + days_text(*clause));
    if (!own && !clause) continue;
    info.in_force = own ? *own : *clause;
    auto yes = std::make_unique<ast::Expr>();
    yes->kind = ast::ExprKind::Boolean;
    yes->boolean = true;
    yes->span = info.in_force->span;
    yes->id = next_id_++;
    auto r = std::make_unique<ast::Requirement>();
    r->span = info.in_force->span;
    r->condition = std::move(yes);
    r->reason = (own ? "措施 " + info.decl->name : "条款 " + info.clause->ref) + " 的施行期为 " +
                days_text(*info.in_force) + ",申请日期不在其中";
    info.in_force_requirement = r.get();
    info.requirements.push_back(r.get());  // then first: its reason is the one an out-of-force application gets
    std::rotate(info.requirements.begin(), info.requirements.end() - 1, info.requirements.end());
    ed_.lowered.push_back(std::move(r));
  }
}

}  // namespace kuan::checking
