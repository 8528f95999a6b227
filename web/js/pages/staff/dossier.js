// /can-bo/ho-so/:id: one dossier as the officers see it, with the actions the server allows
// the caller (dossier-actions.js), its payments, shipments, hand-offs, history and printouts.
import { get, post } from "../../api.js";
import { actionsSection } from "../../dossier-actions.js";
import { ROLE } from "../../generated/roles.js";
import {
  APPLICANT_KINDS, DELIVERY, FILING_CHANNELS, PAYMENT_METHOD, PAYMENT_STATUS, PAYMENT_TONE, SHIPMENT_PURPOSE,
  SHIPMENT_STATUS, SHIPMENT_TONE, STAFF_ACTIONS, STATUS, STEPS,
} from "../../labels.js";
import {
  actionButton, deadlineBadge, followDownload, formatHours, formatSize, has, openPrintable, section, timelinessBadge,
} from "../../staff-common.js";
import { facts, formatDateTime, formatMoney, h, page, statusBadge, table, toast } from "../../ui.js";

const REBOOKABLE = ["failed", "returned", "booking_failed"];

const PRINTABLES = [
  ["receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)", (d) => Boolean(d.code)],
  ["supplement_request", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)", (d) => d.supplement_requests.length > 0],
  ["refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)", (d) => d.status === "refused"],
  ["apology", "Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)", (d) => d.extensions.length > 0],
  ["control_sheet", "Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)", (d) => Boolean(d.code)],
  ["result", "Phiếu xác thực kết quả (có mã QR)", (d) => Boolean(d.result)],
];

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
    actionsSection(d, procedure, base, reload),
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
      ["Kênh nộp", FILING_CHANNELS[d.channel] || String(d.channel ?? "—")],
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
          SHIPMENT_PURPOSE[s.purpose] || s.purpose,
          [h("span", { class: `badge ${SHIPMENT_TONE[s.status] || ""}` }, SHIPMENT_STATUS[s.status] || s.status),
            s.last_error ? h("span", { class: "hint" }, s.last_error) : null],
          s.item_code || "—",
          String(s.attempt ?? "—"),
          `${s.receiver.name}, ${s.receiver.address}`,
          formatDateTime(s.updated_at),
          has(user, ROLE.DESK_OFFICER) && REBOOKABLE.includes(s.status)
            ? actionButton("Đặt lại bưu điện", async () => {
              await post(`/delivery/shipments/${encodeURIComponent(s.id)}/rebook`);
              await reload("Đã đặt lại bưu điện.");
            }, { "aria-label": `Đặt lại bưu điện: ${SHIPMENT_PURPOSE[s.purpose] || s.purpose}` })
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
        h("strong", {}, STAFF_ACTIONS[e.action] || e.action),
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
