// Building blocks of the officers' pages (staff, leader and admin pages): deadline badges,
// Vietnam-time inputs, API errors explained in Vietnamese, downloads that need the token, action
// buttons, paged tables and sections.
import { ApiError, get } from "./api.js";
import { session } from "./auth.js";
import { TIMELINESS } from "./labels.js";
import { openPrintout } from "./printing.js";
import { busy, h, table } from "./ui.js";

export function has(user, ...groups) {
  return Boolean(user && user.groups.some((g) => groups.includes(g)));
}

const HOUR = 3600 * 1000;

/** The deadline of a step as a badge: passed, less than 24 hours left, or in time. */
export function deadlineBadge(iso, now = Date.now()) {
  if (!iso) return h("span", { class: "badge" }, "Chưa có hạn");
  const left = new Date(iso).getTime() - now;
  if (left < 0) return h("span", { class: "badge late" }, "Quá hạn");
  if (left < 24 * HOUR) return h("span", { class: "badge warn" }, "Sắp đến hạn");
  return h("span", { class: "badge ok" }, "Trong hạn");
}

export function timelinessBadge(result) {
  if (!result) return h("span", { class: "badge" }, "Đang thực hiện");
  return h("span", { class: `badge ${result}` }, TIMELINESS[result] || result);
}

export function formatSize(bytes) {
  if (bytes === null || bytes === undefined) return "—";
  if (bytes < 1024) return `${bytes} byte`;
  const kb = bytes / 1024;
  if (kb < 1024) return `${kb.toLocaleString("vi-VN", { maximumFractionDigits: 1 })} KB`;
  return `${(kb / 1024).toLocaleString("vi-VN", { maximumFractionDigits: 1 })} MB`;
}

export function formatHours(hours) {
  if (hours === null || hours === undefined) return "—";
  return `${Number(hours).toLocaleString("vi-VN", { maximumFractionDigits: 2 })} giờ`;
}

/** "YYYY-MM-DDTHH:mm" of an instant in Vietnam's time (for datetime-local inputs). */
export function vnLocal(date = new Date()) {
  const s = new Intl.DateTimeFormat("sv-SE", {
    timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hour12: false,
  }).format(date);
  return s.replace(" ", "T").slice(0, 16);
}

/** "YYYY-MM-DD" of today in Vietnam. */
export function vnToday() {
  return vnLocal().slice(0, 10);
}

/** A datetime-local value (Vietnam's time) as ISO 8601 with +07:00. */
export function vnIso(local) {
  return local ? `${local.length === 16 ? `${local}:00` : local}+07:00` : null;
}

/** An error raised in the page itself, shown like the API's. */
export function localError(fieldName, messageVi) {
  return new ApiError(422, { error: { code: "validation", message_vi: messageVi, field: fieldName } });
}

// The API names an invalid field but its per-field message is English; say it in Vietnamese with
// the control's label.
const KNOWN_PROBLEMS = [
  ["a select field needs options", "Trường kiểu danh sách chọn cần có ít nhất một lựa chọn."],
  ["only a select field has options", "Chỉ trường kiểu danh sách chọn mới có các lựa chọn."],
  ["options must differ", "Các lựa chọn không được trùng nhau."],
  ["only text and textarea fields have a max_length", "Chỉ trường văn bản mới có độ dài tối đa."],
  ["document codes must be unique", "Mã giấy tờ không được trùng nhau."],
  ["form field names must be unique", "Tên trường không được trùng nhau."],
  ["List should have at least 1 item", "Cần có ít nhất một mục."],
];

function labelOf(form, input) {
  if (!input) return null;
  if (input.tagName === "FIELDSET") {
    const legend = input.querySelector("legend");
    return legend ? legend.textContent.trim() : null;
  }
  const label = input.id ? form.querySelector(`label[for="${CSS.escape(input.id)}"]`) : null;
  return label && label.firstChild ? label.firstChild.textContent.trim() : null;
}

function explain(form, error) {
  const problems = error.fields && error.fields.length ? error.fields : null;
  if (!problems) return error;
  for (const problem of problems) {
    if (problem.message_vi) continue;
    const message = problem.message || "";
    const known = KNOWN_PROBLEMS.find(([english]) => message.includes(english));
    const name = labelOf(form, form.querySelector(`[name="${CSS.escape(problem.field)}"]`));
    if (known) problem.message_vi = known[1];
    else if (!name) problem.message_vi = error.messageVi;
    else if (/at least 1 character|missing|required/i.test(message)) problem.message_vi = `Vui lòng nhập “${name}”.`;
    else if (/pattern/i.test(message)) problem.message_vi = `“${name}” không đúng định dạng.`;
    else if (/greater than|less than/i.test(message)) problem.message_vi = `“${name}” nằm ngoài giới hạn cho phép.`;
    else problem.message_vi = `“${name}” không hợp lệ.`;
  }
  if (/^Trường '.*' không hợp lệ\.$/.test(error.messageVi)) {
    error.messageVi = "Vui lòng kiểm tra lại các thông tin được đánh dấu.";
  }
  return error;
}

/** Like ui.busy, with the API's field errors explained in Vietnamese. */
export function run(button, form, action) {
  return busy(button, form, async () => {
    try {
      return await action();
    } catch (error) {
      throw form && error.messageVi !== undefined ? explain(form, error) : error;
    }
  });
}

/** An error message right after an element (for buttons that are not in a form). */
export function errorAfter(el, error) {
  const next = el.nextElementSibling;
  if (next && next.classList.contains("field-error")) next.remove();
  if (!error) return;
  el.insertAdjacentElement("afterend", h("p", { class: "field-error", role: "alert" }, error.messageVi || "Đã có lỗi xảy ra. Vui lòng thử lại."));
}

/** fetch with the user's ID token; non-2xx → ApiError. */
export async function authorizedFetch(path) {
  const token = await session.idToken();
  let response;
  try {
    response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiError(0, { error: { code: "network", message_vi: "Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại." } });
  }
  if (!response.ok) {
    let body = null;
    try { body = await response.json(); } catch { body = null; }
    throw new ApiError(response.status, body);
  }
  return response;
}

/** Fetch a presigned download link (the API answers {download_url}) and follow it: the storage
 * answers with Content-Disposition: attachment, so the file is saved and the page stays. */
export async function followDownload(path) {
  const { download_url: url } = await get(path);
  const a = h("a", { href: url, rel: "noopener", hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
}

/** Open a printable slip (HTML that needs the token) in a sandboxed tab of its own (printing.js). */
export function openPrintable(path) {
  return openPrintout(async () => (await authorizedFetch(path)).text());
}

/** Save a file that needs the token (CSV, Excel) through a Blob link. */
export async function downloadAuthorized(path, fallbackName) {
  const response = await authorizedFetch(path);
  const disposition = response.headers.get("Content-Disposition") || "";
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: named ? decodeURIComponent(named[1]) : fallbackName, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60 * 1000);
}

/** A button that runs an async action, its error shown right after it. */
export function actionButton(label, action, attrs = {}) {
  const button = h("button", { type: "button", ...attrs }, label);
  button.addEventListener("click", async () => {
    button.disabled = true;
    errorAfter(button, null);
    try {
      await action(button);
    } catch (error) {
      if (error.messageVi === undefined) throw error;
      errorAfter(button, error);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** A table that pages on with "Xem thêm" (the API's next_cursor). */
export async function pagedTable(path, headers, toRow, { empty, caption, noun = "hồ sơ" } = {}) {
  const wrap = h("div", {});
  const items = [];
  let cursor = null;
  const status = h("p", { class: "muted", role: "status" });
  const more = actionButton("Xem thêm", async () => {
    await load();
    draw();
    (cursor ? more : status).focus();
  }, { class: "secondary" });
  async function load() {
    const sep = path.includes("?") ? "&" : "?";
    const data = await get(cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...(data.items || []));
    cursor = data.next_cursor || null;
  }
  function draw() {
    status.textContent = items.length ? `Đang hiển thị ${items.length} ${noun}${cursor ? "; còn nữa" : ""}.` : "";
    wrap.replaceChildren(...[
      items.length ? table(headers, items.map(toRow), caption) : h("p", { class: "notice" }, empty || "Không có hồ sơ nào."),
      status,
      cursor ? more : null,
    ].filter(Boolean));
  }
  status.tabIndex = -1;
  await load();
  draw();
  return wrap;
}

/** A card section with its heading (the section is labelled by it). */
let sectionCounter = 0;
export function section(title, ...children) {
  const id = `section-${++sectionCounter}`;
  return h("section", { class: "card", "aria-labelledby": id },
    h("h2", { id, style: "margin-top: 0" }, title), children);
}
