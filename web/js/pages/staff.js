// Staff pages: the officers' start page, the desk's queue, the processing worklist and the
// dossier page on which the desk, processing officers and leaders act.
import { ApiError, get, post, upload } from "../api.js";
import { session } from "../auth.js";
import { openPrintout } from "../printing.js";
import {
  DELIVERY, STATUS, TIMELINESS, busy, facts, field, formatDateTime, formatMoney,
  h, link, page, showError, statusBadge, table, toast,
} from "../ui.js";

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by leader.js and admin.js)

export function has(user, ...groups) {
  return Boolean(user && user.groups.some((g) => groups.includes(g)));
}

export const ACTIONS = {
  create: "Tạo hồ sơ",
  submit: "Nộp hồ sơ",
  accept: "Tiếp nhận hồ sơ",
  request_fee: "Yêu cầu nộp phí, lệ phí",
  confirm_payment: "Xác nhận đã nộp phí, lệ phí",
  request_supplement: "Yêu cầu bổ sung hồ sơ",
  resubmit: "Nộp bổ sung hồ sơ",
  refuse: "Từ chối tiếp nhận",
  assign: "Chuyển phòng chuyên môn xử lý",
  approve: "Phê duyệt kết quả",
  return: "Trả kết quả",
  withdraw: "Rút hồ sơ",
  stop: "Dừng xử lý",
  extend: "Gia hạn, hẹn lại ngày trả",
  rate: "Đánh giá mức độ hài lòng",
  receive_online: "Người nộp nhận kết quả trực tuyến",
  receive_originals: "Bưu điện chuyển bản gốc hồ sơ đến Bộ phận Một cửa",
  note_delivery: "Bưu điện cập nhật tình trạng chuyển phát",
};

export const STEPS = {
  reception: "Tiếp nhận hồ sơ",
  desk: "Bộ phận Một cửa",
  processing: "Phòng chuyên môn xử lý",
  return: "Trả kết quả",
};

const CHANNELS = { 1: "Trực tiếp", 2: "Trực tuyến", 3: "Qua dịch vụ bưu chính công ích" };
const APPLICANT_KINDS = {
  citizen: "Cá nhân", enterprise: "Doanh nghiệp", state_agency: "Cơ quan nhà nước", organisation: "Tổ chức",
};
const SHIPMENT_STATUS = {
  booking: "Đang đặt bưu điện",
  booked: "Đã đặt bưu điện",
  booking_failed: "Đặt bưu điện không thành công",
  accepted_by_post: "Bưu điện đã nhận",
  delivering: "Đang phát",
  delivered: "Đã phát thành công",
  failed: "Phát không thành công",
  returned: "Đã hoàn trả",
  cancelled: "Đã huỷ",
};
const SHIPMENT_TONE = { delivered: "ok", booking_failed: "bad", failed: "bad", returned: "bad", cancelled: "bad" };
const REBOOKABLE = ["failed", "returned", "booking_failed"];
const PURPOSES = { result: "Chuyển kết quả cho người nộp", pickup: "Thu gom bản gốc hồ sơ về Bộ phận Một cửa" };
export const PAYMENT_STATUS = { pending: "Đang chờ thanh toán", succeeded: "Thành công", failed: "Không thành công", expired: "Hết hạn", refund_due: "Phải hoàn trả" };
export const PAYMENT_TONE = { succeeded: "ok", failed: "bad", expired: "warn", refund_due: "bad" };
const PAYMENT_METHOD = { counter: "Nộp tại quầy", online: "Thanh toán trực tuyến" };

const PRINTABLES = [
  ["receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)", (d) => Boolean(d.code)],
  ["supplement_request", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)", (d) => d.supplement_requests.length > 0],
  ["refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)", (d) => d.status === "refused"],
  ["apology", "Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)", (d) => d.extensions.length > 0],
  ["control_sheet", "Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)", (d) => Boolean(d.code)],
  ["result", "Phiếu xác thực kết quả (có mã QR)", (d) => Boolean(d.result)],
];

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

// ---------------------------------------------------------------------------------------------
// /can-bo

export async function home({ main, user }) {
  const cards = [];
  const card = (title, description, ...links) =>
    h("section", { class: "card" }, h("h2", { style: "margin-top: 0" }, title), h("p", { class: "muted" }, description), h("ul", {}, links.map((l) => h("li", {}, l))));
  if (has(user, "desk_officer")) {
    cards.push(card("Bộ phận Một cửa", "Xem xét hồ sơ mới nộp: tiếp nhận, yêu cầu bổ sung hoặc từ chối; chuyển xử lý; thu phí tại quầy; trả kết quả.",
      link("/can-bo/tiep-nhan", "Tiếp nhận hồ sơ"), link("/can-bo/xu-ly", "Hồ sơ đang xử lý theo phòng, chuyên viên")));
  }
  if (has(user, "processing_officer")) {
    cards.push(card("Chuyên viên xử lý", "Hồ sơ được phân công cho Ông/Bà, hạn xử lý sớm nhất trước.",
      link("/can-bo/xu-ly", "Hồ sơ cần xử lý")));
  }
  if (has(user, "leader")) {
    cards.push(card("Lãnh đạo", "Theo dõi tỷ lệ giải quyết đúng hạn, hồ sơ quá hạn; gia hạn hoặc dừng xử lý hồ sơ.",
      link("/can-bo/thong-ke", "Thống kê, báo cáo"), link("/can-bo/qua-han", "Hồ sơ quá hạn"),
      link("/can-bo/tiep-nhan", "Hồ sơ chờ tiếp nhận"), link("/can-bo/xu-ly", "Hồ sơ đang xử lý")));
  }
  if (has(user, "admin")) {
    cards.push(card("Quản trị hệ thống", "Lịch làm việc dùng để tính hạn giải quyết, và danh mục thủ tục hành chính.",
      link("/quan-tri/lich", "Lịch làm việc"), link("/quan-tri/thu-tuc", "Danh mục thủ tục"), link("/can-bo/thong-ke", "Thống kê, báo cáo")));
  }
  page(main, "Trang làm việc của cán bộ",
    h("p", {}, `Xin chào ${user.name}.`),
    cards.length ? h("div", { class: "grid" }, cards) : h("p", { class: "notice" }, "Tài khoản chưa được phân vai trò xử lý hồ sơ."));
}

// ---------------------------------------------------------------------------------------------
// /can-bo/tiep-nhan

export async function deskQueue({ main }) {
  const list = await pagedTable("/intake/desk/queue", ["Thủ tục", "Người nộp", "Thời điểm nộp", "Nhận kết quả", ""], (d) => [
    d.procedure_name,
    d.applicant.full_name,
    h("span", { class: "nowrap" }, formatDateTime(d.submitted_at)),
    DELIVERY[d.delivery_method] || d.delivery_method,
    link(`/can-bo/ho-so/${encodeURIComponent(d.id)}`, "Xem xét", { "aria-label": `Xem xét hồ sơ của ${d.applicant.full_name}: ${d.procedure_name}` }),
  ], { empty: "Không có hồ sơ nào chờ tiếp nhận.", caption: "Hồ sơ đã nộp, chờ tiếp nhận — nộp trước xếp trước" });
  page(main, "Tiếp nhận hồ sơ", h("p", {}, "Hồ sơ công dân, tổ chức đã nộp trực tuyến, chờ Bộ phận Một cửa xem xét."), list);
}

// ---------------------------------------------------------------------------------------------
// /can-bo/xu-ly

export async function worklist({ main, query, user, navigate }) {
  const unit = query.get("unit") || "";
  const officer = query.get("officer") || "";
  const unitInput = h("input", { name: "unit", value: unit, autocomplete: "off" });
  const officerInput = h("input", { name: "officer", value: officer, autocomplete: "off" });
  const form = h("form", { class: "card", role: "search", "aria-label": "Chọn phòng hoặc chuyên viên" },
    h("h2", { style: "margin-top: 0" }, "Xem theo phòng hoặc chuyên viên"),
    field("Phòng xử lý", unitInput, "Ví dụ: Phòng Nghiệp vụ"),
    field("Chuyên viên", officerInput, "Tên đăng nhập của chuyên viên, ví dụ officer1"),
    h("button", { type: "submit" }, "Xem danh sách"),
    has(user, "processing_officer") && (unit || officer) ? link("/can-bo/xu-ly", "Hồ sơ của tôi", { class: "button secondary" }) : null);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (unitInput.value.trim()) params.set("unit", unitInput.value.trim());
    if (officerInput.value.trim()) params.set("officer", officerInput.value.trim());
    navigate(`/can-bo/xu-ly${params.toString() ? `?${params}` : ""}`);
  });
  const own = !unit && !officer;
  if (own && !has(user, "processing_officer")) {
    page(main, "Hồ sơ đang xử lý", form, h("p", { class: "notice" }, "Chọn phòng hoặc chuyên viên để xem hồ sơ đang xử lý."));
    return;
  }
  const params = new URLSearchParams();
  if (unit) params.set("unit", unit);
  if (officer) params.set("officer", officer);
  let list;
  try {
    list = await pagedTable(`/intake/worklist${params.toString() ? `?${params}` : ""}`,
      ["Mã hồ sơ", "Thủ tục", "Người nộp", "Trạng thái", "Bước", "Hạn của bước", "Tình trạng hạn", "Ngày hẹn trả", "Phòng, chuyên viên", ""],
      (d) => [
        d.code || "—",
        d.procedure_name,
        d.applicant.full_name,
        statusBadge(d.status),
        STEPS[d.step] || d.step || "—",
        h("span", { class: "nowrap" }, formatDateTime(d.step_due_at)),
        deadlineBadge(d.step_due_at),
        h("span", { class: "nowrap" }, formatDateTime(d.due_at)),
        [d.unit || "—", d.officer ? ` — ${d.officer}` : ""].join(""),
        link(`/can-bo/ho-so/${encodeURIComponent(d.id)}`, "Xử lý", { "aria-label": `Xử lý hồ sơ ${d.code || d.applicant.full_name}` }),
      ], { empty: "Không có hồ sơ nào đang xử lý.", caption: "Hạn của bước sớm nhất xếp trước" });
  } catch (error) {
    if (error.messageVi === undefined) throw error;
    page(main, "Hồ sơ đang xử lý", form);
    showError(form, error);
    return;
  }
  const title = own ? "Hồ sơ cần xử lý" : "Hồ sơ đang xử lý";
  const scope = own ? "Hồ sơ được phân công cho Ông/Bà." : `Phòng: ${unit || "tất cả"}; chuyên viên: ${officer || "tất cả"}.`;
  page(main, title, h("p", {}, scope), list, form);
}

// ---------------------------------------------------------------------------------------------
// /can-bo/ho-so/:id

export async function dossier(ctx) {
  const { main, params, user } = ctx;
  const id = params.id;
  const base = `/intake/dossiers/${encodeURIComponent(id)}`;
  const d = await get(base);
  const [procedureR, paymentsR, shipmentsR] = await Promise.allSettled([
    get(`/intake/procedures/${encodeURIComponent(d.procedure_code)}`),
    get(`/payment/payments?dossier_id=${encodeURIComponent(id)}`),
    get(`/delivery/shipments?dossier_id=${encodeURIComponent(id)}`),
  ]);
  const procedure = procedureR.status === "fulfilled" ? procedureR.value : null;
  const reload = async (message) => {
    await dossier(ctx);
    toast(message);
  };

  const sections = [
    summarySection(d),
    applicantSection(d, procedure),
    documentsSection(d, procedure, base),
    actionsSection(d, procedure, user, base, reload),
    resultSection(d, base),
    paymentSection(d, paymentsR),
    shipmentSection(d, shipmentsR, user, reload),
    supplementSection(d),
    extensionSection(d),
    handoffSection(d),
    historySection(d),
    printSection(d, base),
  ];
  page(main, d.code ? `Hồ sơ ${d.code}` : "Hồ sơ chưa cấp mã",
    h("p", {}, statusBadge(d.status), " ", d.procedure_name),
    sections);
}

function summarySection(d) {
  return section("Thông tin hồ sơ",
    facts([
      ["Mã hồ sơ", d.code || "Chưa cấp (cấp khi tiếp nhận)"],
      ["Thủ tục", `${d.procedure_name} (${d.procedure_code})`],
      ["Trạng thái", statusBadge(d.status)],
      ["Kênh nộp", CHANNELS[d.channel] || String(d.channel ?? "—")],
      ["Hình thức nhận kết quả", DELIVERY[d.delivery_method] || d.delivery_method],
      d.delivery_address ? ["Địa chỉ nhận kết quả", d.delivery_address] : null,
      ["Ngày nộp", formatDateTime(d.submitted_at)],
      ["Ngày tiếp nhận", formatDateTime(d.accepted_at)],
      ["Ngày hẹn trả kết quả", d.due_at ? [formatDateTime(d.due_at), " ", deadlineBadge(d.due_at)] : "—"],
      d.step ? ["Bước hiện tại", STEPS[d.step] || d.step] : null,
      d.step_due_at ? ["Hạn của bước", [formatDateTime(d.step_due_at), " ", deadlineBadge(d.step_due_at)]] : null,
      d.unit ? ["Phòng xử lý", d.unit] : null,
      d.officer ? ["Chuyên viên xử lý", d.officer] : null,
      d.fee_vnd ? ["Phí, lệ phí", formatMoney(d.fee_vnd)] : null,
      ["Số lần yêu cầu bổ sung", String(d.supplement_count || 0)],
      d.refusal_reason ? ["Lý do từ chối", d.refusal_reason] : null,
      d.stop_reason ? ["Lý do dừng xử lý", d.stop_reason] : null,
      d.finished_at ? ["Ngày kết thúc xử lý", formatDateTime(d.finished_at)] : null,
      d.returned_at ? ["Ngày trả kết quả", formatDateTime(d.returned_at)] : null,
      d.rating ? ["Đánh giá của người nộp", `${d.rating.score}/5${d.rating.comment ? ` — ${d.rating.comment}` : ""}`] : null,
    ]));
}

function formValue(value) {
  if (value === true) return "Có";
  if (value === false) return "Không";
  if (value === null || value === undefined || value === "") return "—";
  return String(value);
}

function applicantSection(d, procedure) {
  const a = d.applicant;
  const labels = new Map(((procedure && procedure.form_fields) || []).map((f) => [f.name, f.label]));
  const formPairs = Object.entries(d.form_data || {}).map(([k, v]) => [labels.get(k) || k, formValue(v)]);
  return section("Người nộp và nội dung đề nghị",
    facts([
      ["Họ và tên", a.full_name],
      ["Loại đối tượng", APPLICANT_KINDS[a.kind] || a.kind],
      ["Số định danh (CCCD)", a.id_number],
      ["Điện thoại", a.phone],
      ["Thư điện tử", a.email || "—"],
      ["Địa chỉ", a.address],
      ["Nội dung đề nghị", d.request_content || "—"],
    ]),
    formPairs.length ? [h("h3", {}, "Thông tin tờ khai"), facts(formPairs)] : null);
}

function documentsSection(d, procedure, base) {
  const byCode = new Map();
  for (const a of d.attachments) {
    if (!byCode.has(a.document_code)) byCode.set(a.document_code, []);
    byCode.get(a.document_code).push(a);
  }
  const documents = procedure ? procedure.documents : [...byCode.keys()].map((code) => ({ code, name: code, required: false }));
  const known = new Set(documents.map((doc) => doc.code));
  const extra = [...byCode.keys()].filter((code) => !known.has(code)).map((code) => ({ code, name: code, required: false }));
  let missing = 0;
  const rows = [...documents, ...extra].map((doc) => {
    const files = (byCode.get(doc.code) || []).filter((a) => a.status === "uploaded");
    const pending = (byCode.get(doc.code) || []).filter((a) => a.status !== "uploaded");
    let state;
    if (files.length) state = h("span", { class: "badge ok" }, "Đã nộp");
    else if (doc.required) { missing += 1; state = h("span", { class: "badge bad" }, "Còn thiếu"); }
    else state = h("span", { class: "badge" }, "Không nộp");
    return [
      h("span", {}, doc.name, h("span", { class: "hint" }, `Mã: ${doc.code}`)),
      doc.required ? "Bắt buộc" : "Không bắt buộc",
      files.length || pending.length
        ? h("ul", {}, files.map((a) => h("li", {}, `${a.filename} (${formatSize(a.size_bytes)}) `,
          actionButton("Xem tệp", () => followDownload(`${base}/attachments/${encodeURIComponent(a.attachment_id)}`),
            { class: "secondary", "aria-label": `Xem tệp ${a.filename}` }))),
          pending.map((a) => h("li", { class: "muted" }, `${a.filename} — chưa tải lên xong`)))
        : "—",
      state,
    ];
  });
  return section("Thành phần hồ sơ",
    procedure ? null : h("p", { class: "notice warn" }, "Chưa tải được danh mục giấy tờ của thủ tục; chỉ hiển thị các tệp đã nộp."),
    missing
      ? h("p", { class: "notice warn", role: "note" }, `Còn thiếu ${missing} giấy tờ bắt buộc.`)
      : h("p", { class: "notice ok" }, "Đã có đủ các giấy tờ bắt buộc."),
    rows.length ? table(["Giấy tờ", "Bắt buộc", "Tệp đã nộp", "Tình trạng"], rows) : h("p", {}, "Chưa có tệp nào."));
}

function resultSection(d, base) {
  if (!d.result && !d.result_summary) return null;
  const r = d.result;
  return section("Kết quả giải quyết",
    facts([
      d.result_summary ? ["Nội dung kết quả", d.result_summary] : null,
      r ? ["Tệp kết quả điện tử", `${r.filename} (${formatSize(r.size_bytes)})`] : null,
      r ? ["Mã xác thực", r.verification_code] : null,
      r ? ["Ngày ban hành", formatDateTime(r.issued_at)] : null,
      r ? ["Người nộp đã tải về", r.downloaded_at ? formatDateTime(r.downloaded_at) : "Chưa"] : null,
      r ? ["Mã băm SHA-256", h("code", { style: "word-break: break-all" }, r.sha256)] : null,
    ]),
    r ? actionButton("Tải tệp kết quả", () => followDownload(`${base}/result`), { class: "secondary" }) : null);
}

function paymentSection(d, paymentsR) {
  const items = paymentsR.status === "fulfilled" ? paymentsR.value.items || [] : [];
  if (!d.fee_vnd && !d.payment && !items.length) return null;
  const p = d.payment;
  return section("Phí, lệ phí",
    facts([
      ["Số tiền phải nộp", formatMoney(d.fee_vnd)],
      ["Tình trạng", p ? h("span", { class: "badge ok" }, "Đã nộp") : d.status === "fee_requested" ? h("span", { class: "badge warn" }, "Chưa nộp") : "—"],
      p ? ["Hình thức", PAYMENT_METHOD[p.method] || p.method] : null,
      p ? ["Số biên lai / mã giao dịch", p.reference] : null,
      p ? ["Số tiền đã nộp", formatMoney(p.amount_vnd)] : null,
      p ? ["Thời điểm nộp", formatDateTime(p.paid_at)] : null,
      p && p.recorded_by ? ["Người ghi nhận", p.recorded_by] : null,
    ]),
    h("h3", {}, "Các lần thanh toán trực tuyến"),
    paymentsR.status === "rejected"
      ? h("p", { class: "field-error" }, paymentsR.reason.messageVi || "Chưa tải được danh sách thanh toán.")
      : items.length
        ? [refundNotice(items), table(["Mã giao dịch", "Số tiền", "Tình trạng", "Tạo lúc", "Thanh toán lúc", "Ghi chú"], items.map((x) => [
          x.txn_ref, formatMoney(x.amount_vnd),
          h("span", { class: `badge ${PAYMENT_TONE[x.status] || ""}` }, PAYMENT_STATUS[x.status] || x.status),
          formatDateTime(x.created_at), formatDateTime(x.paid_at), x.refund_reason ? `Phải hoàn trả: ${x.refund_reason}` : x.reason || "—",
        ]))]
        : h("p", { class: "muted" }, "Chưa có lần thanh toán trực tuyến nào."));
}

/** Money taken for a fee no longer owed: said first, in words, before the table. */
function refundNotice(items) {
  const due = items.filter((x) => x.status === "refund_due");
  if (!due.length) return null;
  const total = due.reduce((sum, x) => sum + x.amount_vnd, 0);
  return h("p", { class: "field-error", role: "note" },
    `Cần hoàn trả ${formatMoney(total)} cho người nộp (${due.length} giao dịch): `,
    due.map((x) => `${x.txn_ref} – ${x.refund_reason}`).join("; "), ".");
}

function shipmentSection(d, shipmentsR, user, reload) {
  const items = shipmentsR.status === "fulfilled" ? shipmentsR.value.items || [] : [];
  if (d.delivery_method !== "postal" && !items.length && shipmentsR.status === "fulfilled") return null;
  return section("Chuyển phát qua bưu điện",
    shipmentsR.status === "rejected"
      ? h("p", { class: "field-error" }, shipmentsR.reason.messageVi || "Chưa tải được thông tin chuyển phát.")
      : items.length
        ? table(["Nội dung", "Tình trạng", "Số hiệu bưu gửi", "Lần đặt", "Người nhận", "Cập nhật", ""], items.map((s) => [
          PURPOSES[s.purpose] || s.purpose,
          [h("span", { class: `badge ${SHIPMENT_TONE[s.status] || ""}` }, SHIPMENT_STATUS[s.status] || s.status),
            s.last_error ? h("span", { class: "hint" }, s.last_error) : null],
          s.item_code || "—",
          String(s.attempt ?? "—"),
          `${s.receiver.name}, ${s.receiver.address}`,
          formatDateTime(s.updated_at),
          has(user, "desk_officer") && REBOOKABLE.includes(s.status)
            ? actionButton("Đặt lại bưu điện", async () => {
              await post(`/delivery/shipments/${encodeURIComponent(s.id)}/rebook`);
              await reload("Đã đặt lại bưu điện.");
            }, { "aria-label": `Đặt lại bưu điện: ${PURPOSES[s.purpose] || s.purpose}` })
            : "",
        ]))
        : h("p", { class: "muted" }, "Chưa có bưu gửi nào."));
}

function supplementSection(d) {
  if (!d.supplement_requests.length) return null;
  return section("Yêu cầu bổ sung",
    d.supplement_requests.map((s, i) => h("div", {},
      h("h3", {}, `Lần ${i + 1}: ${formatDateTime(s.requested_at)}`),
      facts([
        ["Lý do", s.reason],
        ["Người yêu cầu", s.requested_by || "—"],
        ["Đã bổ sung", s.resolved_at ? formatDateTime(s.resolved_at) : h("span", { class: "badge warn" }, "Chưa bổ sung")],
      ]),
      h("ul", {}, s.items.map((item) => h("li", {}, item.document_name || item.document_code, item.note ? `: ${item.note}` : ""))))));
}

function extensionSection(d) {
  if (!d.extensions.length) return null;
  return section("Gia hạn, hẹn lại ngày trả",
    table(["Thời điểm", "Người gia hạn", "Ngày hẹn cũ", "Ngày hẹn mới", "Lý do"], d.extensions.map((e) => [
      formatDateTime(e.at), e.by || "—", formatDateTime(e.previous_due_at), formatDateTime(e.new_due_at), e.reason,
    ])));
}

function handoffSection(d) {
  if (!d.handoffs.length) return null;
  return section("Phiếu kiểm soát quá trình giải quyết",
    table(["Bước", "Bên giao", "Bên nhận", "Thời điểm giao", "Người giao", "Người nhận", "Thời gian được giao", "Thời gian đã dùng", "Kết quả", "Ghi chú"],
      d.handoffs.map((x) => [
        STEPS[x.step] || x.step,
        x.from_unit || "—",
        x.to_unit || "—",
        h("span", { class: "nowrap" }, formatDateTime(x.at)),
        x.giver || "—",
        x.receiver || "—",
        formatHours(x.allotted_hours),
        formatHours(x.used_hours),
        x.result ? timelinessBadge(x.result) : "—",
        x.note || "—",
      ]), "Thời gian tính bằng giờ làm việc"));
}

function historySection(d) {
  return section("Quá trình xử lý",
    d.history.length
      ? h("ol", { class: "timeline" }, d.history.map((e) => h("li", {},
        h("strong", {}, ACTIONS[e.action] || e.action),
        h("span", { class: "muted" }, ` — ${formatDateTime(e.at)}`),
        h("div", {}, e.to_status && e.to_status !== e.from_status ? `Trạng thái: ${STATUS[e.to_status] || e.to_status}` : null),
        e.actor ? h("div", { class: "muted" }, `Người thực hiện: ${e.actor}`) : null,
        e.note ? h("div", {}, `Ghi chú: ${e.note}`) : null)))
      : h("p", { class: "muted" }, "Chưa có bước nào."));
}

function printSection(d, base) {
  const kinds = PRINTABLES.filter(([, , when]) => when(d));
  if (!kinds.length) return null;
  return section("Văn bản in",
    h("p", { class: "muted" }, "Mở trong cửa sổ mới để in."),
    h("ul", {}, kinds.map(([kind, label]) => h("li", {},
      actionButton(label, () => openPrintable(`${base}/documents/${kind}`), { class: "link" })))));
}

// --- actions ---------------------------------------------------------------------------------

/** A collapsible card with a form; `submit(form, button)` performs the action. */
function actionCard(title, { open = false, intro, fields = [], submitLabel, danger = false, submit }) {
  const button = h("button", { type: "submit", class: danger ? "danger" : null }, submitLabel || title);
  const form = h("form", { novalidate: true }, intro ? h("p", { class: "muted" }, intro) : null, fields, button);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(button, form, () => submit(form, button));
  });
  return h("details", { class: "card", open }, h("summary", {}, h("strong", {}, title)), form);
}

function textarea(name, attrs = {}) {
  return h("textarea", { name, rows: 3, ...attrs });
}

function requireValue(form, name, label) {
  const input = form.querySelector(`[name="${name}"]`);
  if (!input || !String(input.value).trim()) throw localError(name, `Vui lòng nhập “${label}”.`);
  return String(input.value).trim();
}

/** The supplement request form: documents chosen with a note each, and a reason. */
function supplementCard(d, procedure, base, reload, open) {
  const documents = procedure ? procedure.documents : [];
  const rows = documents.map((doc) => {
    const box = h("input", { type: "checkbox", value: doc.code });
    const note = h("textarea", { rows: 2 });
    const noteField = field(`Nội dung cần bổ sung: ${doc.name}`, note);
    noteField.hidden = true;
    box.addEventListener("change", () => { noteField.hidden = !box.checked; });
    const id = `sup-${doc.code}`;
    box.id = id;
    return { doc, box, note, el: h("div", {}, h("label", { class: "choice", for: id }, box, doc.name, doc.required ? "" : " (không bắt buộc)"), noteField) };
  });
  const group = h("fieldset", { name: "items" },
    h("legend", {}, "Giấy tờ cần bổ sung, hoàn thiện"),
    rows.length ? rows.map((r) => r.el) : h("p", { class: "muted" }, "Chưa tải được danh mục giấy tờ của thủ tục."));
  return actionCard("Yêu cầu bổ sung hồ sơ", {
    open,
    intro: "Thời gian giải quyết tạm dừng cho đến khi người nộp bổ sung xong. Người nộp nhận được Phiếu yêu cầu bổ sung (Mẫu 02).",
    fields: [group, field("Lý do yêu cầu bổ sung", textarea("reason"))],
    submitLabel: "Gửi yêu cầu bổ sung",
    submit: async (form) => {
      const chosen = rows.filter((r) => r.box.checked);
      rows.forEach((r) => { r.box.removeAttribute("name"); r.note.removeAttribute("name"); });
      chosen.forEach((r, i) => { r.box.name = `items.${i}.document_code`; r.note.name = `items.${i}.note`; });
      if (!chosen.length) throw localError("items", "Chọn ít nhất một giấy tờ cần bổ sung.");
      const reason = requireValue(form, "reason", "Lý do yêu cầu bổ sung");
      await post(`${base}/request-supplement`, {
        reason,
        items: chosen.map((r) => ({ document_code: r.doc.code, note: r.note.value.trim() })),
      });
      await reload("Đã gửi yêu cầu bổ sung hồ sơ.");
    },
  });
}

/** Leaders: extend the appointment date (form 04). Exported for the overdue page. */
export function extendCard(d, onDone, { open = false, title = "Gia hạn, hẹn lại ngày trả" } = {}) {
  const when = h("input", { type: "datetime-local", name: "new_due_at", min: vnLocal(), step: 60 });
  return actionCard(title, {
    open,
    intro: `Chỉ gia hạn hồ sơ đã quá hạn hoặc còn không quá một ngày làm việc. Ngày hẹn hiện tại: ${formatDateTime(d.due_at)}. Người nộp nhận được Phiếu xin lỗi và hẹn lại ngày trả (Mẫu 04).`,
    fields: [
      field("Lý do gia hạn", textarea("reason")),
      field("Ngày giờ hẹn trả mới", when, "Trong giờ làm việc: 07:00–11:30, 13:30–17:00, giờ Việt Nam"),
    ],
    submitLabel: "Gia hạn",
    submit: async (form) => {
      const reason = requireValue(form, "reason", "Lý do gia hạn");
      if (!when.value) throw localError("new_due_at", "Vui lòng chọn ngày giờ hẹn trả mới.");
      try {
        await post(`/intake/dossiers/${encodeURIComponent(d.id)}/extend`, { reason, new_due_at: vnIso(when.value) });
      } catch (error) {
        if (error.code === "invalid_new_due_date" && !error.field) error.field = "new_due_at";
        throw error;
      }
      await onDone("Đã gia hạn và hẹn lại ngày trả kết quả.");
    },
  });
}

/** Leaders: stop processing. Exported for the overdue page. */
export function stopCard(d, onDone, { open = false, title = "Dừng xử lý hồ sơ" } = {}) {
  return actionCard(title, {
    open,
    intro: "Hồ sơ sẽ kết thúc ở trạng thái “Dừng xử lý”; người nộp được thông báo lý do.",
    fields: [field("Lý do dừng xử lý", textarea("reason"))],
    submitLabel: "Dừng xử lý",
    danger: true,
    submit: async (form) => {
      const reason = requireValue(form, "reason", "Lý do dừng xử lý");
      await post(`/intake/dossiers/${encodeURIComponent(d.id)}/stop`, { reason });
      await onDone("Đã dừng xử lý hồ sơ.");
    },
  });
}

function actionsSection(d, procedure, user, base, reload) {
  const desk = has(user, "desk_officer");
  const leader = has(user, "leader");
  const assigned = has(user, "processing_officer") && d.officer === user.username;
  const cards = [];
  const s = d.status;

  if (desk && s === "submitted") {
    cards.push(actionCard("Tiếp nhận hồ sơ", {
      open: true,
      intro: "Cấp mã hồ sơ và ngày hẹn trả kết quả; in Giấy tiếp nhận (Mẫu 01) sau khi tiếp nhận.",
      submitLabel: "Tiếp nhận",
      submit: async () => { await post(`${base}/accept`); await reload("Đã tiếp nhận hồ sơ."); },
    }));
  }
  if ((desk && ["submitted", "accepted"].includes(s)) || (assigned && s === "processing")) {
    cards.push(supplementCard(d, procedure, base, reload, false));
  }
  if (desk && ["submitted", "supplement_requested"].includes(s)) {
    cards.push(actionCard("Từ chối tiếp nhận", {
      intro: "Người nộp nhận được Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03) với lý do.",
      fields: [field("Lý do từ chối", textarea("reason"))],
      submitLabel: "Từ chối tiếp nhận",
      danger: true,
      submit: async (form) => {
        const reason = requireValue(form, "reason", "Lý do từ chối");
        await post(`${base}/refuse`, { reason });
        await reload("Đã từ chối tiếp nhận hồ sơ.");
      },
    }));
  }
  if ((desk || leader) && s === "accepted") {
    cards.push(actionCard("Chuyển xử lý", {
      open: true,
      intro: "Chuyển hồ sơ cho phòng chuyên môn và chuyên viên xử lý.",
      fields: [
        field("Phòng xử lý", h("input", { name: "unit", value: d.unit || "", autocomplete: "off" }), "Ví dụ: Phòng Nghiệp vụ"),
        field("Chuyên viên xử lý", h("input", { name: "officer", value: d.officer || "", autocomplete: "off" }), "Tên đăng nhập của chuyên viên, ví dụ officer1"),
      ],
      submitLabel: "Chuyển xử lý",
      submit: async (form) => {
        const unit = requireValue(form, "unit", "Phòng xử lý");
        const officer = requireValue(form, "officer", "Chuyên viên xử lý");
        await post(`${base}/assign`, { unit, officer });
        await reload(`Đã chuyển hồ sơ cho ${officer}.`);
      },
    }));
  }
  if (desk && s === "fee_requested") {
    cards.push(actionCard("Thu phí, lệ phí tại quầy", {
      open: true,
      intro: "Ghi nhận khoản phí, lệ phí người nộp đã nộp tại Bộ phận Một cửa.",
      fields: [
        field("Số biên lai", h("input", { name: "receipt_no", autocomplete: "off" })),
        field("Số tiền (đồng)", h("input", { name: "amount_vnd", type: "number", min: 1, step: 1, inputmode: "numeric", value: d.fee_vnd ?? "" }),
          d.fee_vnd ? `Phải nộp: ${formatMoney(d.fee_vnd)}` : null),
      ],
      submitLabel: "Ghi nhận đã nộp",
      submit: async (form) => {
        const receipt = requireValue(form, "receipt_no", "Số biên lai");
        const amount = Number(requireValue(form, "amount_vnd", "Số tiền (đồng)"));
        if (!Number.isInteger(amount) || amount <= 0) throw localError("amount_vnd", "Số tiền phải là số nguyên dương.");
        await post(`${base}/record-payment`, { receipt_no: receipt, amount_vnd: amount });
        await reload("Đã ghi nhận phí, lệ phí.");
      },
    }));
  }
  if (assigned && s === "processing") {
    cards.push(approveCard(d, base, reload));
  }
  if (desk && s === "result_ready" && d.delivery_method !== "online") {
    cards.push(actionCard("Trả kết quả", {
      open: true,
      intro: d.delivery_method === "postal"
        ? "Kết quả gửi qua bưu điện được trả tự động khi bưu điện phát thành công; chỉ trả tại quầy khi người nộp đến nhận trực tiếp."
        : "Xác nhận đã trao kết quả cho người nộp tại Bộ phận Một cửa.",
      submitLabel: "Trả kết quả",
      submit: async () => { await post(`${base}/return`); await reload("Đã trả kết quả."); },
    }));
  }
  if (leader && ["accepted", "processing", "supplement_requested", "fee_requested"].includes(s)) {
    if (d.due_at) cards.push(extendCard(d, reload));
    cards.push(stopCard(d, reload));
  }
  if (!cards.length) return null;
  return h("section", { "aria-labelledby": "dossier-actions" },
    h("h2", { id: "dossier-actions" }, "Xử lý hồ sơ"), cards);
}

function approveCard(d, base, reload) {
  const online = d.delivery_method === "online";
  const file = h("input", { type: "file", name: "result_file", accept: "application/pdf,.pdf" });
  const progress = h("progress", { max: 1, value: 0, hidden: true, "aria-label": "Tiến độ tải tệp kết quả" });
  return actionCard("Phê duyệt kết quả", {
    open: true,
    intro: online
      ? "Người nộp nhận kết quả trực tuyến: cần tải lên văn bản kết quả (PDF, đã ký số) trước khi phê duyệt."
      : "Kết quả được chuyển về Bộ phận Một cửa để trả cho người nộp.",
    fields: [
      field("Nội dung kết quả giải quyết", textarea("result_summary"), "Ví dụ: Cấp giấy chứng nhận số …"),
      field(online ? "Văn bản kết quả (PDF)" : "Văn bản kết quả (PDF, không bắt buộc)", file, "Tối đa 10 MB"),
      progress,
    ],
    submitLabel: "Phê duyệt",
    submit: async (form) => {
      const summary = requireValue(form, "result_summary", "Nội dung kết quả giải quyết");
      const chosen = file.files[0];
      if (online && !chosen) throw localError("result_file", "Vui lòng chọn tệp PDF văn bản kết quả.");
      if (chosen) {
        if ((chosen.type && chosen.type !== "application/pdf") || !/\.pdf$/i.test(chosen.name)) throw localError("result_file", "Văn bản kết quả phải là tệp PDF (tên tệp có phần mở rộng .pdf).");
        const slot = await post(`${base}/result-file`, { filename: chosen.name, content_type: "application/pdf", size_bytes: chosen.size })
          .catch((error) => { if (!error.field || ["filename", "size_bytes", "content_type"].includes(error.field)) error.field = "result_file"; error.fields = null; throw error; });
        progress.hidden = false;
        await upload(slot.upload_url, slot.headers, chosen, (share) => { progress.value = share; })
          .catch((error) => { error.field = "result_file"; throw error; });
      }
      await post(`${base}/approve`, { result_summary: summary });
      await reload("Đã phê duyệt kết quả.");
    },
  });
}
