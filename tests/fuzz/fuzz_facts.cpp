// A JSON facts document → every measure of the shipped 2025年版 evaluated with
// it, through the library (as `kuan eval --facts`) and through the embedding API.
#include <cstdint>
#include <string>
#include <string_view>

#include <kuan/kuan.hpp>

#include "interpreter/facts.hpp"
#include "interpreter/json_input.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

const kuan::api::Edition& api_edition() {
  static const kuan::api::Edition edition = [] {
    auto loaded = kuan::api::Policy::load(KUAN_SOURCE_DIR "/policies/hangzhou-ai");
    if (!loaded) kuan::fuzz::fail("setup", loaded.rendered());
    auto ed = loaded.policy->edition("2025年版");
    if (!ed) kuan::fuzz::fail("setup", ed.error().message);
    return *ed;
  }();
  return edition;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kuan;
  const std::string_view doc(reinterpret_cast<const char*>(data), size);
  const Edition& ed = fuzz::shipped_edition();
  auto parsed = json::parse_facts(doc);
  bool library_ok = false;
  if (auto* e = std::get_if<json::InputError>(&parsed)) {
    if (e->line == 0 || e->column == 0) fuzz::fail("json-position", e->message);
  } else {
    auto bound = bind_facts(ed, std::get<json::FactsObject>(parsed).fields);
    if (auto* facts = std::get_if<FactValues>(&bound)) {
      library_ok = true;
      for (const auto& m : ed.measures) fuzz::evaluate_checked(ed, m, *facts);
    }
  }
  // The API must agree on whether the document is usable, and never fail internally.
  auto facts = api_edition().facts_from_json(doc);
  if (!facts && facts.error().code == api::ErrorCode::Internal) fuzz::fail("api-internal", facts.error().message);
  if (facts.ok() != library_ok) fuzz::fail("api-differential", "the API and the library disagree about the facts");
  if (!facts) return 0;
  for (const auto& m : api_edition().measures()) {
    auto r = api_edition().evaluate(m.name, *facts, {.explain = true});
    if (!r && r.error().code == api::ErrorCode::Internal) fuzz::fail("api-internal", r.error().message);
  }
  return 0;
}
