// The citizen's pages: their dossiers, one dossier with everything that can be done with it
// (supplements, the fee, the result, the post office, slips, rating, withdrawal), and the account
// with the notification channels.
import { get, post, put } from "../api.js";
import { session } from "../auth.js";
import { openPrintout } from "../printing.js";
import {
  ACTIONS, APPLICANT_PAYMENT_STATUS as PAYMENTS, APPLICANT_SHIPMENT_PURPOSE as PURPOSES,
  APPLICANT_SHIPMENT_STATUS as SHIPMENTS, DELIVERY, EVENTS, NOTICE_CHANNELS as CHANNELS, SENDING, STATUS,
} from "../labels.js";
import {
  busy, facts, field, formatDate, formatDateTime, formatMoney, h, link, page, showError, statusBadge, table, toast,
} from "../ui.js";
import { choices, documentUpload, invalid, localPhone, submitDossier } from "./compose.js";

// --- Vietnamese names ------------------------------------------------------------------------------

// History notes a citizen should read (others are internal: units, officers, references).
const NOTED_ACTIONS = new Set(["request_supplement", "refuse", "withdraw", "stop", "extend", "return", "receive_originals", "note_delivery"]);

const SLIPS = [
  ["receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", (d) => d.accepted_at],
  ["supplement_request", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", (d) => d.supplement_requests.length],
  ["refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", (d) => d.status === "refused"],
  ["apology", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", (d) => d.extensions.length],
  ["result", "Phiếu xác thực kết quả (có mã QR)", (d) => Boolean(d.result)],
];
const RATINGS = [["5", "Rất hài lòng"], ["4", "Hài lòng"], ["3", "Bình thường"], ["2", "Không hài lòng"], ["1", "Rất không hài lòng"]];
// The post office collects the originals of a dossier not finished yet (delivery's own rule).
const BEFORE_RETURN = new Set(["submitted", "supplement_requested", "accepted", "processing", "fee_requested", "result_ready"]);

// Where the list's "next action" leads on the dossier page (section id → words), for the first
// action the API allows the applicant (allowed_actions); a fee due is paid through payment.
const NEXT = [
  ["rate", "danh-gia", "Đánh giá"],
  ["resubmit", "bo-sung", "Bổ sung hồ sơ"],
  ["receive_online", "ket-qua", "Nhận kết quả"],
];

const label = (names, key) => names[key] || key || "—";
const may = (d, action) => (d.allowed_actions || []).includes(action);
const dossierPath = (d) => `/ho-so/${encodeURIComponent(d.id)}`;
const api = (d, rest = "") => `/intake/dossiers/${encodeURIComponent(d.id)}${rest}`;

function section(id, title, ...children) {
  return h("section", { class: "card", id, "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title`, tabindex: "-1", style: "margin-top:0" }, title), children);
}

/** A form whose submit runs `action` through busy() (errors shown on the form). */
function actionForm(buttonText, action, { danger = false } = {}, ...controls) {
  const form = h("form", { novalidate: true });
  const button = h("button", { type: "submit", class: danger ? "danger" : null }, buttonText);
  form.addEventListener("submit", (e) => { e.preventDefault(); busy(button, form, () => action(new FormData(form), form)); });
  form.append(...controls.flat(Infinity).filter(Boolean), button);
  return form;
}

function timeline(entries) {
  return h("ol", { class: "timeline" }, entries.map(({ title, at, note }) => h("li", {},
    h("strong", {}, title), h("br"), h("span", { class: "muted" }, formatDateTime(at)),
    note ? h("p", { style: "margin:.25rem 0 0" }, note) : null)));
}

/**
 * Resolves to the items of a list, or to {error}: a side list must not break the page. 404: the
 * service has not heard of the dossier yet (its events are still on the way), so nothing to show.
 */
function optional(path) {
  return get(path).then((r) => r.items, (error) => (error.status === 404 ? [] : { error }));
}

function unavailable(result) {
  return result && result.error ? h("p", { class: "muted" }, "Chưa tải được thông tin này. Vui lòng tải lại trang sau.") : null;
}

// --- /ho-so ----------------------------------------------------------------------------------------

function nextAction(d) {
  if (may(d, "edit")) return link(`${dossierPath(d)}/sua`, "Tiếp tục soạn");
  const next = NEXT.find(([action]) => may(d, action));
  if (next) return link(`${dossierPath(d)}?muc=${next[1]}`, next[2]);
  if (d.status === "fee_requested") return link(`${dossierPath(d)}?muc=nop-phi`, "Nộp phí");
  return link(dossierPath(d), "Xem chi tiết");
}

function dossierRows(items) {
  return items.map((d) => [
    link(dossierPath(d), d.code || "Chưa có mã"), d.procedure_name, statusBadge(d.status), formatDate(d.due_at), nextAction(d),
  ]);
}

export async function myDossiers(ctx) {
  const items = [];
  let cursor = null;
  const list = h("div", {});
  const more = h("button", { type: "button", class: "secondary" }, "Xem thêm");
  const box = h("div", {});

  async function load() {
    const params = new URLSearchParams({ limit: "20" });
    if (cursor) params.set("cursor", cursor);
    const result = await get(`/intake/dossiers?${params}`);
    const first = items.length;
    items.push(...result.items);
    cursor = result.next_cursor;
    list.replaceChildren(items.length
      ? table(["Mã hồ sơ", "Thủ tục", "Trạng thái", "Hạn trả kết quả", "Việc cần làm"], dossierRows(items))
      : h("p", {}, "Ông/Bà chưa có hồ sơ nào."));
    box.replaceChildren(...(cursor ? [list, more] : [list])); // (buttons ignore [hidden]: the stylesheet sets display)
    return first;
  }

  more.addEventListener("click", () => busy(more, box, async () => {
    const first = await load();
    const rows = list.querySelectorAll("tbody tr");
    if (rows[first]) rows[first].querySelector("a").focus();
  }));
  await load();
  page(ctx.main, "Hồ sơ của tôi", h("p", {}, link("/", "Nộp hồ sơ mới", { class: "button" })), box);
}

// --- /ho-so/:id: the sections --------------------------------------------------------------------

function summarySection(d) {
  return h("section", { class: "card", "aria-label": "Thông tin hồ sơ" }, facts([
    ["Mã hồ sơ", d.code || "Chưa có mã (cấp khi tiếp nhận)"],
    ["Thủ tục", d.procedure_name],
    ["Trạng thái", statusBadge(d.status)],
    ["Ngày nộp", formatDateTime(d.submitted_at)],
    ["Ngày tiếp nhận", formatDateTime(d.accepted_at)],
    ["Ngày hẹn trả kết quả", formatDateTime(d.due_at)],
    ["Hình thức nhận kết quả", label(DELIVERY, d.delivery_method)],
    d.delivery_method === "postal" ? ["Địa chỉ nhận kết quả", d.delivery_address] : null,
    d.refusal_reason ? ["Lý do từ chối", d.refusal_reason] : null,
    d.stop_reason ? ["Lý do dừng xử lý", d.stop_reason] : null,
    d.result_summary ? ["Kết quả giải quyết", d.result_summary] : null,
  ]));
}

function draftSection(d) {
  if (!may(d, "edit")) return null;
  return h("div", { class: "notice warn" }, h("p", {}, "Hồ sơ chưa được nộp. Ông/Bà tiếp tục soạn, đính kèm giấy tờ rồi nộp hồ sơ."),
    link(`${dossierPath(d)}/sua`, "Tiếp tục soạn hồ sơ", { class: "button" }));
}

function supplementSection(d, names, reload) {
  const open = [...d.supplement_requests].reverse().find((s) => !s.resolved_at);
  if (!may(d, "resubmit") || !open) return null;
  let form;
  const uploads = open.items.map((item) => documentUpload({
    dossierId: d.id, form: () => form,
    document: { code: item.document_code, name: item.document_name || names[item.document_code] || item.document_code, required: true },
  }));
  form = actionForm("Nộp bổ sung", async () => {
    if (uploads.some((u) => u.uploading)) throw invalid([], "Vui lòng chờ tải xong các tệp đang tải lên.");
    const missing = open.items.filter((_, i) => !uploads[i].filename);
    if (missing.length) throw invalid(missing.map((i) => [`document.${i.document_code}`, "Vui lòng tải lên tệp thay thế cho giấy tờ này."]));
    await submitDossier(d.id, names);
    toast("Đã nộp bổ sung hồ sơ");
    reload();
  }, {}, uploads.map((u) => u.element));
  return section("bo-sung", "Bổ sung hồ sơ",
    h("p", {}, `Yêu cầu ngày ${formatDateTime(open.requested_at)}: `, h("strong", {}, open.reason)),
    h("ul", {}, open.items.map((i) => h("li", {}, i.document_name || names[i.document_code] || i.document_code, i.note ? ` — ${i.note}` : ""))),
    h("p", {}, "Tải lên tệp thay thế cho từng giấy tờ được yêu cầu (PDF, JPEG hoặc PNG, tối đa 10 MB), rồi bấm “Nộp bổ sung”."),
    form);
}

function paymentSection(d, payments) {
  const attempts = Array.isArray(payments) ? payments : [];
  if (d.status !== "fee_requested" && !attempts.length && !d.payment) return null;
  const pay = d.status === "fee_requested" ? actionForm("Thanh toán trực tuyến qua VNPay", async () => {
    const created = await post("/payment/payments", { dossier_id: d.id });
    location.href = created.pay_url;
  }) : null;
  return section("nop-phi", "Phí, lệ phí",
    d.status === "fee_requested" ? h("p", {}, "Số tiền cần nộp: ", h("strong", {}, formatMoney(d.fee_vnd))) : null,
    d.payment ? h("p", {}, `Đã nộp ${formatMoney(d.payment.amount_vnd)} lúc ${formatDateTime(d.payment.paid_at)}.`) : null,
    pay,
    unavailable(payments),
    attempts.length ? [h("h3", {}, "Các lần thanh toán"), table(["Mã giao dịch", "Số tiền", "Trạng thái", "Thời gian", "Ghi chú"],
      attempts.map((p) => [p.txn_ref, formatMoney(p.amount_vnd), label(PAYMENTS, p.status), formatDateTime(p.paid_at || p.created_at), p.refund_reason ? `Sẽ được hoàn trả: ${p.refund_reason}` : p.reason || "—"]))] : null);
}

function resultSection(d, reload) {
  if (!d.result && !["result_ready", "returned"].includes(d.status)) return null;
  const parts = [];
  if (d.result) {
    const holder = h("p", {});
    parts.push(facts([
      ["Văn bản kết quả", d.result.filename],
      ["Ngày ban hành", formatDateTime(d.result.issued_at)],
      ["Mã xác thực", link(`/xac-thuc/${encodeURIComponent(d.result.verification_code)}`, d.result.verification_code)],
    ]), actionForm("Tải văn bản kết quả", async () => {
      const r = await get(api(d, "/result"));
      const anchor = h("a", { href: r.download_url, target: "_blank", rel: "noopener" }, `Nếu tệp chưa tự tải về, bấm vào đây: ${r.filename}`);
      holder.replaceChildren(anchor);
      anchor.click();
      if (r.status !== d.status) { toast("Đã nhận kết quả"); setTimeout(reload, 1500); }
    }), holder);
  } else if (d.status === "result_ready") {
    parts.push(h("p", {}, d.delivery_method === "postal"
      ? `Kết quả được gửi qua bưu điện tới địa chỉ: ${d.delivery_address}.`
      : "Mời Ông/Bà mang giấy tiếp nhận hồ sơ đến Bộ phận Một cửa để nhận kết quả."));
  } else {
    parts.push(h("p", {}, `Đã trả kết quả lúc ${formatDateTime(d.returned_at)}.`));
  }
  return section("ket-qua", "Kết quả giải quyết", parts);
}

function ratingSection(d, reload) {
  if (d.rating) {
    return section("danh-gia", "Đánh giá mức độ hài lòng",
      h("p", {}, `Ông/Bà đã đánh giá: ${d.rating.score}/5 (${label(Object.fromEntries(RATINGS), String(d.rating.score))}).`),
      d.rating.comment ? h("p", {}, d.rating.comment) : null);
  }
  if (!may(d, "rate")) return null;
  const form = actionForm("Gửi đánh giá", async (data) => {
    if (!data.get("score")) throw invalid([["score", "Vui lòng chọn mức độ hài lòng."]]);
    await post(api(d, "/rating"), { score: Number(data.get("score")), comment: String(data.get("comment") || "").trim() });
    toast("Cảm ơn Ông/Bà đã đánh giá");
    reload();
  }, {},
  choices("Ông/Bà hài lòng thế nào với việc giải quyết hồ sơ?", "score", RATINGS.map(([v, t]) => [v, `${v} — ${t}`]), null),
  field("Góp ý (không bắt buộc)", h("textarea", { name: "comment", maxlength: 2000, rows: 3 })));
  return section("danh-gia", "Đánh giá mức độ hài lòng", form);
}

/** Fetch a slip with the token and show it in a sandboxed tab of its own (printing.js). */
async function openSlip(d, kind, box) {
  try {
    await openPrintout(async () => {
      const token = await session.idToken();
      const response = await fetch(api(d, `/documents/${kind}`), { headers: { Authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.text();
    });
  } catch (error) {
    showError(box, { messageVi: error.messageVi || "Chưa mở được văn bản. Vui lòng thử lại." });
  }
}

function slipsSection(d) {
  const slips = SLIPS.filter(([, , shown]) => shown(d));
  if (!slips.length) return null;
  const box = h("div", {});
  box.append(h("ul", {}, slips.map(([kind, title]) => h("li", {},
    h("a", { href: api(d, `/documents/${kind}`), target: "_blank", onclick: (e) => { e.preventDefault(); openSlip(d, kind, box); } },
      title, h("span", { class: "muted" }, " (mở trong thẻ mới để in)"))))));
  return section("van-ban", "Giấy tờ, phiếu in", box);
}

function documentsSection(d, names) {
  if (!d.attachments.length) return null;
  return section("giay-to", "Giấy tờ đã đính kèm", h("ul", {}, d.attachments.map((a) => h("li", {},
    names[a.document_code] || a.document_code, ": ", h("strong", {}, a.filename)))));
}

function historySection(d) {
  return section("qua-trinh", "Quá trình giải quyết", timeline(d.history.map((e) => ({
    title: [ACTIONS[e.action] || e.action, e.to_status && e.to_status !== e.from_status ? ` — ${label(STATUS, e.to_status)}` : ""].join(""),
    at: e.at,
    note: NOTED_ACTIONS.has(e.action) ? e.note : null,
  }))));
}

function pickupForm(d, shipments, reload) {
  const picked = Array.isArray(shipments) && shipments.some((s) => s.purpose === "pickup");
  if (picked || !BEFORE_RETURN.has(d.status)) return null;
  const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString("en-CA", { timeZone: "Asia/Ho_Chi_Minh" });
  return [h("h3", {}, "Gửi hồ sơ gốc qua bưu điện"), actionForm("Yêu cầu bưu điện đến lấy hồ sơ gốc", async (data) => {
    const address = String(data.get("address") || "").trim();
    const date = String(data.get("preferred_date") || "");
    const problems = [];
    if (!address) problems.push(["address", "Vui lòng nhập địa chỉ để bưu điện đến lấy hồ sơ."]);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) problems.push(["preferred_date", "Vui lòng chọn ngày hẹn lấy hồ sơ."]);
    if (problems.length) throw invalid(problems);
    await post("/delivery/pickups", { dossier_id: d.id, address, preferred_date: date });
    toast("Đã gửi yêu cầu đến bưu điện");
    reload();
  }, {},
  field("Địa chỉ lấy hồ sơ", h("input", { name: "address", value: d.delivery_address || d.applicant.address || "", maxlength: 500, autocomplete: "street-address" })),
  field("Ngày hẹn lấy", h("input", { name: "preferred_date", type: "date", min: tomorrow, value: tomorrow })))];
}

function postalSection(d, shipments, reload) {
  if (d.delivery_method !== "postal" || d.status === "draft") return null;
  const items = Array.isArray(shipments) ? shipments : [];
  return section("buu-dien", "Dịch vụ bưu chính", unavailable(shipments),
    items.length ? items.map((s) => h("div", {},
      h("h3", {}, label(PURPOSES, s.purpose)),
      facts([["Trạng thái", label(SHIPMENTS, s.status)], ["Số vận đơn", s.item_code || "—"],
        ["Ngày hẹn lấy", s.preferred_date ? formatDate(s.preferred_date) : null]].filter(([, v]) => v !== null)),
      timeline(s.history.map((e) => ({ title: label(SHIPMENTS, e.status), at: e.at, note: e.note }))))) : h("p", { class: "muted" }, "Chưa có bưu gửi nào."),
    pickupForm(d, shipments, reload));
}

function notificationsSection(notifications) {
  // What was sent to the applicant (the desk's and officers' messages are theirs).
  const items = Array.isArray(notifications) ? notifications.filter((n) => !n.audience || n.audience === "citizen") : [];
  return section("thong-bao", "Thông báo đã gửi", unavailable(notifications),
    items.length ? table(["Thời gian", "Kênh", "Nội dung", "Người nhận", "Trạng thái"], items.map((n) => [
      formatDateTime(n.sent_at || n.created_at), label(CHANNELS, n.channel), EVENTS[n.event_type] || n.subject || n.event_type,
      n.recipient, label(SENDING, n.status),
    ])) : notifications && notifications.error ? null : h("p", { class: "muted" }, "Chưa có thông báo nào."));
}

function withdrawSection(d, reload) {
  if (!may(d, "withdraw")) return null;
  const form = actionForm("Rút hồ sơ", async (data) => {
    if (!window.confirm("Ông/Bà chắc chắn muốn rút hồ sơ này? Hồ sơ đã rút sẽ không được tiếp tục giải quyết.")) return;
    const reason = String(data.get("reason") || "").trim();
    await post(api(d, "/withdraw"), reason ? { reason } : {});
    toast("Đã rút hồ sơ");
    reload();
  }, { danger: true }, field("Lý do rút hồ sơ (không bắt buộc)", h("textarea", { name: "reason", maxlength: 2000, rows: 2 })));
  return section("rut-ho-so", "Rút hồ sơ", h("p", {}, "Ông/Bà có thể rút hồ sơ khi chưa có kết quả giải quyết."), form);
}

function focusSection(id) {
  const heading = id && document.getElementById(`${id}-title`);
  if (!heading) return;
  heading.scrollIntoView({ block: "start" });
  heading.focus({ preventScroll: true });
}

// --- /ho-so/:id -------------------------------------------------------------------------------------

export async function dossier(ctx) {
  let d;
  try {
    d = await get(`/intake/dossiers/${encodeURIComponent(ctx.params.id)}`);
  } catch (error) {
    if (error.status !== 404) throw error;
    page(ctx.main, "Không tìm thấy hồ sơ", h("p", {}, "Hồ sơ không tồn tại hoặc không thuộc tài khoản của Ông/Bà."),
      link("/ho-so", "Về danh sách hồ sơ của tôi"));
    return;
  }
  const hasFee = d.fee_vnd > 0 || d.status === "fee_requested" || d.payment;
  const [procedure, notifications, payments, shipments] = await Promise.all([
    get(`/intake/procedures/${encodeURIComponent(d.procedure_code)}`).catch(() => ({ documents: [] })),
    d.status === "draft" ? [] : optional(`/notify/notifications?dossier_id=${encodeURIComponent(d.id)}`),
    hasFee && d.status !== "draft" ? optional(`/payment/payments?dossier_id=${encodeURIComponent(d.id)}`) : [],
    d.delivery_method === "postal" && d.status !== "draft" ? optional(`/delivery/shipments?dossier_id=${encodeURIComponent(d.id)}`) : [],
  ]);
  const names = Object.fromEntries(procedure.documents.map((doc) => [doc.code, doc.name]));
  const reload = () => dossier({ ...ctx, query: new URLSearchParams() });
  page(ctx.main, d.code ? `Hồ sơ ${d.code}` : "Hồ sơ chưa có mã",
    h("p", {}, link("/ho-so", "← Hồ sơ của tôi")),
    summarySection(d),
    draftSection(d),
    supplementSection(d, names, reload),
    paymentSection(d, payments),
    resultSection(d, reload),
    ratingSection(d, reload),
    slipsSection(d),
    historySection(d),
    documentsSection(d, names),
    postalSection(d, shipments, reload),
    d.status === "draft" ? null : notificationsSection(notifications),
    withdrawSection(d, reload));
  focusSection(ctx.query.get("muc"));
}

// --- /tai-khoan ---------------------------------------------------------------------------------------

export async function profile(ctx) {
  const user = ctx.user;
  const preferences = await get("/notify/preferences");
  const form = actionForm("Lưu lựa chọn", async (data) => {
    const channels = data.getAll("channels");
    if (!channels.length) throw invalid([["channels", "Vui lòng chọn ít nhất một kênh nhận thông báo."]]);
    await put("/notify/preferences", { channels });
    toast("Đã lưu lựa chọn nhận thông báo");
  }, {},
  choices("Nhận thông báo về hồ sơ qua", "channels", Object.entries(CHANNELS), preferences.channels,
    { type: "checkbox", hint: "Chọn ít nhất một kênh" }));
  page(ctx.main, "Tài khoản",
    h("section", { class: "card", "aria-label": "Thông tin tài khoản" }, facts([
      ["Tên đăng nhập", user.username],
      ["Họ và tên", user.name],
      ["Thư điện tử", user.email || "—"],
      ["Điện thoại", localPhone(user.phone) || "—"],
    ])),
    section("thong-bao", "Thông báo", h("p", { class: "muted" },
      "Tin nhắn và thư điện tử về hồ sơ được gửi tới số điện thoại và địa chỉ thư điện tử ghi trong từng hồ sơ."), form));
}
