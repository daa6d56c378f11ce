// The fast front end of a JSONL batch: a well-formed line is
// read with simdjson On-Demand straight into the fact slots of one edition.
// It only ever accepts what the precise reader (json_input.cpp + facts.cpp)
// would accept, with the same values: anything unusual or wrong — a syntax
// error, an unknown or repeated key, a value of the wrong kind, a BOM, "-0",
// an "as_of" — is declined, and the caller reads that line again the precise
// way, so every message and position stays that reader's.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "interpreter/evaluator.hpp"
#include "interpreter/json_input.hpp"
#include "lang/edition.hpp"

namespace kuan::json {

// The names a line of one edition uses — its facts (→ slots), measures and
// enumeration values — hashed once for all threads. A probe compares a name's
// length and first and last eight bytes kept in the table itself (no pointer
// chasing to the declaration), the middle only when longer.
class FactKeyIndex {
 public:
  explicit FactKeyIndex(const Edition& edition);
  int find(std::string_view key) const;
  // The same, trying first whether `key` names fact `guess` (lines of a batch
  // mostly write their facts in the same order): no hashing when it does.
  int find(std::string_view key, int guess) const;
  // The measure of that name (as Edition::find_measure), or null.
  const MeasureInfo* measure(std::string_view name) const;
  // The index of `text` among the values of enumeration `enum_id`, or −1.
  int enum_value(int enum_id, std::string_view text) const;
  const Edition& edition() const { return *edition_; }

  // Matching in place, for the scanner: `p` is just past a string's opening
  // quote in a line ending at `end` (padded: eight bytes past `end` may be
  // read). A match is the name's bytes, then the closing quote — so the string
  // holds exactly that name, as no name matched this way holds a byte JSON
  // escapes. Each returns past the closing quote, or null.
  // Fact `slot`'s name.
  const char* fact_at(int slot, const char* p, const char* end) const;
  // Measure m's name.
  const char* measure_at(const MeasureInfo& m, const char* p, const char* end) const;
  // A value of enumeration `enum_id` (its index in `value`).
  const char* enum_at(int enum_id, const char* p, const char* end, int& value) const;

 private:
  struct Entry {
    std::uint64_t head = 0, tail = 0;  // the name's first and last (up to) eight bytes
    const char* name = nullptr;
    std::uint32_t size = 0;
    std::int32_t slot = -1;  // -1: free
    bool plain = false;      // no byte JSON escapes: may be matched in place
    bool is(std::string_view key, std::uint64_t key_head, std::uint64_t key_tail) const;
    const char* at(const char* p, const char* end) const;
  };
  static Entry entry(std::string_view name, int slot);
  static std::size_t hash(std::uint64_t head, std::uint64_t tail, std::size_t size);
  const Edition* edition_;
  static void insert(std::vector<Entry>& table, const Entry& e);
  static int lookup(const std::vector<Entry>& table, std::string_view key, std::uint64_t head, std::uint64_t tail);
  std::vector<Entry> table_, measures_;  // open addressing, a quarter full at most; power-of-two sizes
  std::vector<Entry> by_slot_;           // each fact's name, by slot
  std::vector<Entry> measure_names_;     // each measure's name, in the edition's order
  std::vector<std::vector<Entry>> enums_;  // each enumeration's values, in order
};

// What a fast-read line gave besides its facts. Views into the line or the
// reader's buffers: valid until the reader's next read().
struct FastApplication {
  std::string_view id, measure, applicant;
  const MeasureInfo* measure_info = nullptr;  // the measure named, when the edition has it
  bool has_id = false, has_applicant = false;
  bool id_plain = false;  // the id holds nothing JSON escapes ('"', '\\', control characters): it is written as it is
};

// How a line's facts are bound. Values: each slot's Value and its fixed-point
// copy (FactValues::set), for any evaluator. FixedOnly: plain money,
// enumerations and booleans straight into the fixed-point lanes (present,
// fixed) and nothing else — `values` is left as it was — which is all the
// compiled form reads (decide_compiled, interpreter/compiled.hpp); anything
// else it binds as Values does.
enum class Binding { Values, FixedOnly };

// One per thread: owns simdjson's parser and reusable buffers.
class FastLineReader {
 public:
  explicit FastLineReader(const FactKeyIndex& index);
  ~FastLineReader();
  FastLineReader(const FastLineReader&) = delete;
  FastLineReader& operator=(const FastLineReader&) = delete;

  // simdjson reads up to this many bytes past the end of a line.
  static constexpr std::size_t kPadding = 64;

  // True when the line was read: `app` and `facts()` hold it. False: read it
  // the precise way (it may be fine, only unusual). When at least kPadding
  // bytes after the line may be read (`readable_after`), it is read in place;
  // otherwise it is copied first.
  bool read(std::string_view line, FastApplication& app, std::size_t readable_after = 0,
            Binding binding = Binding::Values);
  // The facts of the last line read; cleared by the next read().
  const FactValues& facts() const { return facts_; }
  // The run's date, kept on every line it reads (a line with its own as_of is declined).
  void set_as_of(std::optional<std::int32_t> day) { facts_.as_of = day; }
  // The slots the last line wrote, in the line's order (a fact written as
  // null among them, though not present in facts()).
  const std::vector<int>& slots() const { return set_; }
  // Whether the last line read was taken by the hand-written scanner (lines in
  // the usual shape) rather than by simdjson (tests).
  bool scanned() const { return scanned_; }

 private:
  struct Parser;
  struct Cursor;  // where the scanner is in a line
  void reset();
  // The hand-written scanner for lines in the usual shape;
  // false: not taken, read() goes on with simdjson.
  bool scan(std::string_view line, FastApplication& app, bool values);
  bool scan_facts(Cursor& in, const MeasureInfo* measure, bool values);
  bool parse(const char* text, std::size_t size, std::size_t capacity, FastApplication& app, bool values);
  // Binding one fact (both readers): a value that fits fixed point, its Value
  // made only when asked for; any Value; plain money text.
  template <class MakeValue>
  void put(int slot, fixed::Fx x, bool values, MakeValue make_value);
  void put_value(int slot, Value v);
  // Text or a number's token typed by the fact (convert_fact); false: refused.
  bool convert(int slot, Scalar::Kind kind, std::string_view text);
  bool put_money(int slot, std::string_view text, bool values);  // false: not plain money
  void put_money(int slot, fixed::Fx x, bool values);            // plain money read
  const FactKeyIndex& index_;
  std::unique_ptr<Parser> parser_;
  std::string padded_;      // the line, followed by simdjson's padding
  FactValues facts_;
  std::vector<int> set_;    // slots set by the last line, to clear
  std::vector<int> nulls_;  // of them, those written as null
  std::vector<int> valued_; // of them, those whose Value was set
  // The fact that followed fact f in the last line of measure m that had f
  // (lines of a batch mostly write their facts in the same order): tried first,
  // in place. Index (m + 1) × (facts + 1) + f + 1; m, f −1: none yet.
  std::vector<int> next_;
  const MeasureInfo* last_measure_ = nullptr;  // the measure of the last line scanned: tried first
  bool scanned_ = false;
  Scalar scratch_;
};

}  // namespace kuan::json
