// Small helpers to build pages safely: text always goes in as text (never as HTML).
import { STATUS, STATUS_TONE } from "./labels.js";

/** h("a", {href: "/"}, "text", child) → an element; null/false children are skipped. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "style") el.style.cssText = value; // the CSSOM: CSP (style-src 'self') allows it, a style attribute it does not
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// After a navigation inside the app, focus moves to the new page's content (as a page load would
// put a screen reader at the top); the first page load leaves focus where the browser puts it.
export const focus = { afterNavigation: false };

/** Replace the page: a title (also the document's), then the content. */
export function page(main, title, ...children) {
  document.title = `${title} — Dịch vụ công trực tuyến ngành Y tế`;
  main.replaceChildren(h("h1", {}, title), ...children.flat(Infinity).filter(Boolean));
  if (focus.afterNavigation) main.focus();
}

export function link(href, text, attrs = {}) {
  return h("a", { href, "data-link": true, ...attrs }, text);
}

const VN = "vi-VN";
const TZ = { timeZone: "Asia/Ho_Chi_Minh" };

export function formatDate(iso) {
  if (!iso) return "—";
  return new Date(iso).toLocaleDateString(VN, { ...TZ, day: "2-digit", month: "2-digit", year: "numeric" });
}

export function formatDateTime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  const time = d.toLocaleTimeString(VN, { ...TZ, hour: "2-digit", minute: "2-digit", hour12: false });
  return `${time} ${formatDate(iso)}`;
}

export function formatMoney(vnd) {
  if (vnd === null || vnd === undefined) return "—";
  return `${Number(vnd).toLocaleString(VN)} đồng`;
}

export function statusBadge(status) {
  return h("span", { class: `badge ${STATUS_TONE[status] || ""}` }, STATUS[status] || status);
}

export function toast(message) {
  const box = document.getElementById("toast");
  box.textContent = message;
  setTimeout(() => { if (box.textContent === message) box.textContent = ""; }, 5000);
}

/**
 * Show an API error on a form: a summary at the top (focused, so screen readers read it) and the
 * message next to the field it concerns (inputs carry name = the API's field name).
 */
export function showError(form, error) {
  clearErrors(form);
  const summary = h("div", { class: "error-summary", role: "alert", tabindex: "-1" },
    h("h2", {}, "Chưa thực hiện được"),
    h("p", {}, error.messageVi || "Đã có lỗi xảy ra. Vui lòng thử lại."));
  const problems = error.fields && error.fields.length ? error.fields : error.field ? [{ field: error.field, message_vi: error.messageVi }] : [];
  for (const problem of problems) {
    const name = String(problem.field || "").split(".").pop();
    const input = form.querySelector(`[name="${CSS.escape(problem.field)}"]`) || form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (!input) continue;
    input.setAttribute("aria-invalid", "true");
    const id = `${input.id || input.name}-error`;
    const message = h("p", { class: "field-error", id }, problem.message_vi || error.messageVi);
    input.setAttribute("aria-describedby", [id, ...describedBy(input).filter((x) => x !== id)].join(" "));
    input.insertAdjacentElement("afterend", message);
  }
  if (error.missing && error.missing.length) {
    summary.append(h("p", {}, "Còn thiếu: " + error.missing.join(", ")));
  }
  form.prepend(summary);
  summary.focus();
}

function describedBy(el) {
  return (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
}

/** Remove the messages of showError() and every reference to them (an aria-describedby naming
 * a removed element would leave assistive technology pointing at nothing). */
export function clearErrors(form) {
  const removed = new Set();
  form.querySelectorAll(".error-summary, .field-error").forEach((el) => { if (el.id) removed.add(el.id); el.remove(); });
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  form.querySelectorAll("[aria-describedby]").forEach((el) => {
    const kept = describedBy(el).filter((id) => !removed.has(id));
    if (kept.length) el.setAttribute("aria-describedby", kept.join(" "));
    else el.removeAttribute("aria-describedby");
  });
}

/** A labelled control: field("Họ và tên", h("input", {name: "full_name"}), "hint"). */
let fieldCounter = 0;
export function field(labelText, control, hint) {
  const id = control.id || `f${++fieldCounter}`;
  control.id = id;
  const parts = [h("label", { for: id }, labelText, hint ? h("span", { class: "hint" }, hint) : null), control];
  return h("div", { class: "field" }, parts);
}

export function facts(pairs) {
  return h("dl", { class: "facts" }, pairs.filter(Boolean).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "—")]));
}

/** A table that reflows into labelled blocks on narrow screens. */
export function table(headers, rows, caption) {
  return h("div", { class: "table-wrap" },
    h("table", { class: "responsive" },
      caption ? h("caption", { class: "muted" }, caption) : null,
      h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows.map((row) => h("tr", {}, row.map((cell, i) => h("td", { "data-label": headers[i] }, cell)))))));
}

/** Run an async action from a button: disabled while running, errors shown on the form. */
export async function busy(button, form, action) {
  button.disabled = true;
  try {
    if (form) clearErrors(form);
    return await action();
  } catch (error) {
    if (form && error.messageVi !== undefined) showError(form, error);
    else throw error;
  } finally {
    button.disabled = false;
  }
}
