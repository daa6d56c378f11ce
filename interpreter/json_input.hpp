// Reading facts documents and JSONL batch lines without ever routing a
// number through double: money must stay exactly as the applicant wrote it.
// nlohmann/json is used only inside json_input.cpp to keep it out of every
// translation unit that merely consumes the parsed result.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kuan::json {

struct Field;

struct Scalar {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  // Number: raw JSON number text exactly as written ("1234.50", "1e3", "-5");
  // integers that fit 64 bits are re-rendered from their value, which is
  // exact. String: unescaped UTF-8 contents. Otherwise empty.
  std::string text;
  bool boolean = false;
  // Array (a fact's value, for a list fact): its elements' members, one
  // element after another; `ends[i]` is where element i's members end. A
  // member's own array or object is kept as its kind only, without contents.
  std::vector<Field> members;
  std::vector<std::size_t> ends;
  std::size_t not_object = 0;  // 1 + the index of the first element that is not an object; 0: none
};

struct Field {
  std::string name;
  Scalar value;
  // Byte offsets of the member's key and value in the document it was read from,
  // so a fact's problem can be reported at its place; 0 when not read from a
  // document (a CSV cell). A list item's members have none.
  std::size_t key_at = 0, value_at = 0;
};

// line and column are 1-based; column counts Unicode code points on that line
// so editors that show character columns agree with the report.
struct InputError {
  std::string message;
  std::size_t line = 1;
  std::size_t column = 1;
  std::optional<std::string> id;  // a batch line's id, when it was read before the error
};

struct FactsObject {
  std::vector<Field> fields;  // document order
};

// One JSONL batch line:
//   {"id": "...", "applicant": "...", "measure": "...", "facts": {...}}
struct Application {
  std::string id;  // a JSON string, or an integer kept as its text
  bool has_id = false;
  std::string applicant;
  bool has_applicant = false;
  std::string measure;
  bool has_measure = false;
  std::vector<Field> facts;
  std::string as_of;  // "as_of": "YYYY-MM-DD", the day whose edition applies (unchecked text)
  bool has_as_of = false;
  std::string version;  // "version": "2025年版", the edition by name (unchecked text)
  bool has_version = false;
  bool explain = false;  // "explain": true, the result with its explanation
  // With ApplicationOptions::pass_through: every other top-level member,
  // its value as the exact JSON text written, in document order.
  std::vector<std::pair<std::string, std::string>> extras;
};

struct ApplicationOptions {
  bool pass_through = false;  // keep unknown top-level keys (Application::extras) instead of refusing them
  bool measure_optional = false;  // a line without "measure" is a whole application (has_measure false)
};

// The document must be one JSON object whose members are facts. An array of
// objects is kept one level deep (a list fact's items: Scalar::members); other
// array/object member values are reported as Kind::Array/Kind::Object without
// contents, and the caller rejects them naming the fact. An array longer than
// limits::kMaxListItems is refused at the element past the limit.
std::variant<FactsObject, InputError> parse_facts(std::string_view document);

// "measure" and "facts" are required; "id", "applicant" and "as_of" are
// optional; any other top-level key is an error unless passed through.
std::variant<Application, InputError> parse_application(std::string_view line, const ApplicationOptions& options = {});

}  // namespace kuan::json
