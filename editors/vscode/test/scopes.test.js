// Scope tests of the Kuan TextMate grammar (editors/vscode/syntaxes/kuan.tmLanguage.json),
// tokenized the way VS Code does it, with vscode-textmate and vscode-oniguruma:
//  1. key tokens of fixture.kuan get the scopes listed below;
//  2. every keyword of lang/grammar.hpp is highlighted as a keyword (or constant/type);
//  3. on every shipped rule file: comments, strings and numbers with units are whole
//     tokens of the right scope, and the scopes match the snapshot in snapshots/.
// Usage: node scopes.test.js --root REPO [--update]
'use strict';
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const args = process.argv.slice(2);
const root = path.resolve(args.includes('--root') ? args[args.indexOf('--root') + 1] : path.join(__dirname, '../../..'));
const update = args.includes('--update');
const grammarPath = path.join(root, 'editors/vscode/syntaxes/kuan.tmLanguage.json');
const snapshotDir = path.join(__dirname, 'snapshots');

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === 'source.kuan' ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  return registry.loadGrammar('source.kuan');
}

// [{line, text, scopes}] for the non-blank tokens of a file.
function tokenize(grammar, text) {
  const out = [];
  let stack = vsctm.INITIAL;
  text.split('\n').forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      const s = line.substring(t.startIndex, t.endIndex);
      if (s.trim() === '') continue;
      out.push({ line: i + 1, col: t.startIndex + 1, text: s, scopes: t.scopes.filter((x) => x !== 'source.kuan') });
    }
    stack = r.ruleStack;
  });
  return out;
}

const has = (tok, prefix) => tok.scopes.some((s) => s === prefix || s.startsWith(prefix + '.'));
const innermost = (tok) => tok.scopes[tok.scopes.length - 1] || '';

let failures = 0;
function check(cond, message) {
  if (!cond) {
    failures++;
    console.error('FAIL: ' + message);
  }
}

function expectScope(tokens, text, prefix, nth = 0) {
  const found = tokens.filter((t) => t.text.trim() === text);
  const tok = found[nth];
  check(tok, `fixture: no token "${text}" (#${nth})`);
  if (tok) check(has(tok, prefix), `fixture: "${text}" at ${tok.line}:${tok.col} has [${tok.scopes}], want ${prefix}`);
}

function fixtureTests(grammar) {
  const tokens = tokenize(grammar, fs.readFileSync(path.join(__dirname, 'fixture.kuan'), 'utf8'));
  const expectations = [
    ['# 注释:覆盖语法的每一类记号', 'comment.line.number-sign'],
    ['政策', 'keyword.declaration'],
    ['测试政策', 'string.quoted.double'],
    ['示例', 'constant.language.status'],
    ['2025-06-13', 'constant.numeric.date'],
    ['四舍五入', 'support.constant.rounding'],
    ['0.01', 'constant.numeric'],
    ['元', 'keyword.other.unit'],
    ['(一)', 'entity.name.section.clause'],
    ['原文,含 # 号、“引号”和 "双引号"', 'string.quoted.other.corner'],
    ['「', 'string.quoted.other.corner'],
    ['门槛', 'entity.name.constant.parameter'],
    ['万元', 'keyword.other.unit'],
    ['标签', 'keyword.other'],
    ['\\"', 'constant.character.escape'],
    ['亿元', 'keyword.other.unit'],
    ['个百分点', 'keyword.other.unit'],
    ['合同金额', 'entity.name.variable.fact'],
    ['金额', 'support.type'],
    ['枚举', 'support.type'],
    ['可选', 'keyword.other'],
    ['否', 'constant.language.boolean'],
    ['年度上限', 'entity.name.function.definition'],
    ['若', 'keyword.control'],
    ['且', 'keyword.operator.logical'],
    ['有', 'keyword.other'],
    ['则', 'keyword.control'],
    ['max', 'support.function'],
    ['否则', 'keyword.control'],
    ['年度余额', 'entity.name.type.cap'],
    ['已用', 'keyword.other'],
    ['>', 'keyword.operator.comparison'],
    ['池', 'entity.name.type.pool'],
    ['覆盖', 'keyword.other'],
    ['已申领', 'entity.name.variable.fact'],
    ['全年', 'keyword.other'],
    ['于', 'keyword.other'],
    ['补贴', 'entity.name.function.measure', 2],
    ['需要', 'keyword.other'],
    ['≥', 'keyword.operator.comparison'],
    ['非', 'keyword.operator.logical'],
    ['or', 'keyword.operator.logical'],
    ['not', 'keyword.operator.logical'],
    ['“', 'string.quoted.double.curly'],
    ['比例', 'keyword.other.item'],
    ['按', 'keyword.control'],
    ['|', 'punctuation.separator.pattern'],
    ['=>', 'keyword.operator.arrow'],
    ['%', 'keyword.other.unit'],
    ['其他', 'keyword.control'],
    ['％', 'keyword.other.unit'],
    ['基数', 'keyword.other.item'],
    ['×', 'keyword.operator.arithmetic'],
    ['-', 'keyword.operator.arithmetic'],
    ['*', 'keyword.operator.arithmetic'],
    ['÷', 'keyword.operator.arithmetic'],
    ['/', 'keyword.operator.arithmetic'],
    ['−', 'keyword.operator.arithmetic'],
    ['叠加上限', 'entity.name.type.cap'],
    ['得', 'keyword.other'],
    ['受限', 'keyword.other'],
    ['# 行尾注释', 'comment.line.number-sign'],
    ['true', 'constant.language.boolean'],
    ['不适用', 'keyword.other', 1],
    ['性质', 'keyword.declaration.property'],
    ['补贴', 'entity.name.function.measure', 6],
    ['对任意', 'keyword.control.quantifier'],
    ['申请', 'variable.parameter'],
    ['适用', 'variable.other'],
    ['修订', 'keyword.declaration'],
    ['删除', 'keyword.declaration'],
    ['旧措施', 'entity.name.function.measure'],
    ['月数', 'support.type'],
    ['累进', 'keyword.control'],
    ['至', 'keyword.other', 2],
    ['速算扣除数', 'keyword.control'],
    ['以上', 'keyword.control'],
    ['以下', 'keyword.control'],
    ['不含', 'keyword.control'],
    ['含', 'keyword.control'],
    ['校验', 'keyword.declaration'],
    ['错误', 'keyword.other'],
    ['可为负', 'keyword.other'],
    ['结果', 'keyword.other.item', 0],
    ['结果', 'keyword.other.item', 1],
    ['元/月', 'keyword.other.unit'],
    ['个月', 'keyword.other.unit'],
    ['{', 'punctuation.section.block'],
    [',', 'punctuation.separator.comma'],
    ['列表', 'support.type'],
    ['合计', 'keyword.other.aggregate'],
    ['最大', 'support.function'],
    ['计数', 'keyword.other.aggregate'],
    ['[', 'punctuation.section.brackets'],
    ['施行', 'keyword.declaration', 2],
    ['施行', 'keyword.declaration', 1],
    ['施行中', 'support.function'],
    ['于', 'keyword.other', 1],
    // A refusal text by 按 arm after 校验 … 否则 and a limit's 超出 拒绝.
    ['一档超期', 'string.quoted.double'],
    ['限额', 'keyword.declaration.limit'],
    ['件数', 'keyword.other.limit'],
    ['拒绝', 'keyword.other.limit'],
    ['按', 'keyword.control', 3],
    ['满额', 'string.quoted.double'],
    ['已满', 'string.quoted.double'],
    // A named progressive schedule, and 累进 X 按 N applying it.
    ['累进表', 'keyword.declaration.schedule'],
    ['税率表', 'entity.name.type.schedule'],
  ];
  for (const [text, scope, nth] of expectations) expectScope(tokens, text, scope, nth);
  // A reference to a name is a variable, and a keyword inside a name is not a keyword.
  const names = tokenize(grammar, '定义 x = 若中小企业 且 门槛\n');
  check(names.some((t) => t.text === '若中小企业' && has(t, 'variable.other')), '若中小企业 is one name');
  check(names.some((t) => t.text === '门槛' && has(t, 'variable.other')), '门槛 is a variable');
}

// Every keyword the parser knows, from lang/grammar.hpp.
function keywordTests(grammar) {
  const source = fs.readFileSync(path.join(root, 'lang/grammar.hpp'), 'utf8');
  const words = new Set();
  for (const m of source.matchAll(/TAO_PEGTL_STRING\("([^"]+)"\)/g)) if (!/^[=<>!]/.test(m[1])) words.add(m[1]);
  check(words.size > 50, `read only ${words.size} keywords from lang/grammar.hpp`);
  const units = new Set(['亿元', '万元', '元', '个百分点']);
  for (const w of words) {
    // Units follow a number; measure items (基数 = …) are keywords only before '=', 结果 only before
    // a name and '=', 施行中 only before '('.
    const line = units.has(w) ? `1${w}` : ['比例', '基数', '金额', '名额'].includes(w) ? `${w} = 1`
      : w === '结果' ? `${w} 税额 = 1` : w === '施行中' ? `${w}(M)` : w;
    const toks = tokenize(grammar, line + '\n');
    const tok = toks.find((t) => t.text === w);
    check(tok && (has(tok, 'keyword') || has(tok, 'constant') || has(tok, 'support')),
          `keyword ${w} from lang/grammar.hpp is not highlighted (${tok ? tok.scopes : 'no token'})`);
  }
}

function ruleFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...ruleFiles(p));
    else if (e.name.endsWith('.kuan')) out.push(p);
  }
  return out.sort();
}

function shippedFileTests(grammar) {
  const files = [...ruleFiles(path.join(root, 'policies')), ...ruleFiles(path.join(root, 'examples'))];
  check(files.length > 0, 'no rule files under policies/');
  const expectedSnapshots = new Set();
  for (const file of files) {
    const rel = path.relative(root, file);
    const text = fs.readFileSync(file, 'utf8');
    const tokens = tokenize(grammar, text);
    for (const t of tokens) {
      const where = `${rel}:${t.line}:${t.col} "${t.text}"`;
      if (t.text.startsWith('#') && !has(t, 'string')) check(has(t, 'comment'), `${where} should be a comment`);
      if (has(t, 'comment')) check(t.text.startsWith('#') || t.scopes.length > 1, `${where} is not a comment`);
      if (/^[「“]/.test(t.text) && !has(t, 'comment')) check(has(t, 'string'), `${where} should be a string`);
      if (/^\d+(\.\d+)?$/.test(t.text) && !has(t, 'string') && !has(t, 'comment'))
        check(has(t, 'constant.numeric'), `${where} should be a number`);
      check(!has(t, 'invalid'), `${where} is invalid`);
    }
    // No text of a policy file is left without a scope outside comments and strings.
    const bare = tokens.filter((t) => t.scopes.length === 0);
    check(bare.length === 0, `${rel}: tokens without a scope: ${bare.slice(0, 5).map((t) => `${t.line}:${t.col} "${t.text}"`)}`);

    const snapshot = tokens.map((t) => `${t.line}:${t.col}\t${t.text}\t${t.scopes.join(' ')}`).join('\n') + '\n';
    const snapName = rel.replace(/[\/\\]/g, '__') + '.snap';
    expectedSnapshots.add(snapName);
    const snapPath = path.join(snapshotDir, snapName);
    if (update) {
      fs.mkdirSync(snapshotDir, { recursive: true });
      fs.writeFileSync(snapPath, snapshot);
    } else if (!fs.existsSync(snapPath)) {
      check(false, `${rel}: no snapshot ${snapName} (run with --update)`);
    } else {
      const want = fs.readFileSync(snapPath, 'utf8');
      if (want !== snapshot) {
        const a = want.split('\n'), b = snapshot.split('\n');
        let i = 0;
        while (i < a.length && a[i] === b[i]) i++;
        check(false, `${rel}: scopes differ from ${snapName} (run with --update if intended)\n  want: ${a[i]}\n  got:  ${b[i]}`);
      }
    }
  }
  if (update && fs.existsSync(snapshotDir))
    for (const f of fs.readdirSync(snapshotDir)) if (!expectedSnapshots.has(f)) fs.unlinkSync(path.join(snapshotDir, f));
  return files.length;
}

(async () => {
  const grammar = await loadGrammar();
  fixtureTests(grammar);
  keywordTests(grammar);
  const n = shippedFileTests(grammar);
  if (failures) {
    console.error(`${failures} failure(s)`);
    process.exit(1);
  }
  console.log(`grammar scopes ok: fixture, keywords of lang/grammar.hpp, ${n} rule files${update ? ' (snapshots updated)' : ''}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
