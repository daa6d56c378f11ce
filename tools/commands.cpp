#include "tools/commands.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "kuan/kuan.hpp"
#include "kuan/tooling.hpp"

namespace kuan::cli {

namespace {

constexpr std::string_view kCheckHelp =
    "用法: kuan check POLICY...\n"
    "POLICY 是政策目录、版本目录或 .kuan 文件;一个没有 版本 声明的文件按其所在版本目录(连同政策目录)检查。\n"
    "检查一个或多个政策目录(或 .kuan 文件):语法、名称、类型与单位、循环定义、未处理的枚举取值、\n"
    "超出 0–100% 的比例字面量;未使用的事实给出警告。\n"
    "每条问题的格式为 文件:行:列: error: 说明,随后是该行原文和指向出错位置的 ^。\n"
    "退出状态:0 没有错误(可能有警告);1 有错误;2 用法错误。\n"
    "  --quiet         没有错误时不输出摘要\n"
    "  --format json   在标准输出写一个 JSON 对象(诊断与各版本摘要,格式见 docs/cli-json.md)";

constexpr std::string_view kDiffHelp =
    "用法: kuan diff POLICY 版本A 版本B [--facts F.json --measure M | --batch IN.jsonl]\n"
    "列出两个版本之间的变化:参数(旧值 → 新值)、事实、定义、上限、资金池、措施的新增/删除/修改,\n"
    "每项附 文件:行。给出申请时,另列出该申请在两个版本下的金额与差额。\n"
    "--format json 写一个 JSON 对象 {from, to, changes, applications}(格式见 docs/cli-json.md)。\n"
    "退出状态:0 成功;2 输入有误;1 规则文件有错误。";

constexpr std::string_view kFmtHelp =
    "用法: kuan fmt [--check] FILE|DIR... | kuan fmt -\n"
    "把规则文件改写为统一的版式:每层缩进 2 个空格,运算符两侧各一个空格,同一段内的 标签 和行尾注释\n"
    "对齐成一列,过长的行先在外层的 否则、则、按 的分支处,再在运算符前换行。保留注释、空行分组和作者的换行;\n"
    "引号内的文字(如 原文)一字不改。改写后的文本须解析为同一规则,否则不写入(内部错误)。\n"
    "  DIR      其中全部 .kuan 文件(含子目录)\n"
    "  -        从标准输入读,结果写到标准输出\n"
    "  --check  不改写;有文件未格式化时在标准输出给出统一差异(diff -u),以状态 1 退出\n"
    "  --width N  超过 N 个显示列(汉字算 2 列)的行换行,默认 120;标签 和行尾注释不计\n"
    "退出状态:0 已格式化;1 --check 发现未格式化的文件;2 文件无法读取或有语法错误;70 内部错误;74 无法写出。";

constexpr std::string_view kLspHelp =
    "用法: kuan lsp [--stdio]\n"
    "语言服务器(LSP),经标准输入输出通信:输入时给出检查结果(错误和警告,带范围),悬停显示名称的\n"
    "声明(事实的类型、参数的值和标签、措施的条款原文),跳到定义和查找引用(同一版本的各文件及其\n"
    "基础版本),补全名称和关键字,文档符号(条款、措施、参数、事实……),以及按 kuan fmt 格式化。";

constexpr std::string_view kMeasuresHelp =
    "用法: kuan measures POLICY [--version V | --as-of YYYY-MM-DD]\n"
    "按条款列出每项措施:编号、标题、计算方式(或不涉及资金),以及所需事实的类型和默认值。\n"
    "不指定版本时列出全部版本。\n"
    "  --format json   写一个 JSON 对象 {\"editions\": [...]}(格式见 docs/cli-json.md)";

constexpr std::string_view kTestHelp =
    "用法: kuan test POLICY [--version V] [--verbose] [--properties [--seed N] [--count N]]\n"
    "运行政策中全部 例(规则旁写的示例):每个失败的例给出 文件:行、预期值与实得值,\n"
    "最后一行为 \"N passed, M failed\"。有失败时退出状态为 1。\n"
    "  --format json   在标准输出写一个 JSON 对象:每个例的结果与合计(格式见 docs/cli-json.md)\n"
    "  --properties    不运行例,而对每项措施生成申请检查性质:金额非负、不超过上限、不适用得0并有理由、\n"
    "                  按版本舍入、基数(单一金额事实)增加金额不减(门槛所致者作为注报告);失败时\n"
    "                  缩减为最小反例,以可粘贴的 例 给出;并检查规则文件中作者写的 性质 { 对任意 申请 … }。\n"
    "                  最后一行 \"N passed, M failed\" 计的是性质(不带 --properties 时 性质 只做语法和类型检查)\n"
    "  --seed N        生成申请的种子(默认 1;同一种子结果相同)\n"
    "  --count N       每项措施生成的申请数(默认 200)";

constexpr std::string_view kServeHelp =
    "用法: kuan serve POLICY_DIR [--addr 127.0.0.1:8181] [--threads N] [--watch]\n"
    "             [--max-body BYTES] [--max-connections N]\n"
    "\n"
    "把规则文件作为 HTTP 服务提供(接口见 docs/http-api.md):\n"
    "  POST /v1/evaluate   一行申请(与 kuan eval --batch 的一行相同),返回那一行的结果;\n"
    "                      Content-Type: application/x-ndjson 时多行进、多行出,顺序不变\n"
    "  POST /v1/match      {\"facts\": {…}}:事实涉及的全部措施(整份申请)\n"
    "  GET  /v1/measures   GET /v1/editions   GET /health   GET /metrics   GET /(办事人员页面)\n"
    "--addr HOST:PORT  监听地址(默认 127.0.0.1:8181,只接受本机连接;端口 0 自动选择)\n"
    "--threads N       线程数(默认全部核心)\n"
    "--watch           规则文件改动后一两秒内重新载入;有错误的改动不生效,/health 报告错误\n"
    "--max-body BYTES  请求体上限(默认 8388608,超过回 413)\n"
    "--max-connections N  同时连接上限(默认 1024,超过回 503)\n"
    "--read-timeout MS 收完请求头、请求体各自的时限(默认 10000 与 30000 毫秒,超时回 408)\n"
    "--idle-timeout MS 保持连接时两次请求之间的空闲时限(默认 60000 毫秒)\n"
    "启动后在标准输出打印一行 \"kuan serve: http://HOST:PORT/\";SIGTERM 或 Ctrl-C 时答完进行中的请求后退出。";


constexpr std::string_view kEvalHelp =
    "用法:\n"
    "  kuan eval POLICY [--version V] [--as-of YYYY-MM-DD] [--measure NAME] --facts FILE.json [--format json|text] [--explain]\n"
    "  kuan eval POLICY [--version V] [--as-of YYYY-MM-DD] --batch IN.jsonl [--explain] [--jobs N] [--no-progress]\n"
    "                [--pass-through] [--in-format jsonl|csv] [--out-format jsonl|csv] [--excel]\n"
    "                [--encoding utf-8|gbk|gb18030]\n"
    "\n"
    "单项:按 FILE.json 中的事实计算措施 NAME,打印结果(默认 JSON)。\n"
    "整份申请:不写 --measure 时计算事实涉及的每项措施(读到其中至少一个事实的措施),\n"
    "      先列可申请的,再列不可申请的(附理由),再列缺少事实的(列出所需事实名);JSON 为 {\"version\", \"results\": […]}。\n"
    "批量:IN.jsonl 每行一项申请 {\"id\": …, \"measure\": …, \"facts\": {…}},每行输出一个结果;\n"
    "      不写 \"measure\" 的一行是整份申请,输出一行 {\"id\", \"version\", \"results\": […]};\n"
    "      一行可写 \"version\": \"2025年版\" 指定版本,\"explain\": true 附上说明。\n"
    "      有问题的行输出 {\"id\": …, \"line\": N, \"code\": …, \"error\": …},其余行照常计算。\n"
    "      输入边读边算(管道中先到的行先出结果),按输入顺序输出;--jobs N 用 N 个线程(默认全部核心);\n"
    "      标准错误是终端时显示进度,--no-progress 关闭。\n"
    "      一行可写 \"as_of\": \"YYYY-MM-DD\",按该日施行的正式版本计算这一行(与 \"version\" 同写时只是申请的日期);\n"
    "      --pass-through 把一行中其余的键原样(JSON 原文)带到它的结果中,否则未知的键是错误。\n"
    "      CSV:IN 以 .csv 结尾(或 --in-format csv)时按 RFC 4180 读入,表头为 measure、id、as_of 与事实名;\n"
    "      不带引号的单元格(及列名)前后的空格和制表符不算在内,带引号的原样保留;\n"
    "      布尔写 是/否/true/false,金额可带千位分隔符(1,234,567.89);输出默认与输入同格式(--out-format),\n"
    "      金额可写 ￥480,000.00;表头可用中文别名(编号→id、措施→measure、日期→as_of、申请人→applicant);\n"
    "      不是事实的列(如 企业名称)原样带到 CSV 输出的最后(JSONL 输出略去它们,给出一次警告),\n"
    "      与某个事实名只差一两个字的列仍是错误(是不是 …?);\n"
    "      CSV 输出列为 id,measure,version,eligible,amount,reasons,notes,bound,clause,line,code,error(及带过来的列);\n"
    "      --excel 写 Excel 用的 CSV(UTF-8 BOM、CRLF 换行),输入有 BOM 或 CRLF 时输出照样保留;\n"
    "      --encoding gbk(或 gb18030)读中文 Excel 存的 GBK 文件。标准输入上的 CSV 按首行识别。\n"
    "FILE 或 IN 为 - 时读标准输入。不写 --version/--as-of 时用今天施行的版本。\n"
    "--as-of(及一行的 as_of)也是申请的日期:写有 施行 的措施或条款只适用于施行期内的申请;\n"
    "与 --version 同写时只是申请的日期;都不写时为中国(UTC+8)的今天。\n"
    "退出状态:0 成功(无论是否适用);2 输入有误(事实、措施、版本或参数),此时单项模式不在标准输出打印任何内容;\n"
    "          1 规则文件本身有错误。";

constexpr std::string_view kAllocateHelp =
    "用法:\n"
    "  kuan allocate POLICY [--version V | --as-of YYYY-MM-DD] --in IN.jsonl|IN.csv [--out OUT.jsonl|OUT.csv]\n"
    "                [--in-format jsonl|csv] [--out-format jsonl|csv] [--excel] [--encoding utf-8|gbk|gb18030]\n"
    "                [--opening OPENING.jsonl|OPENING.csv] [--carry-stated]\n"
    "                [--summary FILE.json] [--report FILE.html] [--no-progress]\n"
    "\n"
    "把同一年度的全部申请放在一起决定(按申请顺序),依规则文件中的 限额 声明:\n"
    "  · 限额 … { 计 件数 每 申请人 … 超出 拒绝 }:同一申请人(按某事实分)每年的件数,超出的申请不予受理;\n"
    "  · 限额 … { 计 件数 全部 … 超出 择优 } 或措施中的 名额:\n"
    "    在单独计算即适用的申请中按 评审得分 从高到低入选(同分时先申请者优先),其余不适用;\n"
    "  · 限额 … { 计 金额 每 申请人 … 已用 F }:按申请顺序计算金额,同一申请人此前获得资助的金额用去年度余额;\n"
    "    规则中 累计 声明的事实(如 本年度已申领算力券)一行未给出时,\n"
    "    由同一申请人此前获得资助(适用且入选)的申请所得相加得出;累计 … = 全年 … 的事实(如 年度智算合同累计金额)\n"
    "    取同一申请人全年相关申请的合计;一行给出了 累计 事实时,该数只用于这一行;\n"
    "  · --carry-stated:一行给出的 累计 事实即该申请人此前的已用数,此后的申请从它接着累计;\n"
    "  · --opening FILE:期初余额(本次之前各申请人已用的数),每行 {\"applicant\": …, \"facts\": {累计事实: 已用数}}\n"
    "    或 CSV 表头 applicant,累计事实…(按 某事实 分别计的,同一行给出该事实);各累计从期初余额开始。\n"
    "    一行可写 \"period\"(CSV 的 period/期间 列):年份(期间 每年 的累计,如 2025)或 D1 至 D2(声明期间的累计);\n"
    "    本次分配的期间是 --as-of(否则今天)所在的年份或声明的期间,其他期间的余额不用(警告给出条数)。\n"
    "    本批没有申请的申请人不算错误(警告给出条数);负数、不是整分的金额、重复的余额是错误(报告 文件:行:列)。\n"
    "  · 限额 … { 计 金额 全部 … 超出 按比例 }(资金池):各措施的金额合计超出额度时按同一比例分配,向下取整到分,余下的分按最大余数逐分补足。\n"
    "输入每行 {\"id\": …, \"applicant\": …, \"measure\": …, \"facts\": {…}};CSV 的表头为 id,applicant,measure 和各事实名,\n"
    "空单元格表示未给出该事实。格式按扩展名 .csv 判断,或用 --in-format/--out-format 指定;IN 为 - 时读标准输入。\n"
    "不写 --version/--as-of 时用今天施行的版本。申请日期(措施、条款的 施行):一行的 \"as_of\"(CSV 的 as_of/日期 列),\n"
    "否则 --as-of,否则今天;一年只用一个版本,行的 as_of 只是申请日期,不另选版本。\n"
    "--excel 写 Excel 用的 CSV(UTF-8 BOM、CRLF 换行);输入有 BOM 或 CRLF 时\n"
    "输出照样保留。表头可用中文别名(编号→id、申请人→applicant、措施→measure、日期→as_of);不是事实的列(如 企业名称)\n"
    "不参与分配,给出一次警告(与某个事实名只差一两个字的列仍是错误);金额可写 ￥480,000.00;\n"
    "--encoding gbk(或 gb18030)读中文 Excel 存的 GBK 文件。标准输入上的 CSV 按首行识别。\n"
    "不写 --out 时结果写到标准输出;汇总写到标准错误,或用 --summary FILE 写成 JSON;\n"
    "--report FILE.html 另写一份自包含的 HTML 报告(各措施申请与分配、资金池、名额的入选分数线、受上限约束的申请)。\n"
    "任何一行有误(JSON、措施、事实、缺少评审得分、重复 id、缺少 applicant)时报告行号并以状态 2 退出,\n"
    "不写出任何结果(已有的 OUT 保持不变)。\n"
    "退出状态:0 成功;1 规则文件有错误;2 输入或参数有误;74 无法写出结果。";

constexpr std::string_view kReplHelp =
    "用法: kuan repl [POLICY] [--version V] [--as-of YYYY-MM-DD]\n"
    "\n"
    "交互地计算表达式、设定事实、运行措施、试写规则。POLICY 是政策目录或单个 .kuan 文件;\n"
    "不给 POLICY 时从内存中的空版本开始(可内联定义 参数/事实/措施 …)。进入后输入 :help 查看命令。\n"
    "--as-of(及 :as-of)也是申请的日期:写有 施行 的措施或条款只适用于施行期内的申请;与 --version\n"
    "同用时只是日期。不写时为今天(中国标准时间)。\n"
    "\n"
    "在终端中:行编辑、Tab 补全(措施、事实、参数名和命令)、历史记录保存在 $KUAN_HISTORY\n"
    "(未设置时为 ~/.kuan_history)。Ctrl-C 放弃当前输入,Ctrl-D 或 :quit 退出。\n"
    "标准输入不是终端时:不显示提示符和欢迎语,逐行读取;错误也写到标准输出,与结果保持先后顺序。\n"
    "退出状态:0;标准输入不是终端且有任何一行出错时为 1;POLICY 有错误时为 1;参数、版本有误时为 2。";

constexpr std::string_view kHelpHelp =
    "用法: kuan help [命令]\n"
    "不带命令时列出全部命令;kuan help 命令 显示该命令的帮助(同 kuan 命令 --help)。\n"
    "  --man   写出 man 手册页 kuan.1(由同一份帮助生成;cmake --install 装到 share/man/man1)";

constexpr std::string_view kCompletionHelp =
    "用法: kuan completion bash|zsh|fish\n"
    "在标准输出写一段 shell 补全脚本:补全命令、选项和选项的取值;--version 补全政策目录中的版本名,\n"
    "--measure 补全措施名(补全时由 kuan 从命令行上的 POLICY 读出)。装入方法:\n"
    "  bash:  kuan completion bash > ~/.local/share/bash-completion/completions/kuan\n"
    "  zsh:   kuan completion zsh > ~/.zfunc/_kuan(并在 .zshrc 中 fpath+=(~/.zfunc); autoload -U compinit; compinit)\n"
    "  fish:  kuan completion fish > ~/.config/fish/completions/kuan.fish\n"
    "(kuan completion --names editions|measures POLICY 列出名称,供补全脚本调用。)";

constexpr std::string_view kVersionHelp =
    "用法: kuan version(同 kuan --version)\n"
    "显示 kuan 的版本。";

const std::vector<Option> kEditionChoice = {{"--version", ValueKind::Edition}, {"--as-of", ValueKind::Date}};

std::vector<Option> with(std::vector<Option> first, const std::vector<Option>& more) {
  first.insert(first.end(), more.begin(), more.end());
  return first;
}

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"check", "POLICY...", "检查规则文件;有错误时逐条列出并以状态 1 退出", kCheckHelp,
       {{"--quiet"}, {"--format", ValueKind::Choice, "json text"}}, ValueKind::Folder, cmd_check},
      {"eval", "POLICY ...", "按规则计算一项申请(--facts)或一批申请(--batch)", kEvalHelp,
       with(kEditionChoice, {{"--measure", ValueKind::Measure},
                             {"--facts", ValueKind::File},
                             {"--batch", ValueKind::File},
                             {"--format", ValueKind::Choice, "json text"},
                             {"--explain"},
                             {"--jobs", ValueKind::Text},
                             {"--no-progress"},
                             {"--pass-through"},
                             {"--in-format", ValueKind::Choice, "jsonl csv"},
                             {"--out-format", ValueKind::Choice, "jsonl csv"},
                             {"--excel"},
                             {"--encoding", ValueKind::Choice, "utf-8 gbk gb18030"}}),
       ValueKind::Folder, cmd_eval},
      {"test", "POLICY", "运行政策中全部 例,最后一行为 N passed, M failed", kTestHelp,
       {{"--version", ValueKind::Edition},
        {"--format", ValueKind::Choice, "json text"},
        {"--verbose"},
        {"--properties"},
        {"--seed", ValueKind::Text},
        {"--count", ValueKind::Text}},
       ValueKind::Folder, cmd_test},
      {"measures", "POLICY", "按条款列出措施、计算方式和所需事实", kMeasuresHelp,
       with(kEditionChoice, {{"--format", ValueKind::Choice, "json text"}}), ValueKind::Folder, cmd_measures},
      {"repl", "[POLICY]", "交互式:计算表达式、设定事实、运行措施、试写规则", kReplHelp, kEditionChoice, ValueKind::Folder,
       cmd_repl},
      {"diff", "POLICY A B", "列出两个版本之间的变化;可按申请比较金额", kDiffHelp,
       {{"--facts", ValueKind::File},
        {"--measure", ValueKind::Measure},
        {"--batch", ValueKind::File},
        {"--format", ValueKind::Choice, "json text"}},
       ValueKind::Folder, cmd_diff},
      {"allocate", "POLICY ...", "同一年度的全部申请一起分配:企业年度累计、名额、资金池按比例", kAllocateHelp,
       with(kEditionChoice, {{"--in", ValueKind::File},
                             {"--out", ValueKind::File},
                             {"--in-format", ValueKind::Choice, "jsonl csv"},
                             {"--out-format", ValueKind::Choice, "jsonl csv"},
                             {"--excel"},
                             {"--encoding", ValueKind::Choice, "utf-8 gbk gb18030"},
                             {"--opening", ValueKind::File},
                             {"--carry-stated"},
                             {"--summary", ValueKind::File},
                             {"--report", ValueKind::File},
                             {"--no-progress"}}),
       ValueKind::Folder, cmd_allocate},
      {"fmt", "FILE|DIR...", "把规则文件改写为统一版式;--check 只检查并给出差异", kFmtHelp,
       {{"--check"}, {"--width", ValueKind::Text}}, ValueKind::Folder, cmd_fmt},
      {"lsp", "", "语言服务器(LSP,标准输入输出),供编辑器使用", kLspHelp, {{"--stdio"}}, ValueKind::None, cmd_lsp},
      {"serve", "POLICY_DIR", "HTTP 服务:/v1/evaluate、/v1/match、/health、/metrics 与办事人员页面", kServeHelp,
       {{"--addr", ValueKind::Text},
        {"--threads", ValueKind::Text},
        {"--watch"},
        {"--max-body", ValueKind::Text},
        {"--max-connections", ValueKind::Text},
        {"--read-timeout", ValueKind::Text},
        {"--idle-timeout", ValueKind::Text}},
       ValueKind::Folder, cmd_serve},
      {"help", "[命令]", "显示某个命令的帮助", kHelpHelp, {{"--man"}}, ValueKind::None, cmd_help},
      {"completion", "bash|zsh|fish", "写出 shell 补全脚本", kCompletionHelp, {{"--names", ValueKind::Choice, "editions measures"}},
       ValueKind::None, cmd_completion},
      {"version", "", "显示 kuan 的版本(亦可 kuan --version)", kVersionHelp, {}, ValueKind::None, cmd_version},
  };
  return table;
}

const Command* find_command(std::string_view name) {
  for (const Command& c : commands())
    if (c.name == name) return &c;
  return nullptr;
}

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const Command& c : commands()) names.emplace_back(c.name);
  return names;
}

std::string overview() {
  std::string out = "用法: kuan <命令> [参数]\n\n命令:\n";
  auto left_of = [](const Command& c) {
    return "  " + std::string(c.name) + (c.synopsis.empty() ? "" : " " + std::string(c.synopsis));
  };
  std::size_t column = 0;  // the summaries start in one column, after the widest command (命令 takes 4 columns, not 6 bytes)
  for (const Command& c : commands())
    if (c.listed) column = std::max(column, api::display_width(left_of(c)) + 2);
  for (const Command& c : commands()) {
    if (!c.listed) continue;
    std::string left = left_of(c);
    left.append(column - api::display_width(left), ' ');
    out += left + std::string(c.summary) + "\n";
  }
  out +=
      "\n"
      "kuan help 命令(或 kuan 命令 --help)显示该命令的帮助。POLICY 是政策目录(如 policies/hangzhou-ai)或单个 .kuan 文件。\n"
      "命令中的 --version NAME(同 --edition NAME)指政策的版本,如 2025年版;-- 之后的参数一律按位置参数处理。\n";
  return out;
}

std::optional<int> start_command(std::string_view name, int argc, char** argv, Args& args) {
  const Command* command = find_command(name);
  if (!command) {  // a row missing from the table is the program's mistake, not the user's
    std::fprintf(stderr, "kuan: 内部错误: 命令表中没有 %.*s\n", static_cast<int>(name.size()), name.data());
    return 70;
  }
  std::vector<std::string> with_value, flags = {"--help"};
  for (const Option& o : command->options) (o.value == ValueKind::None ? flags : with_value).emplace_back(o.name);
  if (auto err = parse_args(argc, argv, 2, with_value, flags, args)) {
    std::fprintf(stderr, "kuan %.*s: %s(见 kuan help %.*s)\n", static_cast<int>(name.size()), name.data(), err->c_str(),
                 static_cast<int>(name.size()), name.data());
    return kExitBadInput;
  }
  if (args.has_flag("--help")) {
    std::fwrite(command->help.data(), 1, command->help.size(), stdout);
    std::fputc('\n', stdout);
    return kExitOk;
  }
  return std::nullopt;
}

int cmd_help(int argc, char** argv) {
  Args args;
  if (auto done = start_command("help", argc, argv, args)) return *done;
  if (args.has_flag("--man")) {
    std::fputs(man_page(api::version()).c_str(), stdout);
    return kExitOk;
  }
  if (args.positional.empty()) {
    std::fputs(overview().c_str(), stdout);
    return kExitOk;
  }
  const std::string wanted = args.positional[0];
  if (args.positional.size() > 1) {
    std::fputs("kuan help: 只能给一个命令(见 kuan help help)\n", stderr);
    return kExitBadInput;
  }
  const Command* command = find_command(wanted);
  if (!command) {
    std::fprintf(stderr, "kuan help: 未知命令 %s%s(kuan help 列出全部命令)\n", wanted.c_str(),
                 api::did_you_mean(wanted, command_names()).c_str());
    return kExitBadInput;
  }
  std::fwrite(command->help.data(), 1, command->help.size(), stdout);
  std::fputc('\n', stdout);
  return kExitOk;
}

int cmd_version(int argc, char** argv) {
  Args args;
  if (auto done = start_command("version", argc, argv, args)) return *done;
  std::printf("kuan %s\n", api::version());
  return kExitOk;
}

}  // namespace kuan::cli
