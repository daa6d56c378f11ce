/* A C host embedding Kuan through the C API: the same applications as
 * host.cpp, the same output.
 *
 *   kuan_host_c [POLICY]        (default: policies/hangzhou-ai)
 */
#include <kuan/kuan.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* Prints one result (or the error) and frees it. */
static void print(const char *id, kuan_result *r, const kuan_error *err) {
  size_t i;
  int64_t fen;
  kuan_explanation x = KUAN_SIZED(kuan_explanation);
  if (!r) {
    printf("%s error %s: %s", id, kuan_code_name(err->code), err->message);
    if (err->file) printf(" @ %s:%d:%d", base_name(err->file), err->line, err->column);
    printf("\n");
    return;
  }
  printf("%s %s eligible=%d amount=%s fen=", id, kuan_result_measure(r), kuan_result_eligible(r), kuan_result_amount(r));
  if (kuan_result_amount_fen(r, &fen)) printf("%" PRId64, fen);
  else printf("?");
  printf(" bound=%s", kuan_result_bound(r) ? kuan_result_bound(r) : "-");
  for (i = 0; i < kuan_result_reason_count(r); ++i) printf(" reason=%s", kuan_result_reason(r, i));
  for (i = 0; i < kuan_result_note_count(r); ++i) printf(" note=%s", kuan_result_note(r, i));
  printf("\n");
  if (kuan_result_explanation(r, &x)) {
    for (i = 0; i < x.cap_count; ++i) {
      kuan_cap_step c = KUAN_SIZED(kuan_cap_step);
      kuan_result_cap(r, i, &c);
      if (c.applies)
        printf("  cap %s limit=%s used=%s room=%s lowered=%d bound=%d\n", c.name, c.limit, c.used ? c.used : "-", c.room,
               c.lowered, c.bound);
    }
  }
  kuan_result_free(r);
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "policies/hangzhou-ai";
  kuan_error err = KUAN_ERROR_INIT;
  kuan_diagnostics *diagnostics = NULL;
  kuan_policy *policy;
  const kuan_edition *ed;
  kuan_edition_info info = KUAN_SIZED(kuan_edition_info);
  kuan_facts *a, *b, *d, *e, *f;
  size_t m, i;

  policy = kuan_policy_load(path, &diagnostics, &err);
  if (!policy) {
    kuan_diagnostic diag = KUAN_SIZED(kuan_diagnostic);
    for (i = 0; kuan_diagnostics_get(diagnostics, i, &diag); ++i) fputs(diag.rendered, stderr);
    kuan_diagnostics_free(diagnostics);
    kuan_error_clear(&err);
    return 1;
  }
  kuan_diagnostics_free(diagnostics);

  ed = kuan_policy_edition_on(policy, "2025-07-01", &err);
  if (!ed) {
    fprintf(stderr, "%s\n", err.message);
    kuan_error_clear(&err);
    kuan_policy_free(policy);
    return 1;
  }
  kuan_edition_get_info(ed, &info);
  printf("%s %s from %s\n", info.policy_name, info.name, info.effective_from);
  if (kuan_edition_find_measure(ed, "算力券", &m)) {
    kuan_measure_info mi = KUAN_SIZED(kuan_measure_info);
    kuan_edition_get_measure(ed, m, &mi);
    printf("measure %s %s facts:", mi.name, mi.clause);
    for (i = 0; i < mi.fact_count; ++i) {
      kuan_fact_info fi = KUAN_SIZED(kuan_fact_info);
      kuan_edition_get_measure_fact(ed, m, i, &fi);
      printf(" %s(%s%s)", fi.name, fi.type_name, fi.required ? ",required" : "");
    }
    printf("\n");
  }

  /* 1. Typed setters: money as decimal text (units allowed), enumerations. */
  a = kuan_facts_new(ed);
  kuan_facts_set_money(a, "合同金额", "120万元", &err);
  kuan_facts_set_enum(a, "采购类型", "算力服务", &err);
  kuan_facts_set_enum(a, "算力设施档位", "一档", &err);
  print("A1", kuan_evaluate(ed, "算力券", a, 0, &err), &err);

  /* 2. Money as an integer of 分, a boolean: not eligible, with the reason. */
  b = kuan_facts_new(ed);
  kuan_facts_set_money_fen(b, "合同金额", 300000000, &err);
  kuan_facts_set_enum(b, "采购类型", "模型服务", &err);
  kuan_facts_set_bool(b, "模型已备案", 0, &err);
  print("A2", kuan_evaluate(ed, "算力券", b, 0, &err), &err);

  /* 3. Facts from a JSON text; the stacking cap binds. */
  print("A3",
        kuan_evaluate_json(ed, "算力券",
                           "{\"合同金额\": 1000000, \"采购类型\": \"算力服务\", \"算力设施档位\": \"一档\","
                           " \"同一合同智能券金额\": 300000, \"智能券档位\": \"二档\"}",
                           0, &err),
        &err);

  /* 4. Another measure. */
  d = kuan_facts_new(ed);
  kuan_facts_set_money(d, "合同金额", "800000", &err);
  kuan_facts_set_enum(d, "申请主体", "高校", &err);
  kuan_facts_set_enum(d, "智能券档位", "一档", &err);
  print("A4", kuan_evaluate(ed, "智能券", d, 0, &err), &err);

  /* 5. With the explanation: the yearly room is nearly used up. */
  e = kuan_facts_new(ed);
  kuan_facts_set_money(e, "合同金额", "200万元", &err);
  kuan_facts_set_enum(e, "智能券档位", "一档", &err);
  kuan_facts_set_money(e, "本年度已申领算力券", "790万元", &err);
  print("A5", kuan_evaluate(ed, "算力券免审配套", e, KUAN_EXPLAIN, &err), &err);

  /* 6. Errors are values: a missing required fact, a fact the rules need but
   *    the application lacks (positioned in the rule file), a misspelt fact. */
  f = kuan_facts_new(ed);
  kuan_facts_set_enum(f, "采购类型", "算力服务", &err);
  print("A6", kuan_evaluate(ed, "算力券", f, 0, &err), &err);
  kuan_facts_set_money(f, "合同金额", "100万元", &err);
  print("A7", kuan_evaluate(ed, "算力券", f, 0, &err), &err);
  kuan_facts_set_money(f, "合同金頟", "1", &err);
  printf("A8 %s: %s\n", kuan_code_name(err.code), err.message);

  kuan_facts_free(a);
  kuan_facts_free(b);
  kuan_facts_free(d);
  kuan_facts_free(e);
  kuan_facts_free(f);
  kuan_error_clear(&err);
  kuan_policy_free(policy);
  return 0;
}
