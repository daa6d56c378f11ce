// One bad input through the C++ and the C API: prints each host's error kind
// (the stable code of docs/cli-json.md, "ok" when there was no error) and the
// fact the error names ("-" when none), for tests/run_error_kinds.py to compare
// with the CLI, `kuan serve` and Python.
//   error_kinds_hosts POLICY MEASURE FACTS_JSON [as_of=YYYY-MM-DD | version=NAME]
#include <cstdio>
#include <string>
#include <string_view>

#include "kuan/kuan.h"
#include "kuan/kuan.hpp"

namespace {

struct Reported {
  std::string kind = "ok", fact = "-";
};

struct Choice {
  std::string as_of, version;  // at most one is set; neither: the latest edition
};

Reported of(const kuan::api::Error& e) { return {e.kind(), e.fact.empty() ? "-" : e.fact}; }

Reported cpp_kind(const char* policy, const char* measure, const char* facts, const Choice& choice) {
  auto loaded = kuan::api::Policy::load(policy);
  if (!loaded.ok()) return {"rule_errors"};
  const kuan::api::Policy& p = *loaded.policy;
  auto edition = !choice.as_of.empty()     ? p.edition_on(choice.as_of)
                 : !choice.version.empty() ? p.edition(choice.version)
                                           : kuan::api::Result<kuan::api::Edition>(p.latest());
  if (!edition.ok()) return of(edition.error());
  auto r = edition->evaluate_json(measure, facts);
  return r.ok() ? Reported{} : of(r.error());
}

Reported c_kind(const char* policy, const char* measure, const char* facts, const Choice& choice) {
  kuan_error err = KUAN_ERROR_INIT;
  kuan_policy* p = kuan_policy_load(policy, nullptr, &err);
  Reported out;
  if (p) {
    const kuan_edition* ed = !choice.as_of.empty()     ? kuan_policy_edition_on(p, choice.as_of.c_str(), &err)
                             : !choice.version.empty() ? kuan_policy_edition(p, choice.version.c_str(), &err)
                                                       : kuan_policy_latest(p);
    if (ed)
      if (kuan_result* r = kuan_evaluate_json(ed, measure, facts, 0, &err)) kuan_result_free(r);
    kuan_policy_free(p);
  }
  if (err.code != KUAN_OK) out = {kuan_error_kind(&err), err.fact ? err.fact : "-"};
  kuan_error_clear(&err);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::fprintf(stderr, "usage: error_kinds_hosts POLICY MEASURE FACTS_JSON [as_of=DATE | version=NAME]\n");
    return 2;
  }
  Choice choice;
  if (argc == 5) {
    const std::string_view arg = argv[4];
    if (arg.starts_with("as_of=")) choice.as_of = arg.substr(6);
    else if (arg.starts_with("version=")) choice.version = arg.substr(8);
    else return std::fprintf(stderr, "error_kinds_hosts: not as_of= or version=: %s\n", argv[4]), 2;
  }
  const Reported cpp = cpp_kind(argv[1], argv[2], argv[3], choice);
  const Reported c = c_kind(argv[1], argv[2], argv[3], choice);
  std::printf("cpp=%s cpp_fact=%s c=%s c_fact=%s\n", cpp.kind.c_str(), cpp.fact.c_str(), c.kind.c_str(), c.fact.c_str());
  return 0;
}
