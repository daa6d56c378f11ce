// A result and its explanation as JSON and text (kuan/kuan.hpp): the engine's
// one renderer (interpreter/render.hpp), over the very records it returned.
#include "api/handles.hpp"
#include "interpreter/render.hpp"
#include "kuan/kuan.hpp"

namespace kuan::api {

namespace detail {
std::string rendered(const std::function<void(std::string&)>& render) {
  return guarded_with([](const std::string&) { return std::string(); }, [&] {
    std::string out;
    render(out);
    return out;
  });
}
}  // namespace detail

using detail::rendered;

std::string to_json(const Evaluation& result) {
  return rendered([&](std::string& out) { ::kuan::append_result_json(out, result); });
}
std::string to_text(const Evaluation& result) {
  return rendered([&](std::string& out) { ::kuan::append_result_text(out, result); });
}
std::string to_json(const Explanation& explanation) {
  return rendered([&](std::string& out) { ::kuan::append_explanation_json(out, explanation); });
}
std::string to_text(const Explanation& explanation) {
  return rendered([&](std::string& out) { ::kuan::append_explanation_text(out, explanation); });
}

}  // namespace kuan::api
