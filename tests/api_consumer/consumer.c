/* Uses the installed <kuan/kuan.h> from C99: loads the policy folder given as
 * argv[1] and evaluates one application. Prints "consumer_c ok". */
#include <kuan/kuan.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  kuan_error err = KUAN_ERROR_INIT;
  kuan_policy *p;
  const kuan_edition *ed;
  kuan_facts *f;
  kuan_result *r;
  int64_t fen = 0;
  int ok;
  if (argc < 2) {
    fprintf(stderr, "usage: consumer_c POLICY\n");
    return 1;
  }
  p = kuan_policy_load(argv[1], NULL, &err);
  if (!p) {
    fprintf(stderr, "consumer_c: %s\n", err.message);
    kuan_error_clear(&err);
    return 1;
  }
  ed = kuan_policy_edition(p, "2025年版", &err);
  f = kuan_facts_new(ed);
  kuan_facts_set_money(f, "合同金额", "120万元", &err);
  kuan_facts_set_enum(f, "采购类型", "算力服务", &err);
  kuan_facts_set_enum(f, "算力设施档位", "二档", &err);
  r = kuan_evaluate(ed, "算力券", f, 0, &err);
  ok = r && kuan_result_eligible(r) && strcmp(kuan_result_amount(r), "240000.00") == 0 &&
       kuan_result_amount_fen(r, &fen) && fen == 24000000;
  if (!ok) fprintf(stderr, "consumer_c: unexpected result (%s)\n", err.message ? err.message : "no error");
  kuan_result_free(r);
  kuan_facts_free(f);
  kuan_policy_free(p);
  kuan_error_clear(&err);
  if (ok) printf("consumer_c ok\n");
  return ok ? 0 : 1;
}
