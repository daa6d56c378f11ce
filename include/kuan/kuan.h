/* Kuan (款) — the C embedding API (C99), for C hosts and other languages' FFI.
 *
 *   kuan_error err = KUAN_ERROR_INIT;
 *   kuan_policy *p = kuan_policy_load("policies/hangzhou-ai", NULL, &err);
 *   if (!p) { fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.column, err.message); ... }
 *   const kuan_edition *ed = kuan_policy_edition_on(p, "2025-07-01", &err);
 *   kuan_facts *f = kuan_facts_new(ed);
 *   kuan_facts_set_money(f, "合同金额", "120万元", &err);
 *   kuan_facts_set_enum(f, "采购类型", "算力服务", &err);
 *   kuan_facts_set_enum(f, "算力设施档位", "一档", &err);
 *   kuan_result *r = kuan_evaluate(ed, "算力券", f, 0, &err);
 *   if (r) printf("%d %s\n", kuan_result_eligible(r), kuan_result_amount(r));  -- 1 360000.00
 *   kuan_result_free(r); kuan_facts_free(f); kuan_policy_free(p); kuan_error_clear(&err);
 *
 * Conventions
 * - Strings in and out are NUL-terminated UTF-8. Strings returned as
 *   `const char *` are owned by the object they came from and stay valid until
 *   it is freed (an edition's strings: until its policy is freed).
 * - Every object made by a *_new / *_load / *_from_text / kuan_evaluate* call
 *   is freed by the matching *_free; free functions accept NULL.
 * - Functions that can fail take a `kuan_error *` last (NULL is allowed: then
 *   the details are not reported). It must have been initialized with
 *   KUAN_ERROR_INIT (or zeroed); a call clears it and, on failure, fills it.
 *   Release its strings with kuan_error_clear.
 * - Structs the library fills (kuan_diagnostic, kuan_*_info, kuan_explanation,
 *   kuan_*_step) begin with `size`, which the caller sets to the struct's size
 *   as its header knows it — `kuan_fact_info fi = KUAN_SIZED(kuan_fact_info);`.
 *   The library fills only that many bytes, so a host built against an older
 *   header keeps working when later versions add fields at the end. A struct
 *   whose size is 0 is not filled (the call returns 0). Results, facts and
 *   policies are opaque and read through functions.
 * - No C++ exception crosses this interface; nothing calls exit or abort.
 * - A policy and its editions are immutable: any number of threads may call
 *   kuan_evaluate* on them at once. A kuan_facts is written by one thread at a
 *   time; once filled, any number of threads may evaluate it. Facts and results
 *   keep what they need alive, so a policy may be freed before them.
 * - Money is never binary floating point: it goes in as decimal text or as an
 *   integer of 分 and comes out as exact decimal text and an integer of 分.
 */
#ifndef KUAN_KUAN_H
#define KUAN_KUAN_H

#include <stddef.h>
#include <stdint.h>

/* KUAN_API marks what the shared library exports (everything else is hidden). */
#ifndef KUAN_API
#if defined(__GNUC__) || defined(__clang__)
#define KUAN_API __attribute__((visibility("default")))
#else
#define KUAN_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ errors */

typedef enum kuan_code {
  KUAN_OK = 0,
  KUAN_RULE_ERRORS = 1,         /* the rule files have errors: see the diagnostics */
  KUAN_UNKNOWN_EDITION = 2,     /* no edition of that name, or none in force on that day */
  KUAN_UNKNOWN_MEASURE = 3,
  KUAN_UNKNOWN_FACT = 4,
  KUAN_WRONG_FACT_TYPE = 5,     /* e.g. kuan_facts_set_money on a fact declared 比例 */
  KUAN_INVALID_FACT_VALUE = 6,  /* negative money, rate above 100%, unknown enumeration value, … */
  KUAN_BAD_JSON = 7,            /* position is in the JSON text (file "<json>") */
  KUAN_MISSING_FACTS = 8,       /* required facts not given (fact: the first one) */
  KUAN_EVALUATION_ERROR = 9,    /* a language error while evaluating, positioned in a rule file */
  KUAN_WRONG_EDITION = 10,      /* facts made for another edition */
  KUAN_INVALID_ARGUMENT = 11,   /* NULL handle, malformed date, … */
  KUAN_INTERNAL = 12,           /* out of memory or another unexpected failure */
  KUAN_INVALID_APPLICATION = 13 /* a 校验 of the rules failed: message is its 否则 text, position its condition */
} kuan_code;

typedef struct kuan_error {
  kuan_code code;
  char *message; /* for people; NULL when code == KUAN_OK */
  char *file;    /* rule file (or "<json>"); NULL when there is no position */
  int line;      /* 1-based; 0 when there is no position */
  int column;    /* 1-based, in characters */
  char *fact;    /* the fact concerned, or NULL */
} kuan_error;

#define KUAN_ERROR_INIT {KUAN_OK, NULL, NULL, 0, 0, NULL}
/* kuan_error's fields are fixed; details added later come through functions. */

/* An out-struct ready to be filled: its size set, everything else zero. */
#ifdef __cplusplus
#define KUAN_SIZED(type) kuan_sized_<type>()
#else
#define KUAN_SIZED(type) {.size = sizeof(type)}
#endif

/* The library's version, "MAJOR.MINOR.PATCH" (a host may check it at run time
 * against the shared library it loaded). */
KUAN_API const char *kuan_version(void);

/* Frees the strings of *error and resets it to KUAN_ERROR_INIT. */
KUAN_API void kuan_error_clear(kuan_error *error);
/* "ok", "rule_errors", "unknown_measure", … */
KUAN_API const char *kuan_code_name(kuan_code code);
/* The kind of bad input, as the stable `code` of docs/cli-json.md that every
 * host reports ("missing_fact", "bad_fact", "unknown_fact", …; "" when ok):
 * the same as kuan::api::Error::kind() for the same error. */
KUAN_API const char *kuan_error_kind(const kuan_error *error);

/* ------------------------------------------------------------- diagnostics */

typedef enum kuan_severity { KUAN_SEVERITY_ERROR = 0, KUAN_SEVERITY_WARNING = 1, KUAN_SEVERITY_NOTE = 2 } kuan_severity;

typedef struct kuan_diagnostic {
  size_t size; /* set by the caller: sizeof(kuan_diagnostic) (see KUAN_SIZED) */
  kuan_severity severity;
  const char *file; /* "" when the problem has no file */
  int line;         /* 0 when there is no position */
  int column;
  const char *message;
  const char *rendered; /* "file:line:col: error: message\n<source line>\n<caret>\n" */
} kuan_diagnostic;

typedef struct kuan_diagnostics kuan_diagnostics;

KUAN_API size_t kuan_diagnostics_count(const kuan_diagnostics *diagnostics);
/* Fills *out (strings owned by `diagnostics`); returns 0 when index is out of range. */
KUAN_API int kuan_diagnostics_get(const kuan_diagnostics *diagnostics, size_t index, kuan_diagnostic *out);
KUAN_API void kuan_diagnostics_free(kuan_diagnostics *diagnostics);

/* ----------------------------------------------------------------- policies */

typedef struct kuan_policy kuan_policy;
typedef struct kuan_edition kuan_edition; /* borrowed from its policy; never freed by itself */

/* A policy folder or one .kuan file. Returns NULL on failure (error: the first
 * rule error, code KUAN_RULE_ERRORS). When `diagnostics` is not NULL it
 * receives every diagnostic (also warnings on success); free it with
 * kuan_diagnostics_free. */
KUAN_API kuan_policy *kuan_policy_load(const char *path, kuan_diagnostics **diagnostics, kuan_error *error);
/* One edition from rule text; `name` (may be NULL) names it in diagnostics. */
KUAN_API kuan_policy *kuan_policy_from_text(const char *text, const char *name, kuan_diagnostics **diagnostics,
                                   kuan_error *error);
KUAN_API void kuan_policy_free(kuan_policy *policy);

KUAN_API size_t kuan_policy_edition_count(const kuan_policy *policy);
KUAN_API const kuan_edition *kuan_policy_edition_at(const kuan_policy *policy, size_t index); /* NULL when out of range */
KUAN_API const kuan_edition *kuan_policy_edition(const kuan_policy *policy, const char *name, kuan_error *error);
/* The edition in force on date "YYYY-MM-DD". */
KUAN_API const kuan_edition *kuan_policy_edition_on(const kuan_policy *policy, const char *date, kuan_error *error);
/* The only edition, or the one most recently in force. */
KUAN_API const kuan_edition *kuan_policy_latest(const kuan_policy *policy);

/* ----------------------------------------------------------------- metadata */

typedef struct kuan_edition_info {
  size_t size; /* set by the caller: sizeof(kuan_edition_info) (see KUAN_SIZED) */
  const char *policy_name;
  const char *name;           /* "2025年版" */
  const char *effective_from; /* "YYYY-MM-DD" */
  const char *effective_to;   /* NULL when open-ended */
  const char *rounding;       /* "四舍五入 至 0.01元" */
  size_t measure_count;
  size_t fact_count;
} kuan_edition_info;

typedef struct kuan_measure_info {
  size_t size; /* set by the caller: sizeof(kuan_measure_info) (see KUAN_SIZED) */
  const char *name;
  const char *title;        /* "" when none */
  const char *clause;       /* "(一)"; "" when written outside a clause */
  const char *clause_title;
  size_t fact_count;        /* facts the measure may read */
  size_t cap_count;
} kuan_measure_info;

typedef enum kuan_fact_type {
  KUAN_FACT_MONEY = 0,   /* 金额 */
  KUAN_FACT_RATE = 1,    /* 比例 */
  KUAN_FACT_INTEGER = 2, /* 整数 */
  KUAN_FACT_NUMBER = 3,  /* 数值 */
  KUAN_FACT_BOOL = 4,    /* 布尔 */
  KUAN_FACT_DATE = 5,    /* 日期 */
  KUAN_FACT_ENUM = 6,    /* 枚举 */
  KUAN_FACT_LIST = 7     /* 列表 { … }: given only in JSON, as an array of objects */
} kuan_fact_type;

typedef struct kuan_fact_info {
  size_t size; /* set by the caller: sizeof(kuan_fact_info) (see KUAN_SIZED) */
  const char *name;
  kuan_fact_type type;
  const char *type_name;     /* 金额 … 枚举 */
  int required;              /* neither a default nor 可选 */
  int optional;              /* declared 可选 */
  const char *default_text;  /* the default as written ("否", "0元"), or NULL */
  const char *label;         /* 标签; "" when none */
  size_t enum_count;
  const char *const *enum_values; /* enum_count names, for KUAN_FACT_ENUM */
} kuan_fact_info;

typedef struct kuan_cap_info {
  size_t size; /* set by the caller: sizeof(kuan_cap_info) (see KUAN_SIZED) */
  const char *name;
  int stacking; /* 叠加 */
} kuan_cap_info;

/* Each returns 0 (and leaves *out alone) when an argument is NULL, out->size is 0 or an index is out of range. */
KUAN_API int kuan_edition_get_info(const kuan_edition *edition, kuan_edition_info *out);
KUAN_API int kuan_edition_get_measure(const kuan_edition *edition, size_t index, kuan_measure_info *out);
KUAN_API int kuan_edition_find_measure(const kuan_edition *edition, const char *name, size_t *index);
KUAN_API int kuan_edition_get_measure_fact(const kuan_edition *edition, size_t measure, size_t index, kuan_fact_info *out);
KUAN_API int kuan_edition_get_measure_cap(const kuan_edition *edition, size_t measure, size_t index, kuan_cap_info *out);
KUAN_API int kuan_edition_get_fact(const kuan_edition *edition, size_t index, kuan_fact_info *out); /* every fact */

/* -------------------------------------------------------------------- facts */

typedef struct kuan_facts kuan_facts;

/* An empty application for `edition`. NULL only if edition is NULL or memory runs out. */
KUAN_API kuan_facts *kuan_facts_new(const kuan_edition *edition);
/* From a JSON object of facts; NULL on error. */
KUAN_API kuan_facts *kuan_facts_from_json(const kuan_edition *edition, const char *json, kuan_error *error);
KUAN_API kuan_facts *kuan_facts_copy(const kuan_facts *facts);
KUAN_API void kuan_facts_free(kuan_facts *facts);

/* Each checks the fact's name, declared type and the value. A failed setter
 * leaves the fact as it was; its error is also remembered, and kuan_evaluate
 * reports it, until the same fact is set successfully or unset (or
 * kuan_facts_clear, kuan_facts_clear_errors). A misspelt name's error goes with
 * kuan_facts_unset of that name; the other facts stay. */
KUAN_API kuan_code kuan_facts_set_money(kuan_facts *facts, const char *fact, const char *amount, kuan_error *error); /* "1234.56", "120万元" */
KUAN_API kuan_code kuan_facts_set_money_fen(kuan_facts *facts, const char *fact, int64_t fen, kuan_error *error);
KUAN_API kuan_code kuan_facts_set_rate(kuan_facts *facts, const char *fact, const char *rate, kuan_error *error); /* "0.3", "30%" */
KUAN_API kuan_code kuan_facts_set_integer(kuan_facts *facts, const char *fact, int64_t value, kuan_error *error);
KUAN_API kuan_code kuan_facts_set_number(kuan_facts *facts, const char *fact, const char *value, kuan_error *error); /* "87.5" */
KUAN_API kuan_code kuan_facts_set_bool(kuan_facts *facts, const char *fact, int value, kuan_error *error);
KUAN_API kuan_code kuan_facts_set_enum(kuan_facts *facts, const char *fact, const char *value, kuan_error *error);
KUAN_API kuan_code kuan_facts_set_date(kuan_facts *facts, const char *fact, const char *date, kuan_error *error); /* "YYYY-MM-DD" */
/* Any type, from text as a person writes it: "120万元", "30%", "是", "2025-07-01". */
KUAN_API kuan_code kuan_facts_set_text(kuan_facts *facts, const char *fact, const char *text, kuan_error *error);
/* Every member of a JSON object; all or nothing. */
KUAN_API kuan_code kuan_facts_set_json(kuan_facts *facts, const char *json, kuan_error *error);
KUAN_API kuan_code kuan_facts_unset(kuan_facts *facts, const char *fact, kuan_error *error);
KUAN_API void kuan_facts_clear(kuan_facts *facts);
/* Forgets every remembered error (e.g. of a misspelt fact name); the facts set
 * stay. kuan_facts_unset with the misspelt name forgets that one alone. */
KUAN_API void kuan_facts_clear_errors(kuan_facts *facts);
KUAN_API int kuan_facts_has(const kuan_facts *facts, const char *fact);

/* --------------------------------------------------------------- evaluation */

typedef struct kuan_result kuan_result;

#define KUAN_EXPLAIN 1u /* flag: keep the explanation */

/* NULL on error: unknown measure, facts with errors, missing required facts
 * (KUAN_MISSING_FACTS), or a language error while evaluating
 * (KUAN_EVALUATION_ERROR, with the rule's file, line and column). Not being
 * eligible is a result, not an error. */
KUAN_API kuan_result *kuan_evaluate(const kuan_edition *edition, const char *measure, const kuan_facts *facts, unsigned flags,
                           kuan_error *error);
KUAN_API kuan_result *kuan_evaluate_json(const kuan_edition *edition, const char *measure, const char *facts_json,
                                unsigned flags, kuan_error *error);
/* The same for an application dated `as_of`, "YYYY-MM-DD": which measures and
 * clauses are in force (施行 D1 至 D2 on them). NULL or "": today in China
 * (UTC+8), as kuan_evaluate. It does not choose the edition
 * (kuan_policy_edition_on does). A malformed date or a day that does not exist
 * is KUAN_INVALID_ARGUMENT. */
KUAN_API kuan_result *kuan_evaluate_as_of(const kuan_edition *edition, const char *measure, const kuan_facts *facts,
                                          unsigned flags, const char *as_of, kuan_error *error);
KUAN_API kuan_result *kuan_evaluate_json_as_of(const kuan_edition *edition, const char *measure, const char *facts_json,
                                               unsigned flags, const char *as_of, kuan_error *error);
KUAN_API void kuan_result_free(kuan_result *result);

/* A whole application: every measure the facts concern, as the JSON text
 * `kuan eval` prints without --measure ({"version", "results": [...]}: eligible
 * first, then not eligible with reasons, then "needs_facts" with the facts to
 * add; docs/cli-json.md). A measure lacking facts is an entry, not an error;
 * NULL only when the facts themselves are wrong. Free with kuan_string_free. */
KUAN_API char *kuan_evaluate_all(const kuan_edition *edition, const kuan_facts *facts, unsigned flags, kuan_error *error);
KUAN_API char *kuan_evaluate_all_json(const kuan_edition *edition, const char *facts_json, unsigned flags,
                                      kuan_error *error);
/* The same for an application dated `as_of` (as kuan_evaluate_as_of). */
KUAN_API char *kuan_evaluate_all_as_of(const kuan_edition *edition, const kuan_facts *facts, unsigned flags,
                                       const char *as_of, kuan_error *error);
KUAN_API char *kuan_evaluate_all_json_as_of(const kuan_edition *edition, const char *facts_json, unsigned flags,
                                            const char *as_of, kuan_error *error);
KUAN_API void kuan_string_free(char *text);

KUAN_API const char *kuan_result_measure(const kuan_result *result);
KUAN_API const char *kuan_result_edition(const kuan_result *result);
KUAN_API const char *kuan_result_clause(const kuan_result *result); /* "" when none */
KUAN_API int kuan_result_eligible(const kuan_result *result);
KUAN_API const char *kuan_result_amount(const kuan_result *result); /* exact decimal: "360000.00" */
/* The amount in 分; returns 0 when it is not a whole number of 分 within int64. */
KUAN_API int kuan_result_amount_fen(const kuan_result *result, int64_t *fen);
KUAN_API size_t kuan_result_reason_count(const kuan_result *result);
KUAN_API const char *kuan_result_reason(const kuan_result *result, size_t index); /* NULL when out of range */
KUAN_API const char *kuan_result_bound(const kuan_result *result);                /* the limiting cap, or NULL */
KUAN_API size_t kuan_result_note_count(const kuan_result *result);
KUAN_API const char *kuan_result_note(const kuan_result *result, size_t index);
/* The measure's named results (结果), in the order written, when eligible: each one's name
   and amount (exact decimal, may be negative: "-300.00"); NULL when out of range. */
KUAN_API size_t kuan_result_figure_count(const kuan_result *result);
KUAN_API const char *kuan_result_figure_name(const kuan_result *result, size_t index);
KUAN_API const char *kuan_result_figure_amount(const kuan_result *result, size_t index);

/* The explanation (only with KUAN_EXPLAIN). Amounts are exact decimals in 元; rates are fractions. */
typedef struct kuan_explanation {
  size_t size; /* set by the caller: sizeof(kuan_explanation) (see KUAN_SIZED) */
  const char *measure;
  const char *title;
  const char *clause;
  const char *clause_title;
  const char *file; /* where the measure is written */
  int line;
  int column;
  size_t condition_count;
  const char *rate;     /* NULL when not eligible or the measure has no rate */
  const char *base;     /* NULL likewise */
  const char *computed; /* before caps; NULL when not eligible */
  size_t cap_count;
  const char *rounding_mode; /* 四舍五入 …; NULL when not eligible */
  const char *rounding_step;
  const char *before_rounding;
} kuan_explanation;

typedef struct kuan_condition_step {
  size_t size; /* set by the caller: sizeof(kuan_condition_step) (see KUAN_SIZED) */
  const char *reason;
  int held;
  const char *file;
  int line;
  int column;
} kuan_condition_step;

typedef struct kuan_cap_step {
  size_t size; /* set by the caller: sizeof(kuan_cap_step) (see KUAN_SIZED) */
  const char *name;
  int stacking;
  int applies;       /* its 当 condition held (or it has none) */
  const char *limit; /* NULL when it does not apply */
  const char *used;  /* NULL unless it is a room (已用) */
  const char *room;
  int lowered;       /* it lowered the amount when applied */
  int bound;         /* it is kuan_result_bound */
  const char *file;
  int line;
  int column;
} kuan_cap_step;

/* Each returns 0 when there is no explanation or the index is out of range. */
KUAN_API int kuan_result_explanation(const kuan_result *result, kuan_explanation *out);
KUAN_API int kuan_result_condition(const kuan_result *result, size_t index, kuan_condition_step *out);
KUAN_API int kuan_result_cap(const kuan_result *result, size_t index, kuan_cap_step *out);

/* --------------------------------------------------------------- allocation */

/* One year's applications decided together, as `kuan allocate` does it
 * (<kuan/allocation.hpp>): running totals, quotas and pools come from the edition. */
typedef struct kuan_allocation kuan_allocation;

#define KUAN_ALLOCATE_CSV 1u /* flag: the input (or the decisions written) is CSV with a header, not JSON lines */

/* `input` (`length` bytes) is the whole year: one application a JSON line
 * {"id", "applicant", "measure", "facts": {…}}, or with KUAN_ALLOCATE_CSV CSV
 * with a header id,applicant,measure,<fact>…; `as_of` "YYYY-MM-DD" dates the
 * lines that give no date of their own (NULL: today in China). NULL when the
 * year is refused — a bad line, a repeated id, an edition that cannot be
 * allocated: KUAN_INVALID_ARGUMENT with the message, file "<input>", the line
 * and column in `input` (0 when not about one place) and fact the field or
 * column concerned (NULL when none). Every decision is made before it returns. */
KUAN_API kuan_allocation *kuan_allocate(const kuan_edition *edition, const char *input, size_t length, unsigned flags,
                                        const char *as_of, kuan_error *error);
KUAN_API void kuan_allocation_free(kuan_allocation *allocation);
/* The decisions, one per application, in input order. Each accessor returns
 * NULL (0 for counts and kuan_allocation_eligible) when `index` is out of range. */
KUAN_API size_t kuan_allocation_count(const kuan_allocation *allocation);
KUAN_API const char *kuan_allocation_id(const kuan_allocation *allocation, size_t index);
KUAN_API const char *kuan_allocation_applicant(const kuan_allocation *allocation, size_t index);
KUAN_API const char *kuan_allocation_measure(const kuan_allocation *allocation, size_t index);
/* Eligible and, under a quota or a 件数 limit, selected. */
KUAN_API int kuan_allocation_eligible(const kuan_allocation *allocation, size_t index);
/* Exact decimal 元: the amount with the applicant's rooms, before any pool … */
KUAN_API const char *kuan_allocation_amount(const kuan_allocation *allocation, size_t index);
/* … and what it is granted after the pool. */
KUAN_API const char *kuan_allocation_allocated(const kuan_allocation *allocation, size_t index);
KUAN_API const char *kuan_allocation_bound(const kuan_allocation *allocation, size_t index); /* the limiting cap, or NULL */
KUAN_API size_t kuan_allocation_reason_count(const kuan_allocation *allocation, size_t index);
KUAN_API const char *kuan_allocation_reason(const kuan_allocation *allocation, size_t index, size_t reason);
/* An eligible decision's named results (结果), in the order written, as kuan_result_figure_*. */
KUAN_API size_t kuan_allocation_figure_count(const kuan_allocation *allocation, size_t index);
KUAN_API const char *kuan_allocation_figure_name(const kuan_allocation *allocation, size_t index, size_t figure);
KUAN_API const char *kuan_allocation_figure_amount(const kuan_allocation *allocation, size_t index, size_t figure);
/* Every decision as `kuan allocate` writes it: JSON lines, or with
 * KUAN_ALLOCATE_CSV CSV with its header (a column 结果.NAME per named result);
 * free with kuan_string_free. NULL when out of memory. */
KUAN_API char *kuan_allocation_decisions(const kuan_allocation *allocation, unsigned flags);

#ifdef __cplusplus
}

/* KUAN_SIZED in C++ (a designated initializer would warn under -Wextra there). */
template <typename T>
inline T kuan_sized_() {
  T out{};
  out.size = sizeof(T);
  return out;
}
#endif

#endif /* KUAN_KUAN_H */
