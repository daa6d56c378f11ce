// The dependency graph between parameters, definitions, facts, limits and
// measures: cycles, the order of parameters, the nesting limit across
// definitions, and the facts each measure reads.

#include "lang/checker_impl.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "base/limits.hpp"

namespace kuan::checking {

std::string Checker::node_name(int n) const {
  if (n < define_base_) return ed_.params[n].decl->name;
  if (n < fact_base_) return ed_.defines[n - define_base_].decl->name;
  if (n < cap_base_) return ed_.facts[n - fact_base_].decl->name;
  if (n < measure_base_) return ed_.limits[n - cap_base_]->name;
  return ed_.measures[n - measure_base_].decl->name;
}

Span Checker::node_span(int n) const {
  if (n < define_base_) return ed_.params[n].decl->span;
  if (n < fact_base_) return ed_.defines[n - define_base_].decl->span;
  if (n < cap_base_) return ed_.facts[n - fact_base_].decl->span;
  if (n < measure_base_) return ed_.limits[n - cap_base_]->span;
  return ed_.measures[n - measure_base_].decl->span;
}

// Depth-first over the dependency graph with an explicit stack: a chain of
// thousands of definitions must not exhaust the machine stack here.
// Returns true if a cycle was reported.
bool Checker::find_cycles() {
  std::vector<int> color(deps_.size(), 0), stack;
  std::vector<std::size_t> next;  // per stack entry: the next dependency to visit
  bool found = false;
  for (int root = 0; root < cap_base_; ++root) {
    if (color[root] != 0) continue;
    color[root] = 1;
    stack.push_back(root);
    next.push_back(0);
    while (!stack.empty()) {
      const int n = stack.back();
      if (next.back() == deps_[n].size()) {
        color[n] = 2;
        stack.pop_back();
        next.pop_back();
        continue;
      }
      const int d = deps_[n][next.back()++];
      if (color[d] == 1 && !found) {
        auto from = std::find(stack.begin(), stack.end(), d);
        std::string path;
        for (auto it = from; it != stack.end(); ++it) path += node_name(*it) + " → ";
        path += node_name(d);
        error(node_span(d), "循环定义:" + path);
        found = true;
      } else if (color[d] == 0) {
        color[d] = 1;
        stack.push_back(d);
        next.push_back(0);
      }
    }
  }
  return found;
}

// Calls `done(n)` for every node reachable from the roots after all of its
// dependencies (post-order), iteratively. Requires an acyclic graph.
template <typename Keep, typename Done>
void Checker::post_order(int roots, Keep keep, Done done) {
  std::vector<char> state(deps_.size(), 0);
  std::vector<std::pair<int, std::size_t>> stack;
  for (int root = 0; root < roots; ++root) {
    if (state[root] || !keep(root)) continue;
    state[root] = 1;
    stack.push_back({root, 0});
    while (!stack.empty()) {
      auto& [n, i] = stack.back();
      if (i == deps_[n].size()) {
        done(n);
        stack.pop_back();
        continue;
      }
      const int d = deps_[n][i++];
      if (!state[d] && keep(d)) {
        state[d] = 1;
        stack.push_back({d, 0});
      }
    }
  }
}

std::vector<int> Checker::topological_params() {
  std::vector<int> order;
  post_order(define_base_, [&](int n) { return n < define_base_; }, [&](int p) { order.push_back(p); });
  return order;
}

// Definitions and fact defaults are evaluated where they are first read, so
// their nesting adds to the reader's: bound the total, the one nesting limit,
// and report the first declaration in a chain that crosses it.
void Checker::check_evaluation_depth() {
  const int limit = limits::kMaxNesting;
  std::vector<int> depth(deps_.size(), 0);
  post_order(static_cast<int>(deps_.size()), [](int) { return true; }, [&](int n) {
    int nested = 0;
    bool over = false;
    for (int d : deps_[n]) {
      if (d < define_base_ || d >= cap_base_) continue;  // parameters are constants; caps run at top level
      nested = std::max(nested, depth[d]);
      over = over || depth[d] > limit;
    }
    depth[n] = std::min(height_[n] + nested, limit + 1);
    if (depth[n] > limit && !over)
      error(node_span(n),
            fmt::format("{} 的计算嵌套过深:连同它引用的定义超过 {} 层(请缩短 定义 之间的引用链,或拆分表达式)", node_name(n), limit));
  });
}

void Checker::collect_measure_facts(int i) {
  std::vector<bool> seen(deps_.size(), false);
  std::vector<int> work{measure_base_ + i};
  std::set<int> facts;
  while (!work.empty()) {
    const int n = work.back();
    work.pop_back();
    if (seen[n]) continue;
    seen[n] = true;
    if (n >= fact_base_ && n < cap_base_) facts.insert(n - fact_base_);
    for (int d : deps_[n]) work.push_back(d);
  }
  ed_.measures[i].facts.assign(facts.begin(), facts.end());
}

}  // namespace kuan::checking
