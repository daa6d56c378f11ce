// The fast front end of a JSONL batch: a well-formed line is
// read with simdjson On-Demand straight into the fact slots of one edition.
// It only ever accepts what the precise reader (json_input.cpp + facts.cpp)
// would accept, with the same values: anything unusual or wrong — a syntax
// error, an unknown or repeated key, a value of the wrong kind, a BOM, "-0",
// an "as_of" — is declined, and the caller reads that line again the precise
// way, so every message and position stays that reader's.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "interpreter/evaluator.hpp"
#include "interpreter/json_input.hpp"
#include "lang/edition.hpp"

namespace kuan::json {

// Fact names of one edition → slots, hashed once for all threads.
class FactKeyIndex {
 public:
  explicit FactKeyIndex(const Edition& edition);
  int find(std::string_view key) const;
  const Edition& edition() const { return *edition_; }

 private:
  static std::size_t hash(std::string_view key);
  const Edition* edition_;
  std::vector<int> table_;  // open addressing, -1 free; power-of-two size
  std::size_t mask_ = 0;
};

// What a fast-read line gave besides its facts. Views into the line or the
// reader's buffers: valid until the reader's next read().
struct FastApplication {
  std::string_view id, measure, applicant;
  bool has_id = false, has_applicant = false;
};

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
  bool read(std::string_view line, FastApplication& app, std::size_t readable_after = 0);
  // The facts of the last line read; cleared by the next read().
  const FactValues& facts() const { return facts_; }
  // The run's date, kept on every line it reads (a line with its own as_of is declined).
  void set_as_of(std::optional<std::int32_t> day) { facts_.as_of = day; }
  // The slots the last line wrote, in the line's order (a fact written as
  // null among them, though not present in facts()).
  const std::vector<int>& slots() const { return set_; }

 private:
  struct Parser;
  const FactKeyIndex& index_;
  std::unique_ptr<Parser> parser_;
  std::string padded_;      // the line, followed by simdjson's padding
  FactValues facts_;
  std::vector<int> set_;    // slots set by the last line, to clear
  Scalar scratch_;
};

}  // namespace kuan::json
