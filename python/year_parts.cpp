// kuan.dask.allocate's steps in C++, so that no step handles a Python object
// per application: lines, quota candidates, pool remainders and decisions
// travel between the workers and the client as packed bytes, each entry
// tagged with its place in the year (file index << 40 | line number), and
// every loop over them runs here without the GIL. What only the whole year
// knows (quota ranks, who gets a leftover cent) is decided on the client from
// those compact summaries, by the rules one Allocator over the whole year
// applies (services/allocate.cpp), and imposed on the parts through the
// Allocator's part API (<kuan/allocation.hpp>).
//
// The steps, as kuan/dask.py calls them:
//   split_year(data, file_index, parts)   a file's lines → per part (by applicant) and per id bucket
//   edition._year_part(blobs) → YearPart  a part: its applicants' lines, in application order
//   duplicate_ids(blobs)                  the first id given twice in one id bucket
//   part.quota_candidates() → rank_quotas(all) → part.finish(ranks)
//   part.pool_totals() → part.remainders(…) → largest_remainders(all, k) → part.set_pool(…)
//   part.decisions(files) → merge_decisions(per file)
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>
#include <queue>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <unordered_map>
#include <vector>

#include "convert.hpp"
#include "handles.hpp"
#include "kuan/allocation.hpp"

namespace kuan::python {

namespace {

constexpr int kLineBits = 40;  // a place: file index << 40 | line number (as kuan/dask.py's _place)

// ---------------------------------------------------------------- packing

void put_u64(std::string& out, std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_u32(std::string& out, std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_text(std::string& out, std::string_view s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

// Reads what the put_ functions wrote; a blob that ends early (not made here) is a ValueError.
class Unpacker {
 public:
  explicit Unpacker(std::string_view blob) : rest_(blob) {}
  bool done() const { return rest_.empty(); }
  std::uint64_t u64() { return fixed<std::uint64_t>(); }
  std::uint32_t u32() { return fixed<std::uint32_t>(); }
  std::string_view text() {
    const std::uint32_t n = u32();
    need(n);
    std::string_view s = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return s;
  }

 private:
  template <typename T>
  T fixed() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, rest_.data(), sizeof v);
    rest_.remove_prefix(sizeof v);
    return v;
  }
  void need(std::size_t n) const {
    if (rest_.size() < n) throw py::value_error("kuan.dask 的分块数据不完整");
  }
  std::string_view rest_;
};

std::string_view view(const py::bytes& b) {
  char* data = nullptr;
  Py_ssize_t size = 0;
  PyBytes_AsStringAndSize(b.ptr(), &data, &size);
  return {data, static_cast<std::size_t>(size)};
}

std::vector<std::string_view> views(const std::vector<py::bytes>& blobs) {
  std::vector<std::string_view> out;
  out.reserve(blobs.size());
  for (const auto& b : blobs) out.push_back(view(b));
  return out;
}

py::list bytes_list(const std::vector<std::string>& blobs) {
  py::list out;
  for (const auto& b : blobs) out.append(py::bytes(b));
  return out;
}

// A bucket that is the same in every process (Python's str hash is salted per process): FNV-1a.
std::uint32_t bucket(std::string_view key, std::uint32_t buckets) {
  std::uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : key) h = (h ^ c) * 1099511628211ull;
  return static_cast<std::uint32_t>(h % buckets);
}

py::int_ int128(__int128 v) {
  const bool negative = v < 0;
  unsigned __int128 u = negative ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u);
  if (negative) digits.insert(digits.begin(), '-');
  return py::int_(py::reinterpret_steal<py::object>(PyLong_FromString(digits.c_str(), nullptr, 10)));
}

// The applicant and id of a JSONL line for the split, without parsing its
// facts: the line's top-level members are scanned and the values of
// "applicant" and "id" taken as written when they are plain strings (no
// escape, no control character). Whenever the scan is unsure — an escape,
// a number, a member given twice, anything malformed — it returns nothing
// and the line goes to api::application_key (the Allocator's own reading).
// The part that gets the line reads it fully again and refuses it if bad:
// the scan only chooses its part and where its id is checked.
class KeyScan {
 public:
  explicit KeyScan(std::string_view line) : s_(line) {}

  std::optional<api::ApplicationKey> run() {
    api::ApplicationKey key;
    bool has_applicant = false, has_id = false;
    space();
    if (!eat('{')) return std::nullopt;
    space();
    if (eat('}')) return end(key);
    for (;;) {
      std::string_view name;
      if (!plain_string(name)) return std::nullopt;
      space();
      if (!eat(':')) return std::nullopt;
      space();
      const bool is_applicant = name == "applicant", is_id = name == "id";
      if (is_applicant || is_id) {
        bool& seen = is_applicant ? has_applicant : has_id;
        std::string_view value;
        if (seen || !plain_string(value)) return std::nullopt;
        seen = true;
        (is_applicant ? key.applicant : key.id) = std::string(value);
      } else if (!skip_value()) {
        return std::nullopt;
      }
      space();
      if (eat('}')) return end(key);
      if (!eat(',')) return std::nullopt;
      space();
    }
  }

 private:
  std::optional<api::ApplicationKey> end(api::ApplicationKey& key) {
    space();
    if (at_ != s_.size()) return std::nullopt;
    return std::move(key);
  }
  void space() {
    while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\r' || s_[at_] == '\n')) ++at_;
  }
  bool eat(char c) {
    if (at_ >= s_.size() || s_[at_] != c) return false;
    ++at_;
    return true;
  }
  // A string with no escape and no control character: its contents.
  bool plain_string(std::string_view& out) {
    if (!eat('"')) return false;
    const std::size_t start = at_;
    for (; at_ < s_.size(); ++at_) {
      const auto c = static_cast<unsigned char>(s_[at_]);
      if (c == '"') {
        out = s_.substr(start, at_++ - start);
        return true;
      }
      if (c == '\\' || c < 0x20) return false;
    }
    return false;
  }
  // Any value, as far as where it ends (its contents are the full reading's business).
  bool skip_value() {
    const std::size_t start = at_;
    int depth = 0;
    for (; at_ < s_.size(); ++at_) {
      const char c = s_[at_];
      if (c == '"') {
        for (++at_; at_ < s_.size() && s_[at_] != '"'; ++at_)
          if (s_[at_] == '\\') ++at_;
        if (at_ >= s_.size()) return false;
        if (depth == 0) return ++at_, true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) return at_ > start;  // after a number or a literal
        if (--depth == 0) return ++at_, true;
      } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
        return at_ > start;
      }
    }
    return depth == 0 && at_ > start;
  }

  std::string_view s_;
  std::size_t at_ = 0;
};

api::ApplicationKey application_key_of(std::string_view line) {
  if (auto key = KeyScan(line).run()) return std::move(*key);
  return api::application_key(line);
}

// ------------------------------------------------------------- the steps

// A file's lines (its bytes, file index) → ([per part: place, line], [per id bucket: place, id]).
// Blank lines are skipped but counted, as the command counts them; a line's
// '\n' and a final '\r' are removed.
py::tuple split_year(const py::bytes& data, std::uint64_t file_index, std::uint32_t parts) {
  if (parts == 0) throw py::value_error("parts 须 ≥ 1");
  if (file_index >= (std::uint64_t{1} << (63 - kLineBits))) throw py::value_error("输入文件过多");
  const std::string_view all = view(data);
  std::vector<std::string> lines(parts), ids(parts);
  {
    py::gil_scoped_release unlocked;
    for (auto& to : lines) to.reserve(all.size() / parts + all.size() / parts / 8);
    std::uint64_t number = 0;
    for (std::size_t at = 0; at < all.size();) {
      std::size_t end = all.find('\n', at);
      if (end == std::string_view::npos) end = all.size();
      std::string_view line = all.substr(at, end - at);
      at = end + 1;
      ++number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.find_first_not_of(" \t\r\xef\xbb\xbf") == std::string_view::npos) continue;
      const std::uint64_t place = file_index << kLineBits | number;
      const api::ApplicationKey key = application_key_of(line);
      std::string& to = lines[bucket(key.applicant, parts)];
      put_u64(to, place);
      put_text(to, line);
      if (!key.id.empty()) {
        std::string& by_id = ids[bucket(key.id, parts)];
        put_u64(by_id, place);
        put_text(by_id, key.id);
      }
    }
  }
  return py::make_tuple(bytes_list(lines), bytes_list(ids));
}

// The first id given twice among an id bucket's pieces (one per file, in file
// order): (place of the second, id, place of the first), or None.
py::object duplicate_ids(const std::vector<py::bytes>& blobs) {
  const auto pieces = views(blobs);
  std::optional<std::tuple<std::uint64_t, std::string, std::uint64_t>> first_found;
  {
    py::gil_scoped_release unlocked;
    std::unordered_map<std::string_view, std::uint64_t> seen;
    for (const auto piece : pieces)
      for (Unpacker in(piece); !in.done();) {
        const std::uint64_t place = in.u64();
        const std::string_view id = in.text();
        auto [it, fresh] = seen.emplace(id, place);
        if (fresh) continue;
        if (!first_found || place < std::get<0>(*first_found))
          first_found.emplace(place, std::string(id), std::min(it->second, place));
      }
  }
  if (!first_found) return py::none();
  return py::make_tuple(std::get<0>(*first_found), std::get<1>(*first_found), std::get<2>(*first_found));
}

// The year's ranks from every part's quota candidates (per part: place, index,
// quota, group, score), by the Allocator's own rule (api::rank_quota_candidates).
// Returns, per part, its (index, rank) pairs.
py::list rank_quotas(const std::vector<py::bytes>& blobs) {
  const auto pieces = views(blobs);
  std::vector<std::string> ranks(pieces.size());
  std::optional<api::AllocationError> err;
  {
    py::gil_scoped_release unlocked;
    std::vector<api::QuotaRankCandidate> all;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> where;  // (part, index) of each
    for (std::uint32_t p = 0; p < pieces.size(); ++p)
      for (Unpacker in(pieces[p]); !in.done();) {
        api::QuotaRankCandidate c{};
        c.order = in.u64();
        where.emplace_back(p, in.u32());
        c.quota = in.text(), c.group = in.text(), c.score = in.text();
        all.push_back(c);
      }
    auto ranked = api::rank_quota_candidates(all);
    if (auto* e = std::get_if<api::AllocationError>(&ranked)) {
      err = std::move(*e);
    } else {
      const auto& rank = std::get<std::vector<std::uint32_t>>(ranked);
      for (std::size_t i = 0; i < all.size(); ++i) {
        put_u32(ranks[where[i].first], where[i].second);
        put_u32(ranks[where[i].first], rank[i]);
      }
    }
  }
  if (err) throw py::value_error(err->message);
  return bytes_list(ranks);
}

// The (remainder, place) with the k-th largest remainder over every part's
// list (ties go to the earlier place), by the Allocator's own rule
// (api::give_leftover_cents): the last record that gets a leftover cent.
// None when k is 0.
py::object largest_remainders(const std::vector<py::bytes>& blobs, std::uint64_t k) {
  if (k == 0) return py::none();
  const auto pieces = views(blobs);
  std::vector<api::LeftoverCentCandidate> all;
  bool enough = false;
  {
    py::gil_scoped_release unlocked;
    for (const auto piece : pieces)
      for (Unpacker in(piece); !in.done();) {
        const std::uint64_t r = in.u64();
        all.push_back({r, in.u64()});
      }
    enough = api::give_leftover_cents(all, static_cast<std::size_t>(k));
  }
  if (!enough) throw py::value_error("余下的分多于有余数的申请");
  return py::make_tuple(all[k - 1].remainder, all[k - 1].order);
}

// Every part's decisions for one input file (per part: place, line), merged in application order.
py::bytes merge_decisions(const std::vector<py::bytes>& blobs) {
  const auto pieces = views(blobs);
  std::string out;
  {
    py::gil_scoped_release unlocked;
    std::vector<Unpacker> in;
    using Head = std::tuple<std::uint64_t, std::string_view, std::size_t>;  // place, line, piece
    std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
    std::size_t size = 0;
    for (const auto piece : pieces) size += piece.size(), in.emplace_back(piece);
    out.reserve(size);
    auto next = [&](std::size_t p) {
      if (in[p].done()) return;
      const std::uint64_t place = in[p].u64();
      heads.emplace(place, in[p].text(), p);
    };
    for (std::size_t p = 0; p < in.size(); ++p) next(p);
    while (!heads.empty()) {
      const auto [place, line, p] = heads.top();
      heads.pop();
      out.append(line);
      next(p);
    }
  }
  return py::bytes(out);
}

// ------------------------------------------------------------- one part

// A part of the year on one worker: every line of its applicants, in
// application order, and the Allocator that decides them. Never pickled: it
// stays on its worker through the steps. All its state is one optional, so
// an instance made without the module (zeroed storage) holds none.
struct YearPart : ZeroedStorage {
  struct State {
    PyEdition edition;  // keeps the policy alive
    api::Allocator allocator;
    std::vector<std::uint64_t> places;  // per record, in add() order
    std::map<int, std::vector<std::pair<std::uint64_t, std::uint32_t>>> remainders_of;  // pool → (remainder, record)
  };
  YearPart(const PyEdition& e, api::Allocator a) : state(State{e, std::move(a), {}, {}}) {}
  std::optional<State> state;

  State& s() {
    if (!state) not_initialised();
    return *state;
  }
  // The opening balances (`--opening`: a whole JSONL or CSV file), before
  // read(): every part reads all of them, and uses those of its applicants.
  // An error names the opening file's line (kuan.dask checks it on the
  // client first).
  void opening(const py::bytes& data, bool csv) {
    State& st = s();
    std::istringstream in{std::string(data)};
    std::optional<api::AllocationError> err;
    {
      py::gil_scoped_release unlocked;
      err = st.allocator.read_opening(in, csv ? api::AllocationFormat::Csv : api::AllocationFormat::Jsonl);
    }
    if (err) raise(allocation_error(*err));
  }
  // Adds the lines of every piece (one per input file, in file order); the
  // part numbers them 1, 2, …: place(line) maps an error back to the year.
  void read(const std::vector<py::bytes>& blobs) {
    State& st = s();
    const auto pieces = views(blobs);
    std::optional<api::AllocationError> err;
    {
      py::gil_scoped_release unlocked;
      for (const auto piece : pieces)
        for (Unpacker in(piece); !in.done() && !err;) {
          st.places.push_back(in.u64());
          err = st.allocator.add(in.text(), st.places.size());
        }
    }
    if (err) raise(allocation_error(*err));
  }

  std::uint64_t place(std::size_t line) {
    const auto& places = s().places;
    if (line == 0 || line > places.size()) throw py::index_error("没有这一行");
    return places[line - 1];
  }

  // Place, index, quota, group, score of each application competing for a quota (rank_quotas).
  py::bytes quota_candidates() {
    State& st = s();
    std::variant<std::vector<api::Allocator::QuotaCandidate>, api::AllocationError> found;
    std::string out;
    {
      py::gil_scoped_release unlocked;
      found = st.allocator.quota_candidates();
      if (auto* list = std::get_if<0>(&found))
        for (const auto& c : *list) {
          put_u64(out, st.places.at(c.index));
          put_u32(out, static_cast<std::uint32_t>(c.index));
          put_text(out, c.quota);
          put_text(out, c.group);
          put_text(out, c.score);
        }
    }
    if (auto* e = std::get_if<api::AllocationError>(&found)) raise(allocation_error(*e));
    return py::bytes(out);
  }

  // The year's ranks (this part's (index, rank) pairs from rank_quotas), then
  // the amounts with the applicants' rooms. Returns {pool: Σ amount in 分}.
  py::dict finish(const py::bytes& ranks) {
    State& st = s();
    api::Allocator& a = st.allocator;
    std::vector<std::uint32_t> dense(st.places.size(), 0);
    for (Unpacker in(view(ranks)); !in.done();) {
      const std::uint32_t index = in.u32(), rank = in.u32();
      if (index >= dense.size()) throw py::value_error("名次的申请序号超出本部分");
      dense[index] = rank;
    }
    std::optional<api::AllocationError> err;
    std::map<int, __int128> totals;
    {
      py::gil_scoped_release unlocked;
      err = a.finish_part(dense);
      if (!err)
        for (const auto& s : a.pool_shares()) totals[s.pool] += s.amount_fen;
    }
    if (err) raise(allocation_error(*err));
    py::dict out;
    for (const auto& [pool, total] : totals) out[py::int_(pool)] = int128(total);
    return out;
  }

  // A pool over its size: each amount × cents / total floored to the 分.
  // Returns (Σ floors, [remainder, place] sorted remainder down, place up) for largest_remainders.
  py::tuple remainders(int pool, std::int64_t total, std::int64_t cents) {
    if (total <= 0 || cents < 0) throw py::value_error("资金池的合计须 > 0");
    State& st = s();
    const auto& places = st.places;
    __int128 floors = 0;
    std::string out;
    {
      py::gil_scoped_release unlocked;
      auto& mine = st.remainders_of[pool];
      mine.clear();
      for (const auto& share : st.allocator.pool_shares()) {
        if (share.pool != pool) continue;
        const __int128 scaled = static_cast<__int128>(share.amount_fen) * cents;
        floors += scaled / total;
        if (const auto r = static_cast<std::uint64_t>(scaled % total)) mine.emplace_back(r, static_cast<std::uint32_t>(share.index));
      }
      std::sort(mine.begin(), mine.end(), [&](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : places[a.second] < places[b.second];
      });
      for (const auto& [r, index] : mine) put_u64(out, r), put_u64(out, places[index]);
    }
    return py::make_tuple(int128(floors), py::bytes(out));
  }

  // The year's total of a pool, and the last (remainder, place) that gets a
  // leftover cent (None: no cent is left over): every record of this part at
  // or before it gets one.
  void set_pool(int pool, std::int64_t total, const std::optional<std::pair<std::uint64_t, std::uint64_t>>& last) {
    State& st = s();
    std::vector<std::size_t> extra;
    if (last)
      for (const auto& [r, index] : st.remainders_of[pool])
        if (r > last->first || (r == last->first && st.places[index] <= last->second)) extra.push_back(index);
    if (!st.allocator.set_pool(pool, total, extra)) throw py::value_error("没有这个资金池或记录");
  }

  // The decisions, per input file (`files` of them): place, line with its '\n'.
  py::list decisions(std::size_t files) {
    State& st = s();
    const auto& places = st.places;
    const api::Allocator& a = st.allocator;
    std::vector<std::string> out(files);
    {
      py::gil_scoped_release unlocked;
      std::string line;
      for (std::size_t i = 0; i < places.size(); ++i) {
        const std::size_t file = places[i] >> kLineBits;
        if (file >= files) continue;  // only what the caller asked for (never happens from kuan.dask)
        line.clear();
        a.decision(i, api::AllocationFormat::Jsonl, line);
        put_u64(out[file], places[i]);
        put_text(out[file], line);
      }
    }
    return bytes_list(out);
  }
};

// `as_of`: the applications' date for lines without their own (kuan.dask
// gives every part the same one, as `kuan allocate --as-of` gives one run).
// `carry_stated`: `--carry-stated` (per applicant, so per part alike).
YearPart year_part(const PyEdition& e, const py::object& as_of, bool carry_stated) {
  const std::string day = as_of_option(e.policy(), as_of);  // ValueError when it is not a day
  auto a = api::Allocator::create(e.edition());
  if (auto* err = std::get_if<api::AllocationError>(&a)) raise(allocation_error(*err));
  auto& allocator = std::get<api::Allocator>(a);
  if (!day.empty())
    if (auto err = allocator.set_as_of(day)) raise(allocation_error(*err));
  allocator.set_carry_stated(carry_stated);
  return YearPart(e, std::move(allocator));
}

}  // namespace

void bind_year_parts(py::module_& m, py::class_<PyEdition>& edition) {
  m.def("_split_year", &split_year, py::arg("data"), py::arg("file_index"), py::arg("parts"));
  m.def("_duplicate_ids", &duplicate_ids, py::arg("pieces"));
  m.def("_rank_quotas", &rank_quotas, py::arg("candidates"));
  m.def("_largest_remainders", &largest_remainders, py::arg("remainders"), py::arg("k"));
  m.def("_merge_decisions", &merge_decisions, py::arg("pieces"));
  edition.def("_year_part", &year_part, py::arg("as_of") = py::none(), py::arg("carry_stated") = false);
  py::class_<YearPart> part(m, "_YearPart");
  made_by_the_module(part, "用 edition._year_part()");
  part.def("opening", &YearPart::opening, py::arg("data"), py::arg("csv"))
      .def("read", &YearPart::read, py::arg("pieces"))
      .def("place", &YearPart::place, py::arg("line"))
      .def("quota_candidates", &YearPart::quota_candidates)
      .def("finish", &YearPart::finish, py::arg("ranks"))
      .def("remainders", &YearPart::remainders, py::arg("pool"), py::arg("total"), py::arg("cents"))
      .def("set_pool", &YearPart::set_pool, py::arg("pool"), py::arg("total"), py::arg("last"))
      .def("decisions", &YearPart::decisions, py::arg("files"))
      .def_property_readonly("size", [](YearPart& p) { return p.s().places.size(); });
}

}  // namespace kuan::python
