// Leaders' pages: the statistics dashboard (on-time rates by unit and officer, with charts and
// CSV / Excel exports), the dossiers overdue now, and the money to pay back (also the desk's).
import { get } from "../api.js";
import { extendCard, stopCard } from "../dossier-actions.js";
import { OVERSIGHT, PERFORMERS } from "../generated/roles.js";
import { PAYMENT_STATUS, PAYMENT_TONE, STATUS, STEPS, TIMELINESS } from "../labels.js";
import { actionButton, downloadAuthorized, formatHours, has, pagedTable, vnToday } from "../staff-common.js";
import { field, formatDateTime, formatMoney, h, link, page, showError, statusBadge, table, toast } from "../ui.js";

const SVG = "http://www.w3.org/2000/svg";
const COLOURS = { early: "#1e6b34", on_time: "#0b4f8a", late: "#b0231b", bar: "#0b4f8a", track: "#e8eef5" };
const PARTS = Object.entries(TIMELINESS); // early, on time, late
let chartCounter = 0;

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined) continue;
    if (key === "style") el.style.cssText = value; // the CSSOM, as in ui.h (CSP style-src 'self')
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** An SVG with a <title> and <desc> (its text alternative), sized in pixels and percentages so that
 * the text keeps its size at any width. */
function chart(title, description, height, ...content) {
  const id = `chart${++chartCounter}`;
  return h("figure", { class: "chart", style: "margin: 0 0 1rem" },
    svg("svg", { role: "img", width: "100%", height, "aria-labelledby": `${id}-t ${id}-d`, style: "display:block; overflow:visible" },
      svg("title", { id: `${id}-t` }, title),
      svg("desc", { id: `${id}-d` }, description),
      content));
}

const pct = (value) => (value === null || value === undefined ? "—" : `${Number(value).toLocaleString("vi-VN", { maximumFractionDigits: 2 })} %`);
const num = (value) => (value === null || value === undefined ? "—" : Number(value).toLocaleString("vi-VN"));

/** Horizontal bars of the on-time rate (0–100 %), one per row, label above its bar. */
function rateChart(title, rows) {
  const ROW = 46;
  const usable = 84; // % of the width for 100 %, the rest for the value
  const bars = rows.map((row, i) => {
    const y = i * ROW;
    const rate = row.rate ?? 0;
    const width = (usable * rate) / 100;
    return svg("g", {},
      svg("text", { x: 0, y: y + 14, "font-size": 14, fill: "#1a1a1a" }, row.label),
      svg("rect", { x: 0, y: y + 20, width: `${usable}%`, height: 18, fill: COLOURS.track, rx: 2 }),
      row.rate === null || row.rate === undefined ? null : svg("rect", { x: 0, y: y + 20, width: `${width}%`, height: 18, fill: COLOURS.bar, rx: 2 }),
      svg("text", { x: `${usable + 1}%`, y: y + 34, "font-size": 14, "font-weight": 600, fill: "#1a1a1a" },
        row.rate === null || row.rate === undefined ? "chưa có" : pct(row.rate)));
  });
  const description = rows.map((r) => `${r.label}: ${r.rate === null || r.rate === undefined ? "chưa có hồ sơ được tính" : pct(r.rate)}`).join("; ");
  return chart(title, `Tỷ lệ giải quyết đúng hạn. ${description}.`, Math.max(rows.length * ROW, ROW), bars);
}

/** One stacked bar: early / on time / late, with a legend that names each part and its count. */
function stackedChart(overall) {
  const total = PARTS.reduce((sum, [key]) => sum + (overall[key] || 0), 0);
  let x = 0;
  const segments = [];
  for (const [key, label] of PARTS) {
    const value = overall[key] || 0;
    if (!total || !value) continue;
    const width = (100 * value) / total;
    segments.push(svg("rect", { x: `${x}%`, y: 0, width: `${width}%`, height: 28, fill: COLOURS[key] },
      svg("title", {}, `${label}: ${value}`)));
    x += width;
  }
  if (!total) segments.push(svg("rect", { x: 0, y: 0, width: "100%", height: 28, fill: COLOURS.track }));
  const legend = PARTS.map(([key, label], i) => {
    const value = overall[key] || 0;
    const share = total ? ` (${pct((100 * value) / total)})` : "";
    return svg("g", {},
      svg("rect", { x: 0, y: 40 + i * 24, width: 14, height: 14, fill: COLOURS[key] }),
      svg("text", { x: 22, y: 52 + i * 24, "font-size": 14, fill: "#1a1a1a" }, `${label}: ${num(value)}${share}`));
  });
  const description = total
    ? PARTS.map(([key, label]) => `${label} ${num(overall[key] || 0)}`).join(", ") + ` trên tổng số ${num(total)} hồ sơ đã giải quyết có hạn.`
    : "Chưa có hồ sơ nào được giải quyết trong kỳ.";
  return chart("Hồ sơ đã giải quyết: trước hạn, đúng hạn, quá hạn", description, 40 + PARTS.length * 24, segments, legend);
}

function tile(label, value, note) {
  return h("div", { class: "card" },
    h("p", { class: "muted", style: "margin:0" }, label),
    h("p", { style: "font-size:1.6rem; font-weight:700; margin:.25rem 0 0" }, value),
    note ? h("p", { class: "hint", style: "margin:0" }, note) : null);
}

const FIGURE_HEADERS = ["Đã giải quyết", "Trước hạn", "Đúng hạn", "Quá hạn", "Tỷ lệ đúng hạn", "TG xử lý TB (giờ làm việc)", "Không hài lòng", "Chỉ số hài lòng"];
const figureCells = (r) => [num(r.finished), num(r.early), num(r.on_time), num(r.late), pct(r.on_time_rate),
  r.average_processing_hours === null || r.average_processing_hours === undefined ? "—" : formatHours(r.average_processing_hours),
  num(r.negative_ratings), pct(r.satisfaction_index)];
const unitName = (u) => (u === "-" ? "Chưa phân công" : u);

function monthStart(today) {
  return `${today.slice(0, 8)}01`;
}

// ---------------------------------------------------------------------------------------------
// /can-bo/thong-ke

export async function dashboard({ main, query, navigate, user }) {
  const today = vnToday();
  const from = query.get("from") || monthStart(today);
  const to = query.get("to") || today;
  const unit = query.get("unit") || "";
  const fromInput = h("input", { type: "date", name: "from", value: from, required: true });
  const toInput = h("input", { type: "date", name: "to", value: to, required: true });
  const unitInput = h("input", { name: "unit", value: unit, autocomplete: "off" });
  const form = h("form", { class: "card", "aria-label": "Kỳ thống kê" },
    h("h2", { style: "margin-top: 0" }, "Kỳ thống kê"),
    h("div", { class: "grid" },
      field("Từ ngày", fromInput),
      field("Đến ngày", toInput),
      field("Phòng (không bắt buộc)", unitInput, "Để trống: tất cả các phòng")),
    h("button", { type: "submit" }, "Xem thống kê"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams({ from: fromInput.value, to: toInput.value });
    if (unitInput.value.trim()) params.set("unit", unitInput.value.trim());
    navigate(`/can-bo/thong-ke?${params}`);
  });

  const params = new URLSearchParams({ from, to });
  if (unit) params.set("unit", unit);
  let report;
  try {
    report = await get(`/intake/stats?${params}`);
  } catch (error) {
    if (error.messageVi === undefined) throw error;
    page(main, "Thống kê tình hình giải quyết hồ sơ", form);
    showError(form, error);
    return;
  }
  const o = report.overall;
  const exportButton = (format, label, ext) => actionButton(label, async () => {
    await downloadAuthorized(`/intake/stats?${params}&format=${format}`, `thong-ke-ho-so-${from}-${to}.${ext}`);
    toast("Đã tải tệp thống kê.");
  }, { class: "secondary" });

  const period = `từ ${report.from.split("-").reverse().join("/")} đến ${report.to.split("-").reverse().join("/")}${report.unit ? `, ${report.unit}` : ""}`;
  const order = Object.keys(STATUS);
  const statusRows = Object.entries(report.by_status || {}).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  const units = report.by_unit || [];
  const officers = report.by_officer || [];

  page(main, "Thống kê tình hình giải quyết hồ sơ",
    form,
    h("p", {}, `Kỳ thống kê: ${period}. Hồ sơ được tính theo ngày kết thúc xử lý; hồ sơ phải bổ sung nhiều hơn một lần được tính là quá hạn (Quyết định 766/QĐ-TTg).`),
    h("div", { class: "grid", role: "list", "aria-label": "Chỉ số tổng hợp", style: "grid-template-columns: repeat(auto-fit, minmax(9.5rem, 1fr))" },
      [
        tile("Tỷ lệ giải quyết đúng hạn", pct(o.on_time_rate), "Trước hạn và đúng hạn trên tổng số có hạn"),
        tile("Đã giải quyết", num(o.finished)),
        tile("Trước hạn", num(o.early)),
        tile("Đúng hạn", num(o.on_time)),
        tile("Quá hạn", num(o.late)),
        tile("Đang quá hạn (hiện tại)", num(report.overdue_now)),
        tile("Thời gian xử lý trung bình", o.average_processing_hours === null || o.average_processing_hours === undefined ? "—" : formatHours(o.average_processing_hours), "Tính bằng giờ làm việc"),
        tile("Chỉ số hài lòng", pct(o.satisfaction_index), "100 − % quá hạn − % đánh giá không hài lòng"),
      ].map((el) => { el.setAttribute("role", "listitem"); return el; })),
    has(user, ...OVERSIGHT) ? h("p", {}, link("/can-bo/qua-han", report.overdue_now ? `Xem ${num(report.overdue_now)} hồ sơ đang quá hạn` : "Xem hồ sơ quá hạn")) : null,
    h("h2", {}, "Tải báo cáo"),
    h("p", {}, exportButton("csv", "Tải tệp CSV", "csv"), exportButton("xlsx", "Tải tệp Excel", "xlsx")),
    h("h2", {}, "Kết quả giải quyết"),
    stackedChart(o),
    h("h2", {}, "Tỷ lệ đúng hạn theo phòng"),
    units.length ? rateChart("Tỷ lệ giải quyết đúng hạn theo phòng", units.map((r) => ({ label: unitName(r.unit), rate: r.on_time_rate }))) : h("p", { class: "muted" }, "Chưa có hồ sơ được giải quyết trong kỳ."),
    units.length ? table(["Phòng", ...FIGURE_HEADERS], units.map((r) => [unitName(r.unit), ...figureCells(r)]), "Số liệu theo phòng") : null,
    h("h2", {}, "Tỷ lệ đúng hạn theo chuyên viên"),
    officers.length ? rateChart("Tỷ lệ giải quyết đúng hạn theo chuyên viên", officers.map((r) => ({ label: `${unitName(r.officer)} — ${unitName(r.unit)}`, rate: r.on_time_rate }))) : h("p", { class: "muted" }, "Chưa có hồ sơ được giải quyết trong kỳ."),
    officers.length ? table(["Phòng", "Chuyên viên", ...FIGURE_HEADERS], officers.map((r) => [unitName(r.unit), unitName(r.officer), ...figureCells(r)]), "Số liệu theo chuyên viên") : null,
    h("h2", {}, "Hồ sơ theo trạng thái"),
    statusRows.length
      ? table(["Trạng thái", "Số hồ sơ"], statusRows.map(([s, n]) => [STATUS[s] || s, num(n)]), "Số hồ sơ hiện ở mỗi trạng thái")
      : h("p", { class: "muted" }, "Chưa có hồ sơ."));
}

// ---------------------------------------------------------------------------------------------
// /can-bo/qua-han

export async function overdue(ctx) {
  const { main, user } = ctx;
  // The lines carry no allowed_actions: offer what the caller's groups may ever do (the API's
  // route gates); the API still checks each dossier.
  const mayExtend = has(user, ...PERFORMERS.extend);
  const mayStop = has(user, ...PERFORMERS.stop);
  const done = async (message) => {
    await overdue(ctx);
    toast(message);
  };
  const headers = ["Mã hồ sơ", "Thủ tục", "Trạng thái", "Bước", "Hạn của bước", "Ngày hẹn trả", "Phòng", "Chuyên viên", "Quá hạn", "Thao tác"];
  const list = await pagedTable("/intake/overdue", headers, (d) => [
    link(`/can-bo/ho-so/${encodeURIComponent(d.id)}`, d.code || "Xem hồ sơ"),
    d.procedure_name,
    statusBadge(d.status),
    STEPS[d.step] || d.step || "—",
    h("span", { class: "nowrap" }, formatDateTime(d.step_due_at)),
    h("span", { class: "nowrap" }, formatDateTime(d.due_at)),
    d.unit || "—",
    d.officer || "—",
    h("span", { class: "badge late" }, formatHours(d.overdue_hours)),
    mayExtend || mayStop
      ? h("div", { style: "min-width: min(18rem, 80vw)" },
        mayExtend ? extendCard(d, done, { title: "Gia hạn" }) : null, mayStop ? stopCard(d, done, { title: "Dừng xử lý" }) : null)
      : "—",
  ], { empty: "Không có hồ sơ nào quá hạn.", caption: "Hồ sơ đã quá hạn, quá hạn lâu nhất xếp trước", noun: "hồ sơ quá hạn" });
  page(main, "Hồ sơ quá hạn",
    h("p", {}, "Hồ sơ đang giải quyết đã quá hạn của bước hoặc ngày hẹn trả. Lãnh đạo có thể gia hạn (gửi Phiếu xin lỗi và hẹn lại ngày trả, Mẫu 04) hoặc dừng xử lý."),
    list);
}


// ---------------------------------------------------------------------------------------------
// /can-bo/hoan-tra

export async function refunds({ main }) {
  const { items } = await get("/payment/refunds");
  const total = items.reduce((sum, x) => sum + x.amount_vnd, 0);
  page(main, "Thanh toán cần hoàn trả",
    h("p", {}, "Các khoản cổng thanh toán đã thu khi phí, lệ phí của hồ sơ không còn phải nộp (đã nộp tại quầy hoặc đã thanh toán trước đó, hồ sơ đã rút, bị từ chối hoặc bị dừng xử lý). Bộ phận Một cửa hoàn trả cho người nộp và lưu chứng từ."),
    items.length
      ? [
        h("p", {}, h("strong", {}, `${items.length} giao dịch, tổng ${formatMoney(total)}.`)),
        table(["Hồ sơ", "Mã giao dịch", "Số tiền", "Thanh toán lúc", "Mã GD ngân hàng", "Tình trạng", "Lý do hoàn trả"], items.map((x) => [
          link(`/can-bo/ho-so/${encodeURIComponent(x.dossier_id)}`, x.dossier_code || "Xem hồ sơ"),
          x.txn_ref,
          formatMoney(x.amount_vnd),
          h("span", { class: "nowrap" }, formatDateTime(x.paid_at)),
          x.transaction_no || "—",
          h("span", { class: `badge ${PAYMENT_TONE[x.status] || ""}` }, PAYMENT_STATUS[x.status] || x.status),
          x.refund_reason,
        ]), "Các khoản cần hoàn trả, mới nhất trước"),
      ]
      : h("p", { class: "muted" }, "Không có khoản nào cần hoàn trả."));
}
