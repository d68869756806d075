// 党建知识库 web page: search + answer, document view with outline, document management.
"use strict";

const $ = (sel) => document.querySelector(sel);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const message = (body && body.error && body.error.message) || `请求失败（${response.status}）`;
    throw new Error(message);
  }
  return body;
}

function postJson(path, payload) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) });
}

// Text with [start, end) spans wrapped in <mark>, built from text nodes (never innerHTML).
function marked(text, spans) {
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const [start, end] of spans || []) {
    if (start < last) continue;
    frag.append(text.slice(last, start), el("mark", {}, text.slice(start, end)));
    last = end;
  }
  frag.append(text.slice(last));
  return frag;
}

function toast(message) {
  const box = $("#toast");
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 2500);
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Plain-http intranet pages have no async clipboard: fall back to a selection copy.
    const area = el("textarea", { style: "position:fixed;opacity:0" });
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  window.__lastCopied = text;
  toast("已复制引用");
}

function docLink(documentId, passageId, range) {
  return `#/doc/${encodeURIComponent(documentId)}/${encodeURIComponent(passageId)}${range ? `/${range[0]}-${range[1]}` : ""}`;
}

// ---------- search view ----------

function showAnswerBox(...children) {
  const box = $("#answer");
  box.replaceChildren(...children);
  box.hidden = false;
}

function renderAnswer(answer) {
  if (!answer.answered) {
    showAnswerBox(el("h2", {}, "回答"), el("p", { class: "none" }, answer.answer));
    return;
  }
  // The answer is nothing but its quotes, each marked [n]: shown once, each opening its sentence in the document.
  const quotes = el("ol", { class: "quotes" });
  for (const c of answer.citations) {
    quotes.append(
      el("li", {},
        el("a", { href: docLink(c.document_id, c.passage_id, [c.start, c.end]), class: "quote" }, `「${c.quote}」`),
        el("sup", { class: "n" }, `[${c.n}]`),
        el("div", { class: "cite" }, c.citation),
      ),
    );
  }
  showAnswerBox(el("h2", {}, "回答（原文摘录）"), quotes);
}

function renderResults(results) {
  const list = $("#results");
  list.replaceChildren();
  for (const r of results) {
    const open = () => { location.hash = docLink(r.document_id, r.passage_id); };
    const version = r.revision_year ? el("span", { class: "tag" }, `${r.revision_year}年版${r.current === false ? "（旧版）" : ""}`) : "";
    const published = r.published ? el("span", { class: "tag" }, `发布于 ${r.published}`) : "";
    // The same text elsewhere (a page that reprints this article): shown once, the others named.
    const also = r.also && r.also.length
      ? el("p", { class: "also" }, "另见：", ...r.also.flatMap((ref, i) => [
          i ? "；" : "",
          el("a", { href: docLink(ref.document_id, ref.passage_id), onclick: (e) => e.stopPropagation() }, ref.citation),
        ]))
      : "";
    list.append(
      el("li", { tabindex: "0", class: "result", onclick: open, onkeydown: (e) => { if (e.key === "Enter") open(); } },
        el("div", { class: "head" },
          el("span", { class: "citation" }, r.citation),
          el("span", {}, r.doc_type ? el("span", { class: "tag" }, r.doc_type) : "", version, published),
        ),
        el("p", { class: "text" }, marked(r.text, r.highlights)),
        also,
      ),
    );
  }
}

let latestSearch = 0;  // a slower earlier search must not overwrite a later one's results or answer

async function runSearch(event) {
  if (event) event.preventDefault();
  const query = $("#q").value.trim();
  if (!query) return;
  const run = ++latestSearch;
  const stale = () => run !== latestSearch;
  const phrase = $("#phrase").checked;
  const docId = $("#doc-filter").value;
  const documents = docId ? [docId] : null;
  $("#status").textContent = "正在检索……";
  $("#answer").hidden = true;
  try {
    const searching = postJson("/search", { query, top_k: 10, mode: phrase ? "phrase" : "hybrid", documents });
    const asking = phrase ? null : postJson("/ask", { question: query, top_k: 5, documents });
    // Hold the answer's place above the results: they arrive first and would otherwise jump down.
    if (asking) showAnswerBox(el("h2", {}, "回答"), el("p", { class: "none" }, "正在从原文中摘取答案……"));
    const found = await searching;
    if (stale()) return;
    renderResults(found.results);
    $("#status").textContent = found.results.length ? `找到 ${found.results.length} 段（${Math.round(found.took_ms)} 毫秒）` : "未找到相关内容。";
    if (asking) {
      const answer = await asking;
      if (!stale()) renderAnswer(answer);
    }
  } catch (error) {
    if (stale()) return;
    $("#answer").hidden = true;
    $("#status").textContent = error.message;
  }
}

async function loadDocumentFilter() {
  const docs = await api("/documents");
  const select = $("#doc-filter");
  select.replaceChildren(el("option", { value: "" }, "全部文档"));
  for (const d of docs) select.append(el("option", { value: d.id }, d.title));
  return docs;
}

// ---------- document view ----------

function outlineTree(nodes, passageId) {
  const list = el("ul");
  for (const node of nodes) {
    const here = node.passage_ids.includes(passageId) ? "current" : "";  // where the open passage stands
    const item = el("li", {}, el("a", { href: "#", class: here, onclick: (e) => { e.preventDefault(); scrollToOffset(node.start); } }, node.heading));
    if (node.children.length && node.kind !== "article") item.append(outlineTree(node.children, passageId));
    list.append(item);
  }
  return list;
}

function scrollToOffset(offset) {
  const blocks = [...document.querySelectorAll("#doc-text [data-start]")];
  const block = blocks.find((b) => Number(b.dataset.end) > offset) || blocks[blocks.length - 1];
  if (block) block.scrollIntoView({ behavior: "smooth", block: "start" });
}

async function showDocument(docId, passageId, range) {
  const [doc, outline, passages] = await Promise.all([
    api(`/documents/${encodeURIComponent(docId)}`),
    api(`/documents/${encodeURIComponent(docId)}/outline`),
    api(`/documents/${encodeURIComponent(docId)}/passages`),
  ]);
  $("#doc-title").textContent = `《${doc.title}》`;
  const meta = [doc.doc_type, doc.revision_year ? `${doc.revision_year}年版` : "", doc.published ? `发布于 ${doc.published}` : "", doc.issued_line, `${doc.passages} 段`];
  $("#doc-meta").textContent = meta.filter(Boolean).join(" · ");
  $("#outline").replaceChildren(outlineTree(outline.outline, passageId));

  // The full text: passages in order, with the heading lines between them as they stand in the text.
  const article = $("#doc-text");
  article.replaceChildren();
  let cursor = 0;
  let current = null;
  for (const p of passages) {
    const between = doc.text.slice(cursor, p.start).trim();
    if (between) article.append(el("div", { class: "heading", "data-start": cursor, "data-end": p.start }, between));
    const isCurrent = p.passage_id === passageId;
    const span = isCurrent && range ? [range] : [];
    const block = el("div", { class: `passage${isCurrent ? " current" : ""}`, id: `p-${p.passage_id}`, "data-start": p.start, "data-end": p.end }, marked(p.text, span));
    article.append(block);
    if (isCurrent) {
      const quote = range ? p.text.slice(range[0], range[1]) : p.text;
      article.append(el("div", { class: "actions" },
        el("button", { class: "secondary copy", type: "button", onclick: () => copyText(`「${quote}」——${p.citation}`) }, "复制引用"),
        el("span", { class: "cite" }, ` ${p.citation}`),
      ));
      current = block;
    }
    cursor = p.end;
  }
  const rest = doc.text.slice(cursor).trim();
  if (rest) article.append(el("div", { class: "heading" }, rest));
  $("#outline .current")?.scrollIntoView({ block: "nearest" });  // inside the outline's own scroll box
  if (current) current.scrollIntoView({ block: "center" });
}

// ---------- documents view ----------

function token() {
  return $("#token").value.trim();
}

function adminStatus(message, isError = false) {
  const status = $("#admin-status");
  status.textContent = message;
  status.classList.toggle("error", isError);
}

async function showDocuments() {
  const docs = await loadDocumentFilter();
  const rows = $("#doc-rows");
  rows.replaceChildren();
  for (const d of docs) {
    const remove = el("button", { class: "secondary delete", type: "button", onclick: () => deleteDocument(d) }, "删除");
    rows.append(el("tr", {},
      el("td", {}, el("a", { href: `#/doc/${encodeURIComponent(d.id)}` }, d.title)),
      el("td", {}, d.doc_type || "—"),
      el("td", {}, d.revision_year ? `${d.revision_year}年` : "—"),
      el("td", {}, String(d.passages)),
      el("td", {}, remove),
    ));
  }
  if (!docs.length) rows.append(el("tr", {}, el("td", { colspan: "5" }, "知识库中还没有文档。")));
}

async function deleteDocument(doc) {
  if (!confirm(`确定删除《${doc.title}》？`)) return;
  try {
    await api(`/documents/${encodeURIComponent(doc.id)}`, { method: "DELETE", headers: { Authorization: `Bearer ${token()}` } });
    adminStatus(`已删除《${doc.title}》`);
    showDocuments();
  } catch (error) {
    adminStatus(error.message, true);
  }
}

async function upload(event) {
  event.preventDefault();
  const file = $("#upload-file").files[0];
  if (!file) {
    adminStatus("请先选择文件", true);
    return;
  }
  const form = new FormData();
  form.append("file", file);
  adminStatus("正在上传并导入……");
  try {
    const result = await api("/documents", { method: "POST", body: form, headers: { Authorization: `Bearer ${token()}` } });
    adminStatus(`已导入《${result.title}》，共 ${result.passages} 段`);
    showDocuments();
  } catch (error) {
    adminStatus(error.message, true);
  }
}

// ---------- routing ----------

function show(view) {
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== `view-${view}`;
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function route() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  try {
    if (parts[0] === "doc" && parts[1]) {
      show("document");
      const range = parts[3] ? parts[3].split("-").map(Number) : null;
      await showDocument(parts[1], parts[2] || null, range);
    } else if (parts[0] === "documents") {
      show("documents");
      await showDocuments();
    } else {
      show("search");
    }
  } catch (error) {
    toast(error.message);
  }
}

$("#search-form").addEventListener("submit", runSearch);
$("#upload-form").addEventListener("submit", upload);
$("#upload-file").addEventListener("change", (event) => {
  $("#upload-name").textContent = event.target.files[0]?.name || "未选择文件";
});
window.addEventListener("hashchange", route);
loadDocumentFilter().catch(() => {});
route();
