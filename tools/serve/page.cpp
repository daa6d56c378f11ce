// The officer's page (tools/serve/page.hpp): one HTML document with its
// style and script inline. Amounts stay decimal text end to end: the script
// sends what the officer typed (with its unit) and shows what the service
// computed; it never does arithmetic on money.
#include "tools/serve/page.hpp"

namespace kuan::serve {

namespace {

constexpr std::string_view kPage = R"PAGE(<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>政策兑现计算 · 款</title>
<style>
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0; background: #f5f6f8; color: #222; }
header { background: #9b1c1c; color: #fff; padding: 12px 24px; }
header h1 { margin: 0; font-size: 20px; }
header small { opacity: .8; }
main { display: flex; gap: 24px; padding: 20px 24px; flex-wrap: wrap; }
form, #result { background: #fff; border-radius: 6px; padding: 16px 20px; box-shadow: 0 1px 3px rgba(0,0,0,.1); }
form { flex: 1 1 420px; max-width: 560px; }
#result { flex: 1 1 420px; min-height: 120px; }
.row { display: grid; grid-template-columns: 11em 1fr; gap: 4px 10px; align-items: center; margin: 8px 0; }
.row label { text-align: right; }
.row .opt { color: #888; font-size: 12px; margin-left: 4px; }
.row .req { color: #b00; margin-left: 2px; }
.row .field { display: flex; gap: 6px; align-items: center; }
.row input[type=text] { width: 12em; }
.row .err { grid-column: 2; color: #b00; font-size: 13px; }
.row.bad input, .row.bad select { border-color: #b00; outline: 1px solid #b00; }
.hint { color: #888; font-size: 12px; }
button { background: #9b1c1c; color: #fff; border: 0; border-radius: 4px; padding: 8px 24px; font-size: 15px; cursor: pointer; }
#general { color: #b00; margin: 8px 0; }
.card { border: 1px solid #ddd; border-radius: 4px; padding: 10px 14px; margin: 10px 0; }
.card.eligible { border-left: 4px solid #1a7f37; }
.card.not_eligible { border-left: 4px solid #b00; }
.card.needs_facts, .card.error { border-left: 4px solid #b58900; }
.amount { font-size: 22px; font-weight: bold; }
.verdict { font-weight: bold; }
pre.explain { white-space: pre-wrap; background: #fafafa; border: 1px solid #eee; padding: 8px; font-size: 13px; }
h2 { font-size: 16px; margin: 14px 0 4px; }
footer { color: #888; font-size: 12px; padding: 0 24px 16px; }
</style>
</head>
<body>
<header><h1>政策兑现计算</h1><small>按规则文件计算补贴金额、是否适用及依据条款</small></header>
<main>
<form id="form" novalidate>
  <div class="row"><label for="edition">政策版本</label><div class="field"><select id="edition"></select></div></div>
  <div class="row"><label for="measure">措施</label><div class="field"><select id="measure"></select></div></div>
  <div class="row"><label for="as_of">申请日期</label><div class="field"><input type="date" id="as_of"><span class="hint">不填为今天;有施行期限的措施、条款按此日判断</span></div></div>
  <p class="hint">带 <span class="req">*</span> 的为必填事实;标“可选”或“默认”的可以不填。</p>
  <div id="facts"></div>
  <div id="general" role="alert"></div>
  <button type="submit" id="submit">计算</button>
</form>
<section id="result" aria-live="polite"><p class="hint">填写事实后点“计算”。</p></section>
</main>
<footer id="footer"></footer>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
let catalogue = null;   // GET /v1/measures
let fields = [];        // the facts shown: {name, kind, values, requirement, id}

function esc(s) { return String(s).replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"}[c])); }

// "0.3" → "30": the decimal point moved two places, on the text (never through a float).
function percent(fraction) {
  let neg = fraction.startsWith("-"); let s = neg ? fraction.slice(1) : fraction;
  let [i, f = ""] = s.split(".");
  f = f.padEnd(2, "0");
  let whole = (i + f.slice(0, 2)).replace(/^0+(?=\d)/, ""); let rest = f.slice(2).replace(/0+$/, "");
  return (neg ? "-" : "") + whole + (rest ? "." + rest : "");
}

function kindOf(type) {
  if (type.startsWith("枚举")) return "enum";
  return {"金额": "money", "比例": "rate", "整数": "integer", "数值": "number", "布尔": "bool", "日期": "date"}[type] || "text";
}
function enumValues(type) {
  const m = type.match(/\{(.*)\}/);
  return m ? m[1].split(",").map((v) => v.trim()).filter((v) => v) : [];
}

function edition() { return catalogue.editions.find((e) => e.edition === $("edition").value); }
function measuresOf(ed) {
  const list = [];
  for (const c of ed.clauses) for (const m of c.measures) list.push({clause: c.ref + " " + c.title, m});
  for (const m of ed.other_measures || []) list.push({clause: "", m});
  return list;
}

function fillMeasures() {
  const sel = $("measure");
  sel.innerHTML = "<option value=\"\">全部措施(按事实列出可申请的措施)</option>";
  let group = null, last = null;
  for (const {clause, m} of measuresOf(edition())) {
    if (clause !== last) { group = document.createElement("optgroup"); group.label = clause || "其他"; sel.appendChild(group); last = clause; }
    const o = document.createElement("option");
    o.value = m.name; o.textContent = m.name + (m.title ? " — " + m.title : "");
    group.appendChild(o);
  }
  fillFacts();
}

function fillFacts() {
  const chosen = $("measure").value;
  const seen = new Map();
  for (const {m} of measuresOf(edition())) {
    if (chosen && m.name !== chosen) continue;
    for (const f of m.facts) if (!seen.has(f.name)) seen.set(f.name, f);
  }
  const box = $("facts");
  box.innerHTML = "";
  fields = [];
  let n = 0;
  for (const f of seen.values()) {
    const id = "fact-" + (n++);
    const kind = kindOf(f.type);
    const optional = f.requirement !== "必填";
    const field = {name: f.name, kind, requirement: f.requirement, id};
    fields.push(field);
    const row = document.createElement("div");
    row.className = "row"; row.dataset.fact = f.name; row.id = "row-" + id;
    let control;
    if (kind === "money") {
      control = `<input type="text" inputmode="decimal" id="${id}" name="${esc(f.name)}" placeholder="${optional ? esc(f.requirement) : "金额"}">
        <select id="${id}-unit" aria-label="单位"><option value="元">元</option><option value="万元" selected>万元</option><option value="亿元">亿元</option></select>`;
    } else if (kind === "rate") {
      control = `<input type="text" inputmode="decimal" id="${id}" name="${esc(f.name)}" placeholder="${optional ? esc(f.requirement) : ""}"> %`;
    } else if (kind === "enum" || kind === "bool") {
      const values = kind === "bool" ? ["是", "否"] : enumValues(f.type);
      control = `<select id="${id}" name="${esc(f.name)}"><option value="">${optional ? "(不填:" + esc(f.requirement) + ")" : "(请选择)"}</option>` +
        values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join("") + "</select>";
    } else if (kind === "date") {
      control = `<input type="date" id="${id}" name="${esc(f.name)}">`;
    } else {
      control = `<input type="text" inputmode="numeric" id="${id}" name="${esc(f.name)}" placeholder="${optional ? esc(f.requirement) : ""}">`;
    }
    const mark = optional ? `<span class="opt">(${f.requirement === "可选" ? "可选" : esc(f.requirement)})</span>` : `<span class="req">*</span>`;
    row.innerHTML = `<label for="${id}">${esc(f.name)}${mark}</label><div class="field">${control}</div><div class="err" id="${id}-err"></div>`;
    box.appendChild(row);
  }
  clearErrors();
}

function clearErrors() {
  for (const r of document.querySelectorAll(".row.bad")) r.classList.remove("bad");
  for (const e of document.querySelectorAll(".err")) e.textContent = "";
  $("general").textContent = "";
}

// The facts as JSON text: money and rates as the text typed with its unit, so
// that nothing passes through a binary float; integers and numbers as written.
function factsJson() {
  const parts = [];
  for (const f of fields) {
    const el = $(f.id);
    const v = el.value.trim();
    if (v === "") continue;
    let json;
    if (f.kind === "money") json = JSON.stringify(v.replace(/,/g, "") + $(f.id + "-unit").value);
    else if (f.kind === "rate") json = JSON.stringify(v + "%");
    else if (f.kind === "bool") json = v === "是" ? "true" : "false";
    else if (f.kind === "integer" || f.kind === "number") json = /^-?\d+(\.\d+)?$/.test(v) ? v : JSON.stringify(v);
    else json = JSON.stringify(v);
    parts.push(JSON.stringify(f.name) + ":" + json);
  }
  return "{" + parts.join(",") + "}";
}

// An error names the facts it concerns: shown beside each; otherwise above the button.
function showError(err) {
  clearErrors();
  const message = err.error || "请求失败";
  const hits = fields.filter((f) => message.includes(f.name)).sort((a, b) => b.name.length - a.name.length);
  const shown = [];
  for (const f of hits) {
    if (shown.some((s) => s.includes(f.name))) continue;  // a longer name already holds this one
    shown.push(f.name);
    $("row-" + f.id).classList.add("bad");
    $(f.id + "-err").textContent = message;
  }
  if (!shown.length) $("general").textContent = message;
  $("result").innerHTML = `<p class="verdict" id="verdict">未能计算</p><p class="hint">${esc(err.code || "")}</p>`;
}

function explanationText(x) {
  const at = (w) => w ? "  [" + w + "]" : "";
  const lines = [];
  lines.push(`措施 ${x.measure}${x.title ? "「" + x.title + "」" : ""}${x.clause ? ",条款 " + x.clause + " " + (x.clause_title || "") : ""},${x.version}${at(x.at)}`);
  if (x.conditions.length) {
    lines.push("条件:");
    for (const c of x.conditions) lines.push(`  ${c.held ? "✓" : "✗"} ${c.condition}${c.held ? "" : ":不满足 —— " + c.reason}${at(c.at)}`);
  }
  if (!x.eligible) { lines.push(`结论:不适用,金额 ${x.amount} 元`); return lines.join("\n"); }
  if (x.rate) {
    lines.push(`比例:${percent(x.rate.value)}%${at(x.rate.at)}`);
    for (const c of x.rate.choices || []) lines.push(`  ${c.kind} ${c.expression}:${c.outcome}${at(c.at)}`);
  }
  if (x.base) lines.push(`基数:${x.base.value}元${at(x.base.at)}`);
  lines.push(`计算:${x.computed.expression} = ${x.computed.value}元`);
  for (const c of x.computed.choices || []) lines.push(`  ${c.kind} ${c.expression}:${c.outcome}${at(c.at)}`);
  for (const c of x.caps) {
    if (!c.applies) { lines.push(`${c.kind === "叠加" ? "叠加上限" : "上限"} ${c.name}:不适用(当 ${c.when} 不成立)${at(c.at)}`); continue; }
    lines.push(`${c.kind === "叠加" ? "叠加上限" : "上限"} ${c.name}:${c.limit}元${c.used !== undefined ? ",已用 " + c.used + "元,余额 " + c.room + "元" : ""}${c.bound ? " ← 起限制作用" : ""}${at(c.at)}`);
  }
  lines.push(`舍入:${x.rounding.mode},${x.rounding.before}元 → ${x.rounding.after}元`);
  lines.push(`结论:适用,金额 ${x.amount} 元${x.bound ? "(受限于 " + x.bound + ")" : ""}`);
  return lines.join("\n");
}

function card(r) {
  const status = r.status || (r.eligible ? "eligible" : "not_eligible");
  let html = `<div class="card ${status}" data-measure="${esc(r.measure)}"><div><b>${esc(r.measure)}</b> ${esc(r.clause || "")}(${esc(r.version)})</div>`;
  if (status === "needs_facts") return html + `<div class="needs">缺少事实,需要:${r.needs.map(esc).join("、")}</div></div>`;
  if (status === "error") return html + `<div class="error">无法计算:${esc(r.error)}</div></div>`;
  html += `<div class="verdict">${r.eligible ? "适用" : "不适用"}</div><div class="amount">金额:<span class="value">${esc(r.amount)}</span> 元</div>`;
  for (const reason of r.reasons) html += `<div class="reason">理由:${esc(reason)}</div>`;
  if (r.bound) html += `<div>受限于:${esc(r.bound)}</div>`;
  for (const note of r.notes || []) html += `<div>说明:${esc(note)}</div>`;
  if (r.explanation) html += `<pre class="explain">${esc(explanationText(r.explanation))}</pre>`;
  return html + "</div>";
}

function showResult(data) {
  clearErrors();
  if (!data.results) { $("result").innerHTML = `<p class="verdict" id="verdict">计算完成</p>` + card(data); return; }
  const headings = {eligible: "可申请", not_eligible: "不可申请", needs_facts: "缺少事实", error: "无法计算"};
  let html = `<p class="verdict" id="verdict">${esc(data.version)}:共 ${data.results.length} 项措施与所填事实有关</p>`;
  let shown = null;
  for (const r of data.results) {
    if (r.status !== shown) { html += `<h2>${headings[r.status]}</h2>`; shown = r.status; }
    html += card(r);
  }
  if (!data.results.length) html += `<p class="hint">所填事实不涉及任何措施。</p>`;
  $("result").innerHTML = html;
}

async function submit(ev) {
  ev.preventDefault();
  const measure = $("measure").value;
  let body = `{"version":${JSON.stringify($("edition").value)},"explain":true,`;
  if (measure) body += `"measure":${JSON.stringify(measure)},`;
  if ($("as_of").value) body += `"as_of":${JSON.stringify($("as_of").value)},`;  // the application's date (施行)
  body += `"facts":${factsJson()}}`;
  $("result").innerHTML = `<p class="hint">计算中……</p>`;
  try {
    const res = await fetch(measure ? "/v1/evaluate" : "/v1/match", {method: "POST", headers: {"Content-Type": "application/json"}, body});
    const data = await res.json();
    if (res.ok) showResult(data); else showError(data);
    $("footer").textContent = "规则指纹 " + (res.headers.get("Kuan-Fingerprint") || "");
  } catch (e) {
    showError({code: "network", error: "无法连接服务:" + e});
  }
}

async function start() {
  try {
    const [measures, editions] = await Promise.all([fetch("/v1/measures").then((r) => r.json()), fetch("/v1/editions").then((r) => r.json())]);
    catalogue = measures;
    const sel = $("edition");
    for (const e of editions.editions) {
      const o = document.createElement("option");
      o.value = e.edition; o.textContent = e.edition + (e.status === "正式" ? "" : "(" + e.status + ")") + ",施行 " + e.effective_from;
      sel.appendChild(o);
    }
    sel.value = editions.default;
    fillMeasures();
    document.body.dataset.ready = "1";
  } catch (e) {
    $("general").textContent = "无法读取措施目录:" + e;
  }
}

$("edition").addEventListener("change", fillMeasures);
$("measure").addEventListener("change", fillFacts);
$("form").addEventListener("submit", submit);
start();
</script>
</body>
</html>
)PAGE";

}  // namespace

std::string_view officer_page() { return kPage; }

}  // namespace kuan::serve
