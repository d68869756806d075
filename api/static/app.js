// 党建知识库 web page: search + answer, document view with outline, topic study with a study pack,
// quiz making, document management.
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

function failure(response, body) {
  return new Error((body && body.error && body.error.message) || `请求失败（${response.status}）`);
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw failure(response, body);
  return body;
}

function jsonRequest(payload) {
  return { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) };
}

function postJson(path, payload) {
  return api(path, jsonRequest(payload));
}

// The file name a download response gives: filename* (RFC 5987, UTF-8, percent-encoded) before filename.
function fileNameOf(disposition) {
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(disposition || "");
  if (star) {
    try {
      return decodeURIComponent(star[2].trim().replace(/^"|"$/g, ""));
    } catch {
      // a malformed escape: fall back to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition || "");
  return plain ? plain[1].trim() : "";
}

// POST a JSON body and save the file that comes back under the name the server gives it.
async function download(path, payload, fallbackName) {
  const response = await fetch(path, jsonRequest(payload));
  if (!response.ok) throw failure(response, await response.json().catch(() => null));
  const blob = await response.blob();
  const name = fileNameOf(response.headers.get("Content-Disposition")) || fallbackName;
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: name, hidden: "" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
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

// ---------- study material (kept in this browser) ----------

const MATERIAL_KEY = "djkb.study.material";

function loadMaterial() {
  try {
    const list = JSON.parse(localStorage.getItem(MATERIAL_KEY) || "[]");
    return Array.isArray(list) ? list.filter((m) => m && typeof m.passage_id === "string") : [];
  } catch {
    return [];
  }
}

function saveMaterial(list) {
  localStorage.setItem(MATERIAL_KEY, JSON.stringify(list));
  renderMaterial();
}

// Any passage (a search result, a document's passage, a digest's passage) goes into the list once.
function addMaterial(passage) {
  const list = loadMaterial();
  if (list.some((m) => m.passage_id === passage.passage_id)) {
    toast("已在学习材料中");
    return;
  }
  const { passage_id, document_id, document_title, citation, text } = passage;
  list.push({ passage_id, document_id, document_title, citation, text });
  saveMaterial(list);
  toast("已加入学习材料");
}

function addButton(passage) {
  return el("button", {
    class: "secondary add",
    type: "button",
    onclick: (e) => { e.stopPropagation(); addMaterial(passage); },
    onkeydown: (e) => e.stopPropagation(),  // Enter presses the button, not the result around it
  }, "加入学习材料");
}

function moveMaterial(index, step) {
  const list = loadMaterial();
  const other = index + step;
  if (other < 0 || other >= list.length) return;
  [list[index], list[other]] = [list[other], list[index]];
  saveMaterial(list);
}

function removeMaterial(index) {
  const list = loadMaterial();
  list.splice(index, 1);
  saveMaterial(list);
}

function textStart(text, size = 60) {
  return text.length > size ? `${text.slice(0, size)}……` : text;
}

function renderMaterial() {
  const list = loadMaterial();
  const rows = $("#material");
  rows.replaceChildren();
  list.forEach((m, i) => {
    rows.append(el("li", { class: "material-item" },
      el("div", { class: "citation" }, el("a", { href: docLink(m.document_id, m.passage_id) }, m.citation)),
      el("p", { class: "text" }, textStart(m.text)),
      el("div", { class: "tools" },
        el("button", { class: "secondary up", type: "button", onclick: () => moveMaterial(i, -1), ...(i === 0 ? { disabled: "" } : {}) }, "上移"),
        el("button", { class: "secondary down", type: "button", onclick: () => moveMaterial(i, 1), ...(i === list.length - 1 ? { disabled: "" } : {}) }, "下移"),
        el("button", { class: "secondary remove", type: "button", onclick: () => removeMaterial(i) }, "移除"),
      ),
    ));
  });
  $("#material-count").textContent = list.length ? `（${list.length} 段）` : "";
  $("#material-empty").hidden = list.length > 0;
  for (const button of document.querySelectorAll("#pack-export button")) button.disabled = !list.length;
}

async function exportPack(format) {
  const list = loadMaterial();
  if (!list.length) return;
  const title = $("#pack-title").value.trim();
  const payload = { passage_ids: list.map((m) => m.passage_id), format };
  if (title) payload.title = title;
  const status = $("#pack-status");
  status.classList.remove("error");
  status.textContent = "正在生成文件……";
  try {
    const name = await download("/study/export", payload, format === "docx" ? "学习材料.docx" : "学习材料.md");
    status.textContent = `已下载 ${name}`;
  } catch (error) {
    status.textContent = error.message;
    status.classList.add("error");
  }
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
    // A 公文 shows its number and date, as members cite it: 中组发〔2023〕5号 2023-03-01.
    const issued = r.doc_number || r.written ? el("span", { class: "tag" }, [r.doc_number, r.written].filter(Boolean).join(" ")) : "";
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
          el("span", {}, r.doc_type ? el("span", { class: "tag" }, r.doc_type) : "", issued, version, published),
        ),
        el("p", { class: "text" }, marked(r.text, r.highlights)),
        also,
        el("div", { class: "tools" }, addButton(r)),
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
  const meta = [doc.doc_type, doc.doc_number, doc.issuer, doc.revision_year ? `${doc.revision_year}年版` : "", doc.published ? `发布于 ${doc.published}` : "", doc.issued_line, `${doc.passages} 段`];
  $("#doc-meta").textContent = meta.filter(Boolean).join(" · ");

  // The full text: passages in order, with the heading lines between them as they stand in the text.
  const article = $("#doc-text");
  article.replaceChildren();
  let cursor = 0;
  for (const p of passages) {
    const between = doc.text.slice(cursor, p.start).trim();
    if (between) article.append(el("div", { class: "heading", "data-start": cursor, "data-end": p.start }, between));
    article.append(el("div", { class: "passage", id: `p-${p.passage_id}`, "data-start": p.start, "data-end": p.end, onclick: () => pickPassage(p) }, p.text));
    cursor = p.end;
  }
  const rest = doc.text.slice(cursor).trim();
  if (rest) article.append(el("div", { class: "heading" }, rest));

  // A click on another passage makes it the current one (its citation to copy, its button to collect it).
  function pickPassage(p) {
    if (p.passage_id === passageId || !window.getSelection().isCollapsed) return;  // not while selecting text
    passageId = p.passage_id;
    range = null;
    history.replaceState(null, "", docLink(docId, passageId));
    markCurrent(p);
  }

  function markCurrent(p) {
    const previous = article.querySelector(".passage.current");
    if (previous) {
      previous.classList.remove("current");
      previous.replaceChildren(passages.find((q) => `p-${q.passage_id}` === previous.id).text);
    }
    article.querySelector(".actions")?.remove();
    $("#outline").replaceChildren(outlineTree(outline.outline, p.passage_id));
    const block = document.getElementById(`p-${p.passage_id}`);
    block.classList.add("current");
    block.replaceChildren(marked(p.text, range ? [range] : []));
    const quote = range ? p.text.slice(range[0], range[1]) : p.text;
    block.after(el("div", { class: "actions" },
      el("button", { class: "secondary copy", type: "button", onclick: () => copyText(`「${quote}」——${p.citation}`) }, "复制引用"),
      " ",
      addButton(p),
      el("span", { class: "cite" }, ` ${p.citation}`),
    ));
    return block;
  }

  const current = passages.find((p) => p.passage_id === passageId);
  const block = current ? markCurrent(current) : null;
  if (!current) $("#outline").replaceChildren(outlineTree(outline.outline, null));
  $("#outline .current")?.scrollIntoView({ block: "nearest" });  // inside the outline's own scroll box
  if (block) block.scrollIntoView({ block: "center" });  // last: on a phone the outline stands above the text
}

// ---------- study view ----------

// A title the page filled in itself follows the topic; one the member typed stays.
function suggestTitle(input, title) {
  if (!input.value.trim() || input.value === input.dataset.suggested) input.value = title;
  input.dataset.suggested = title;
}

function renderDigest(digest) {
  const box = $("#digest");
  box.replaceChildren();
  for (const g of digest.groups) {
    const items = el("ol", { class: "digest-passages" });
    for (const p of g.passages) {
      items.append(el("li", { class: "digest-passage" },
        el("div", { class: "head" },
          el("a", { class: "citation", href: docLink(p.document_id, p.passage_id) }, p.citation),
          addButton(p),
        ),
        el("p", { class: "text" }, p.text),
      ));
    }
    box.append(el("section", { class: "digest-group" },
      el("h2", {}, `《${g.document_title}》`, g.doc_type ? el("span", { class: "tag" }, g.doc_type) : ""),
      items,
    ));
  }
}

let latestDigest = 0;

async function runDigest(event) {
  event.preventDefault();
  const topic = $("#study-topic").value.trim();
  if (!topic) return;
  const run = ++latestDigest;
  const status = $("#digest-status");
  status.classList.remove("error");
  status.textContent = "正在摘编……";
  try {
    const digest = await postJson("/study/digest", { topic });
    if (run !== latestDigest) return;
    renderDigest(digest);
    const count = digest.groups.reduce((n, g) => n + g.passages.length, 0);
    status.textContent = count ? `「${digest.topic}」：${digest.groups.length} 个文档中的 ${count} 段` : "未找到与该专题相关的内容。";
    if (count) suggestTitle($("#pack-title"), `${digest.topic}专题学习材料`);
  } catch (error) {
    if (run !== latestDigest) return;
    $("#digest").replaceChildren();
    status.textContent = error.message;
    status.classList.add("error");
  }
}

// ---------- quiz view ----------

const KIND_NAMES = { cloze: "填空题", choice: "单选题", judge: "判断题" };
const LETTERS = "ABCD";
const quiz = { topic: "", items: [], dropped: new Set() };  // dropped: ids removed or replaced, not to come back

function answerText(item) {
  if (item.kind === "judge") return item.answer ? "正确" : "错误";
  const i = item.kind === "choice" ? item.options.indexOf(item.answer) : -1;
  return i >= 0 ? `${LETTERS[i]}．${item.answer}` : String(item.answer);
}

function sourceLink(source) {
  return `#/passage/${encodeURIComponent(source.passage_id)}/${source.start}-${source.end}`;
}

function quizStatus(message, isError = false) {
  const status = $("#quiz-status");
  status.textContent = message;
  status.classList.toggle("error", isError);
}

function renderQuiz() {
  const list = $("#quiz-items");
  list.replaceChildren();
  for (const item of quiz.items) {
    const replace = el("button", { class: "secondary replace", type: "button", onclick: () => replaceItem(item, replace) }, "换一题");
    list.append(el("li", { class: "quiz-item", "data-id": item.id, "data-kind": item.kind },
      el("div", { class: "head" },
        el("span", { class: "tag kind" }, KIND_NAMES[item.kind] || item.kind),
        el("span", { class: "tools" },
          el("button", { class: "secondary delete", type: "button", onclick: () => removeItem(item) }, "删除"),
          replace,
        ),
      ),
      el("p", { class: "question" }, item.question),
      item.options.length ? el("ol", { class: "choices" }, ...item.options.map((o, i) => el("li", {}, `${LETTERS[i]}．${o}`))) : "",
      el("p", { class: "key" }, el("strong", {}, "答案："), answerText(item)),
      item.explanation ? el("p", { class: "explanation" }, el("strong", {}, "解析："), item.explanation) : "",
      el("p", { class: "source" },
        el("strong", {}, "出处："),
        el("a", { href: sourceLink(item.source) }, item.source.citation),
        el("span", { class: "quote" }, `「${item.source.quote}」`),
      ),
    ));
  }
  $("#quiz-export").hidden = !quiz.items.length;
}

async function runQuiz(event) {
  event.preventDefault();
  const topic = $("#quiz-topic").value.trim();
  if (!topic) return;
  const kinds = [...document.querySelectorAll("#quiz-kinds input:checked")].map((box) => box.value);
  const n = Number($("#quiz-n").value);
  if (!kinds.length) return quizStatus("请至少选择一种题型", true);
  if (!Number.isInteger(n) || n < 1 || n > 100) return quizStatus("题数应为 1 到 100 之间的整数", true);
  quizStatus("正在出题……");
  const button = $("#quiz-form button[type=submit]");
  button.disabled = true;
  try {
    const result = await postJson("/quiz/generate", { topic, kinds, n });
    Object.assign(quiz, { topic, items: result.items, dropped: new Set() });
    renderQuiz();
    quizStatus(quiz.items.length ? `共 ${quiz.items.length} 道题` : "未能就该专题出题，请换一个专题试试。");
    if (quiz.items.length) suggestTitle($("#quiz-title"), `${topic}知识竞赛题目`);
  } catch (error) {
    quizStatus(error.message, true);
  } finally {
    button.disabled = false;
  }
}

function removeItem(item) {
  quiz.items = quiz.items.filter((i) => i.id !== item.id);
  quiz.dropped.add(item.id);
  renderQuiz();
  quizStatus(`已删除一题，共 ${quiz.items.length} 道题`);
}

async function replaceItem(item, button) {
  button.disabled = true;
  try {
    const shown = quiz.items.map((i) => i.id);
    const exclude = [...new Set([...shown, ...[...quiz.dropped].slice(-(500 - shown.length))])];  // the server takes 500
    const seed = Math.floor(Math.random() * 2 ** 31);
    const result = await postJson("/quiz/generate", { topic: quiz.topic, kinds: [item.kind], n: 1, seed, exclude });
    const fresh = result.items[0];
    if (!fresh) {
      toast("没有更多可出的题目");
      return;
    }
    const index = quiz.items.findIndex((i) => i.id === item.id);
    if (index < 0) return;  // deleted while the new one was being made
    quiz.items[index] = fresh;
    quiz.dropped.add(item.id);
    renderQuiz();
    toast("已换一题");
  } catch (error) {
    toast(error.message);
  } finally {
    button.disabled = false;
  }
}

async function exportQuiz(format) {
  if (!quiz.items.length) return;
  const title = $("#quiz-title").value.trim();
  const payload = { items: quiz.items, format };
  if (title) payload.title = title;
  const status = $("#quiz-export-status");
  status.classList.remove("error");
  status.textContent = "正在生成文件……";
  try {
    const name = await download("/quiz/export", payload, `知识竞赛题目.${format}`);
    status.textContent = `已下载 ${name}`;
  } catch (error) {
    status.textContent = error.message;
    status.classList.add("error");
  }
}

// A quiz item's source: the passage in its document, the quoted words marked.
async function showPassage(passageId, range) {
  const p = await api(`/passages/${encodeURIComponent(passageId)}`);
  location.replace(docLink(p.document_id, p.passage_id, range));
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
    } else if (parts[0] === "passage" && parts[1]) {
      const range = parts[2] ? parts[2].split("-").map(Number) : null;
      await showPassage(parts[1], range);
    } else if (parts[0] === "documents") {
      show("documents");
      await showDocuments();
    } else if (parts[0] === "study") {
      show("study");
      renderMaterial();
    } else if (parts[0] === "quiz") {
      show("quiz");
    } else {
      show("search");
    }
  } catch (error) {
    toast(error.message);
  }
}

$("#search-form").addEventListener("submit", runSearch);
$("#upload-form").addEventListener("submit", upload);
$("#digest-form").addEventListener("submit", runDigest);
$("#pack-docx").addEventListener("click", () => exportPack("docx"));
$("#pack-markdown").addEventListener("click", () => exportPack("markdown"));
$("#quiz-form").addEventListener("submit", runQuiz);
$("#quiz-xlsx").addEventListener("click", () => exportQuiz("xlsx"));
$("#quiz-docx").addEventListener("click", () => exportQuiz("docx"));
$("#quiz-csv").addEventListener("click", () => exportQuiz("csv"));
window.addEventListener("storage", (event) => { if (event.key === MATERIAL_KEY) renderMaterial(); });  // another tab
$("#upload-file").addEventListener("change", (event) => {
  $("#upload-name").textContent = event.target.files[0]?.name || "未选择文件";
});
window.addEventListener("hashchange", route);
loadDocumentFilter().catch(() => {});
renderMaterial();
route();
