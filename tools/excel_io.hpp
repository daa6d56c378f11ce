// Input and output as Chinese Excel has them, around the library's readers and
// writers: the input is decoded (GBK/GB18030 through iconv) and looked at once
// (a BOM, CRLF line ends, CSV or JSONL); CSV output gets Excel's shape (a BOM,
// CRLF at the end of each record) when asked for or when the input had it.
#pragma once

#include <iconv.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <streambuf>
#include <string>
#include <string_view>

namespace kuan::cli {

// A file or standard input ("-"), read in pieces and handed out as UTF-8.
class InputText {
 public:
  // `encoding`: "" or "utf-8" (bytes as they are), "gbk" or "gb18030" (GB18030
  // includes GBK). nullopt with `error` set when the file or encoding is wrong.
  static std::unique_ptr<InputText> open(const std::string& path, const std::string& encoding, std::string& error);
  ~InputText();
  InputText(const InputText&) = delete;
  InputText& operator=(const InputText&) = delete;

  // Up to `size` bytes of UTF-8 text; 0 at the end, −1 on an error (error()).
  long read(char* buffer, std::size_t size);
  const std::string& error() const { return error_; }

  // What the start of the input shows (read ahead, handed out later by read()).
  bool had_bom() const { return had_bom_; }
  bool crlf() const { return crlf_; }              // the first line ends in \r\n
  bool starts_like_jsonl() const { return jsonl_; }  // the first non-blank byte is '{'
  bool empty() const { return empty_; }
  const std::string& first_line() const { return first_line_; }  // without its line end, cut at 4 KiB
  std::uint64_t file_size() const { return size_; }  // of a regular file, else 0
  std::uint64_t consumed() const { return consumed_; }  // raw bytes read so far

  // The same bytes as a std::streambuf, for readers that take a std::istream.
  std::streambuf& buffer();

 private:
  InputText() = default;
  bool fill();  // reads and decodes one more piece into ready_; false at the end or on an error
  int fd_ = -1;
  bool own_fd_ = false;
  iconv_t iconv_ = reinterpret_cast<iconv_t>(-1);
  std::string raw_;    // bytes read but not yet decoded (an incomplete sequence)
  std::string ready_;  // decoded, not yet handed out
  std::size_t ready_at_ = 0;
  bool at_end_ = false, had_bom_ = false, crlf_ = false, jsonl_ = false, empty_ = true;
  std::uint64_t size_ = 0, consumed_ = 0;
  std::string error_;
  std::string encoding_;
  std::string first_line_;
  class Buf;
  std::unique_ptr<Buf> buf_;
};

// CSV bytes in Excel's shape: a UTF-8 BOM before the first byte (when `bom`),
// and "\r\n" for each '\n' that ends a record — not for one inside a quoted cell.
class ExcelCsv {
 public:
  ExcelCsv(bool bom, bool crlf) : bom_(bom), crlf_(crlf) {}
  void append(std::string_view bytes, std::string& out);
  bool changes_anything() const { return bom_ || crlf_; }

 private:
  bool bom_, crlf_;
  bool quoted_ = false;
  char last_ = 0;
};

// A std::streambuf that passes what is written through ExcelCsv to another.
class ExcelCsvStreambuf : public std::streambuf {
 public:
  ExcelCsvStreambuf(std::streambuf& to, ExcelCsv shape) : to_(to), shape_(shape) {}

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int_type overflow(int_type c) override;
  int sync() override;

 private:
  std::streambuf& to_;
  ExcelCsv shape_;
  std::string out_;
};

}  // namespace kuan::cli
