// The floor of the batch benchmark: what a hand-written program
// does with a JSONL batch of 算力券 applications — simdjson On-Demand, the
// rules of policies/hangzhou-ai/2025年版「(一) 算力券」coded by hand in int64
// 分, and output bytes identical to `kuan eval --batch` (tests/run_floor_test.py
// checks that). It handles only what the benchmark feeds it: a line it does
// not understand stops it with exit status 2.
//
// Usage: floor_suanliquan IN.jsonl|-   (results on standard output)
#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace od = simdjson::ondemand;

// Money as 分: digits with at most two decimals, from a JSON number or string.
bool fen(std::string_view t, std::int64_t& out) {
  std::int64_t v = 0;
  std::size_t i = 0, decimals = 0;
  bool dot = false;
  if (t.empty() || t.size() > 17) return false;
  for (; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
    decimals += dot;
  }
  if (decimals > 2 || (dot && decimals == 0)) return false;
  for (; decimals < 2; ++decimals) v *= 10;
  out = v;
  return true;
}

bool money(od::value v, std::int64_t& out) {
  std::string_view text;
  od::json_type type;
  if (v.type().get(type)) return false;
  if (type == od::json_type::string) {
    if (v.get_string().get(text)) return false;
  } else if (type == od::json_type::number) {
    text = v.raw_json_token();
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  } else {
    return false;
  }
  return fen(text, out);
}

void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

void put_fen(std::string& out, std::int64_t v) {
  char buf[24];
  char* p = buf + sizeof buf;
  const std::int64_t cents = v % 100;
  *--p = static_cast<char>('0' + cents % 10);
  *--p = static_cast<char>('0' + cents / 10);
  *--p = '.';
  v /= 100;
  do *--p = static_cast<char>('0' + v % 10), v /= 10;
  while (v);
  out.append(p, static_cast<std::size_t>(buf + sizeof buf - p));
}

struct Facts {
  std::int64_t contract = -1, cumulative = -1, used = 0, approved = -1, voucher = 0;
  int type = -1, tier = -1, voucher_tier = -1;  // 0: 模型服务 / 一档, 1: 算力服务 / 二档
  bool filed = false, sme = false, multimodal = false, matched = false;
};

int tier(std::string_view s) { return s == "一档" ? 0 : s == "二档" ? 1 : -1; }

bool read_line(od::parser& parser, const char* line, std::size_t size, std::size_t capacity, std::string& out) {
  od::document doc;
  if (parser.iterate(line, size, capacity).get(doc)) return false;
  od::object top;
  if (doc.get_object().get(top)) return false;
  std::string_view id, measure;
  bool has_id = false;
  Facts f;
  for (auto member : top) {
    std::string_view key;
    if (member.unescaped_key().get(key)) return false;
    od::value v = member.value();
    if (key == "id") {
      if (v.get_string().get(id)) return false;
      has_id = true;
    } else if (key == "measure") {
      if (v.get_string().get(measure)) return false;
    } else if (key == "facts") {
      od::object facts;
      if (v.get_object().get(facts)) return false;
      for (auto fact : facts) {
        std::string_view name, text;
        bool b = false;
        if (fact.unescaped_key().get(name)) return false;
        od::value x = fact.value();
        if (name == "合同金额") {
          if (!money(x, f.contract)) return false;
        } else if (name == "采购类型") {
          if (x.get_string().get(text)) return false;
          f.type = text == "模型服务" ? 0 : text == "算力服务" ? 1 : -1;
          if (f.type < 0) return false;
        } else if (name == "算力设施档位") {
          if (x.get_string().get(text) || (f.tier = tier(text)) < 0) return false;
        } else if (name == "智能券档位") {
          if (x.get_string().get(text) || (f.voucher_tier = tier(text)) < 0) return false;
        } else if (name == "本年度已申领算力券") {
          if (!money(x, f.used)) return false;
        } else if (name == "年度智算合同累计金额") {
          if (!money(x, f.cumulative)) return false;
        } else if (name == "核定年度上限") {
          if (!money(x, f.approved)) return false;
        } else if (name == "同一合同智能券金额") {
          if (!money(x, f.voucher)) return false;
        } else if (name == "模型已备案" || name == "中小企业" || name == "生成式多模态基础大模型企业" || name == "已申请免审配套") {
          if (x.get_bool().get(b)) return false;
          (name == "模型已备案" ? f.filed : name == "中小企业" ? f.sme : name == "已申请免审配套" ? f.matched : f.multimodal) = b;
        } else {
          return false;
        }
      }
    } else {
      return false;
    }
  }
  if (measure != "算力券" || f.contract < 0 || f.type < 0 || (f.type == 1 && f.tier < 0) || (f.voucher > 0 && f.voucher_tier < 0))
    return false;

  out += '{';
  if (has_id) out += "\"id\":", json_string(out, id), out += ',';
  out += "\"measure\":\"算力券\",\"version\":\"2025年版\",\"eligible\":";
  const bool not_filed = f.type == 0 && !f.filed;
  if (f.matched || not_filed) {
    out += "false,\"amount\":\"0.00\",\"reasons\":[";
    if (f.matched) out += "\"同一合同已申请算力券免审配套,不能再单独申请杭州算力券\"";
    if (f.matched && not_filed) out += ',';
    if (not_filed) out += "\"模型服务须依托经备案的大模型\"";
    out += "],\"bound\":null,\"clause\":\"(一)\"}\n";
    return true;
  }
  // Amounts in 1/100 分 until the one rounding at the end: rates are whole percents.
  const std::int64_t cumulative = f.cumulative >= 0 ? f.cumulative : f.contract;
  const int rate = f.sme && cumulative <= 50000000 ? 50 : f.type == 0 ? 30 : f.tier == 0 ? 30 : 20;
  std::int64_t amount = f.contract * rate;
  const char* bound = nullptr;
  if (f.voucher > 0) {
    std::int64_t room = f.contract * (f.voucher_tier == 0 ? 60 : 30) - f.voucher * 100;
    if (room < 0) room = 0;
    if (room < amount) amount = room, bound = "智能券叠加上限";
  }
  std::int64_t cap = 800000000;
  if (f.multimodal && f.approved >= 0 && f.approved > cap) cap = f.approved;
  std::int64_t room = (cap - f.used) * 100;
  if (room < 0) room = 0;
  if (room < amount) amount = room, bound = "算力券年度余额";
  const std::int64_t cents = (amount + 50) / 100;  // 四舍五入 to 0.01元
  out += "true,\"amount\":\"";
  put_fen(out, cents);
  out += "\",\"reasons\":[],\"bound\":";
  if (!bound) {
    out += "null";
  } else {
    out += '"';
    out += bound;
    out += '"';
    if (cents == 0) out += ",\"notes\":[\"上限 ", out += bound, out += " 已用尽,本次可得金额为零\"]";
  }
  out += ",\"clause\":\"(一)\"}\n";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: floor_suanliquan IN.jsonl|-\n", stderr);
    return 2;
  }
  const int fd = std::strcmp(argv[1], "-") == 0 ? 0 : ::open(argv[1], O_RDONLY);
  if (fd < 0) {
    std::perror(argv[1]);
    return 2;
  }
  constexpr std::size_t kRead = std::size_t{1} << 18;
  std::vector<char> buf(kRead * 2 + simdjson::SIMDJSON_PADDING);
  std::size_t have = 0, line_no = 0;
  std::string out;
  od::parser parser;
  for (bool eof = false; !eof;) {
    if (buf.size() < have + kRead + simdjson::SIMDJSON_PADDING) buf.resize(have + kRead + simdjson::SIMDJSON_PADDING);
    const ssize_t n = ::read(fd, buf.data() + have, kRead);
    if (n < 0) return 2;
    eof = n == 0;
    have += static_cast<std::size_t>(n);
    std::size_t start = 0;
    for (;;) {
      const char* nl = static_cast<const char*>(std::memchr(buf.data() + start, '\n', have - start));
      if (!nl && !(eof && start < have)) break;
      const std::size_t end = nl ? static_cast<std::size_t>(nl - buf.data()) : have;
      ++line_no;
      std::size_t size = end - start;
      if (size && buf[start + size - 1] == '\r') --size;
      // The bytes after a line (the next lines, then the padding) serve as simdjson's padding.
      if (size && !read_line(parser, buf.data() + start, size, buf.size() - start, out)) {
        std::fprintf(stderr, "floor_suanliquan: line %zu: not a 算力券 application this program handles\n", line_no);
        return 2;
      }
      start = nl ? end + 1 : have;
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
    std::memmove(buf.data(), buf.data() + start, have - start);
    have -= start;
  }
  return 0;
}
