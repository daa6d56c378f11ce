// The parse-tree node the parser builds with PEGTL, and the pool it comes from.
// Internal to the parser (lang/parser*.cpp).
//
// Why a pool: PEGTL's parse tree makes a node for every attempt at a selected
// rule and for every rule above one, and most are dropped at once (a failed
// alternative such as `call` before `reference`, a one-child operator chain
// folded away). With plain new/delete, malloc and free were ~40% of loading a
// policy. Here every node comes from a NodePool owned by one parse and goes
// back to it when PEGTL deletes it: a C++20 destroying delete keeps the node
// alive (with its child vector's capacity) on the pool's free list. The pool
// must outlive every node taken from it; it destroys them all at the end.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <vector>

#include <tao/pegtl/contrib/parse_tree.hpp>

namespace kuan::parse {

class NodePool;

struct Node : tao::pegtl::parse_tree::basic_node<Node> {
  NodePool* pool = nullptr;

  // Only NodePool::make creates nodes.
  static void* operator new(std::size_t) = delete;
  static void operator delete(Node* n, std::destroying_delete_t) noexcept;
};

class NodePool {
 public:
  NodePool() = default;
  NodePool(const NodePool&) = delete;
  NodePool& operator=(const NodePool&) = delete;
  ~NodePool() {
    // By now every node is back on the free list, its children released.
    for (Node* n : free_) n->~Node();
  }

  std::unique_ptr<Node> make() {
    if (free_.empty()) {
      if (used_ == kBlock) {
        blocks_.push_back(std::make_unique<Slot[]>(kBlock));
        used_ = 0;
      }
      Node* n = ::new (static_cast<void*>(&blocks_.back()[used_++])) Node();
      n->pool = this;
      ++made_;
      if (free_.capacity() < made_) free_.reserve(2 * made_);  // so that recycling never allocates
      return std::unique_ptr<Node>(n);
    }
    Node* n = free_.back();
    free_.pop_back();
    return std::unique_ptr<Node>(n);
  }

  void recycle(Node* n) noexcept {
    n->children.clear();  // each child comes back here too
    n->type = {};
    n->source = {};
    n->m_begin = {};
    n->m_end = {};
    free_.push_back(n);
  }

 private:
  static constexpr std::size_t kBlock = 256;
  struct Slot {
    alignas(Node) std::byte bytes[sizeof(Node)];
  };
  std::vector<std::unique_ptr<Slot[]>> blocks_;
  std::size_t used_ = kBlock;  // slots taken in the last block (none yet: no block)
  std::size_t made_ = 0;
  std::vector<Node*> free_;
};

inline void Node::operator delete(Node* n, std::destroying_delete_t) noexcept { n->pool->recycle(n); }

}  // namespace kuan::parse

// PEGTL keeps the nodes being built in a `state`; this one takes them from a pool.
namespace tao::pegtl::parse_tree::internal {
template <>
struct state<kuan::parse::Node> {
  explicit state(kuan::parse::NodePool& p) : pool(p) { emplace_back(); }
  void emplace_back() { stack.push_back(pool.make()); }
  std::unique_ptr<kuan::parse::Node>& back() noexcept { return stack.back(); }
  void pop_back() noexcept { stack.pop_back(); }

  kuan::parse::NodePool& pool;
  std::vector<std::unique_ptr<kuan::parse::Node>> stack;
};
}  // namespace tao::pegtl::parse_tree::internal

namespace kuan::parse {

// pegtl::parse_tree::parse, with the nodes from `pool` (which must outlive the result).
template <typename Rule, template <typename...> class Selector, template <typename...> class Action,
          template <typename...> class Control, typename ParseInput>
std::unique_ptr<Node> parse_tree(ParseInput& in, NodePool& pool) {
  tao::pegtl::parse_tree::internal::state<Node> st(pool);
  using control = tao::pegtl::parse_tree::internal::make_control<Node, Selector, Control>;
  if (!tao::pegtl::parse<Rule, Action, control::template type>(in, st)) return nullptr;
  return std::move(st.back());
}

}  // namespace kuan::parse
