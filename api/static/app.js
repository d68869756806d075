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

function renderAnswer(answer) {
  const box = $("#answer");
  box.replaceChildren();
  box.hidden = false;
  if (!answer.answered) {
    box.append(el("h2", {}, "回答"), el("p", { class: "none" }, answer.answer));
    return;
  }
  const quotes = el("ol", { class: "quotes" });
  for (const c of answer.citations) {
    quotes.append(
      el("li", {},
        el("a", { href: docLink(c.document_id, c.passage_id, [c.start, c.end]), class: "quote" }, `「${c.quote}」`),
        el("div", { class: "cite" }, c.citation),
      ),
    );
  }
  box.append(el("h2", {}, "回答（原文摘录）"), el("p", { class: "answer-text" }, answer.answer), quotes);
}

function renderResults(results) {
  const list = $("#results");
  list.replaceChildren();
  for (const r of results) {
    const open = () => { location.hash = docLink(r.document_id, r.passage_id); };
    const version = r.revision_year ? el("span", { class: "tag" }, `${r.revision_year}年版${r.current === false ? "（旧版）" : ""}`) : "";
    list.append(
      el("li", { tabindex: "0", class: "result", onclick: open, onkeydown: (e) => { if (e.key === "Enter") open(); } },
        el("div", { class: "head" },
          el("span", { class: "citation" }, r.citation),
          el("span", {}, r.doc_type ? el("span", { class: "tag" }, r.doc_type) : "", version),
        ),
        el("p", { class: "text" }, marked(r.text, r.highlights)),
      ),
    );
  }
}

async function runSearch(event) {
  if (event) event.preventDefault();
  const query = $("#q").value.trim();
  if (!query) return;
  const phrase = $("#phrase").checked;
  const docId = $("#doc-filter").value;
  const documents = docId ? [docId] : null;
  $("#status").textContent = "正在检索……";
  $("#answer").hidden = true;
  try {
    const searching = postJson("/search", { query, top_k: 10, mode: phrase ? "phrase" : "hybrid", documents });
    const asking = phrase ? null : postJson("/ask", { question: query, top_k: 5, documents });
    const found = await searching;
    renderResults(found.results);
    $("#status").textContent = found.results.length ? `找到 ${found.results.length} 段（${Math.round(found.took_ms)} 毫秒）` : "未找到相关内容。";
    if (asking) renderAnswer(await asking);
  } catch (error) {
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

function outlineTree(nodes) {
  const list = el("ul");
  for (const node of nodes) {
    const item = el("li", {}, el("a", { href: "#", onclick: (e) => { e.preventDefault(); scrollToOffset(node.start); } }, node.heading));
    if (node.children.length && node.kind !== "article") item.append(outlineTree(node.children));
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
  const meta = [doc.doc_type, doc.revision_year ? `${doc.revision_year}年版` : "", doc.issued_line, `${doc.passages} 段`];
  $("#doc-meta").textContent = meta.filter(Boolean).join(" · ");
  $("#outline").replaceChildren(outlineTree(outline.outline));

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
  if (current) current.scrollIntoView({ block: "center" });
}

// ---------- documents view ----------

function token() {
  return $("#token").value.trim();
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
    $("#admin-status").textContent = `已删除《${doc.title}》`;
    showDocuments();
  } catch (error) {
    $("#admin-status").textContent = error.message;
  }
}

async function upload(event) {
  event.preventDefault();
  const file = $("#upload-file").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  $("#admin-status").textContent = "正在上传并导入……";
  try {
    const result = await api("/documents", { method: "POST", body: form, headers: { Authorization: `Bearer ${token()}` } });
    $("#admin-status").textContent = `已导入《${result.title}》，共 ${result.passages} 段`;
    showDocuments();
  } catch (error) {
    $("#admin-status").textContent = error.message;
  }
}

// ---------- routing ----------

function show(view) {
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== `view-${view}`;
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
window.addEventListener("hashchange", route);
loadDocumentFilter().catch(() => {});
route();
