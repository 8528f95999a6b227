// Public pages: procedure search and details, tracking by dossier code, result verification,
// signing in.
import { get } from "../api.js";
import { session } from "../auth.js";
import { APPLICANTS, OFFICERS } from "../generated/roles.js";
import { ACTIONS, LEVEL } from "../labels.js";
import {
  busy, facts, field, formatDate, formatDateTime, formatMoney, h, link, page, statusBadge, table,
} from "../ui.js";

export function actionName(action) {
  return ACTIONS[action] || action;
}

function timeLimit(limit) {
  if (!limit) return "—";
  return `${limit.value} ${limit.unit === "working_days" ? "ngày làm việc" : "ngày"}`;
}

export async function home({ main, query, navigate }) {
  const catalogue = await get("/intake/procedures");
  const fields = [...new Map(catalogue.items.map((p) => [p.field, p.field_name])).entries()];
  const q = query.get("q") || "";
  const chosen = query.get("field") || "";
  const search = h("input", { name: "q", type: "search", value: q, autocomplete: "off" });
  const select = h("select", { name: "field" },
    h("option", { value: "" }, "Tất cả lĩnh vực"),
    fields.map(([code, name]) => h("option", { value: code, selected: code === chosen }, name)));
  const form = h("form", { role: "search", onsubmit: (e) => {
    e.preventDefault();
    const params = new URLSearchParams();
    if (search.value.trim()) params.set("q", search.value.trim());
    if (select.value) params.set("field", select.value);
    navigate(`/?${params}`);
  } },
    field("Tìm thủ tục theo tên", search, "Ví dụ: mỹ phẩm, chứng chỉ hành nghề, nhà thuốc"),
    field("Lĩnh vực", select),
    h("button", { type: "submit" }, "Tìm kiếm"));
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (chosen) params.set("field", chosen);
  const found = q || chosen ? (await get(`/intake/procedures?${params}`)).items : catalogue.items;
  const results = found.length
    ? table(["Thủ tục", "Lĩnh vực", "Mức độ", "Thời hạn", "Phí, lệ phí"], found.map((p) => [
      link(`/thu-tuc/${encodeURIComponent(p.code)}`, p.name), p.field_name, LEVEL[p.online_level] || p.online_level,
      timeLimit(p.time_limit), formatMoney(p.fee_vnd),
    ]))
    : h("p", {}, "Không tìm thấy thủ tục phù hợp. Hãy thử từ khóa khác.");
  page(main, "Thủ tục hành chính ngành Y tế",
    h("p", {}, "Chọn thủ tục để xem hồ sơ cần chuẩn bị, phí, thời hạn giải quyết và nộp hồ sơ trực tuyến."),
    h("section", { class: "card", "aria-label": "Tìm kiếm" }, form),
    h("h2", {}, `Danh sách thủ tục (${found.length})`), results);
}

export async function procedure({ main, params, user }) {
  const p = await get(`/intake/procedures/${encodeURIComponent(params.code)}`);
  const canApply = !user || user.groups.some((g) => APPLICANTS.includes(g));
  const start = `/nop-ho-so/${encodeURIComponent(p.code)}`;
  const documents = h("ol", {}, p.documents.map((d) => h("li", {},
    d.name, d.required ? h("strong", {}, " (bắt buộc)") : h("span", { class: "muted" }, " (nếu có)"),
    d.template_url ? [" — ", h("a", { href: d.template_url, target: "_blank", rel: "noopener" }, "Tải mẫu đơn, tờ khai")] : null)));
  const steps = (p.steps || []).length
    ? h("ol", {}, p.steps.map((s) => h("li", {}, s.name)))
    : h("ol", {}, h("li", {}, "Nộp hồ sơ trực tuyến"), h("li", {}, "Bộ phận Một cửa tiếp nhận, cấp mã hồ sơ và ngày hẹn trả"), h("li", {}, "Phòng chuyên môn thẩm định, giải quyết"), h("li", {}, "Trả kết quả"));
  page(main, p.name,
    h("section", { class: "card" }, facts([
      ["Lĩnh vực", p.field_name],
      ["Cơ quan giải quyết", p.agency_name || p.agency_code],
      ["Mức độ dịch vụ công", `${LEVEL[p.online_level] || p.online_level}${p.online_level === "full" ? " (nộp, thanh toán và nhận kết quả trực tuyến)" : " (nộp hồ sơ trực tuyến)"}`],
      ["Thời hạn giải quyết", timeLimit(p.time_limit)],
      ["Phí, lệ phí", p.fee_vnd ? formatMoney(p.fee_vnd) : "Không thu phí"],
      ["Căn cứ pháp lý", p.legal_basis || "—"],
    ])),
    h("h2", {}, "Thành phần hồ sơ"), documents,
    h("h2", {}, "Trình tự thực hiện"), steps,
    canApply ? link(start, "Nộp hồ sơ trực tuyến", { class: "button" }) : null,
    !user ? h("p", { class: "muted" }, "Ông/Bà cần đăng nhập để nộp hồ sơ.") : null);
}

export async function tracking({ main, query, navigate }) {
  const code = (query.get("ma") || "").trim();
  const input = h("input", { name: "code", value: code, autocomplete: "off", spellcheck: "false" });
  const form = h("form", { onsubmit: (e) => { e.preventDefault(); navigate(`/tra-cuu?ma=${encodeURIComponent(input.value.trim())}`); } },
    field("Mã hồ sơ", input, "Mã ghi trên giấy tiếp nhận, ví dụ 000.00.01.H56-261123-0001"),
    h("button", { type: "submit" }, "Tra cứu"));
  const parts = [h("section", { class: "card" }, form)];
  if (code) {
    try {
      const d = await get(`/intake/track/${encodeURIComponent(code)}`);
      parts.push(h("section", { class: "card", "aria-live": "polite" },
        h("h2", {}, `Hồ sơ ${d.code}`),
        facts([
          ["Thủ tục", d.procedure_name],
          ["Trạng thái", statusBadge(d.status)],
          ["Ngày tiếp nhận", formatDateTime(d.accepted_at)],
          ["Ngày hẹn trả kết quả", formatDate(d.due_at)],
        ]),
        h("h3", {}, "Quá trình giải quyết"),
        h("ol", { class: "timeline" }, d.history.map((e) => h("li", {}, h("strong", {}, actionName(e.action)), h("br"), h("span", { class: "muted" }, formatDateTime(e.at)))))));
    } catch (error) {
      if (error.status !== 404) throw error;
      parts.push(h("div", { class: "error-summary", role: "alert" }, h("p", {}, `Không tìm thấy hồ sơ có mã “${code}”. Vui lòng kiểm tra lại mã hồ sơ.`)));
    }
  }
  page(main, "Tra cứu hồ sơ", parts);
}

export async function verification({ main, params, query, navigate }) {
  const code = (params.code || query.get("ma") || "").trim();
  const input = h("input", { name: "verification_code", value: code, autocomplete: "off", spellcheck: "false" });
  const form = h("form", { onsubmit: (e) => { e.preventDefault(); navigate(`/xac-thuc?ma=${encodeURIComponent(input.value.trim())}`); } },
    field("Mã xác thực kết quả", input, "In trên kết quả điện tử, hoặc quét mã QR trên bản in"),
    h("button", { type: "submit" }, "Xác thực"));
  const parts = [h("section", { class: "card" }, form)];
  if (code) {
    try {
      const v = await get(`/intake/verify/${encodeURIComponent(code)}`);
      parts.push(h("section", { class: "notice ok", "aria-live": "polite" },
        h("h2", {}, "Kết quả hợp lệ"),
        h("p", {}, "Kết quả giải quyết thủ tục hành chính này do cơ quan có thẩm quyền cấp trên hệ thống."),
        facts([
          ["Thủ tục", v.procedure_name],
          ["Mã hồ sơ", v.dossier_code],
          ["Ngày cấp", formatDate(v.issued_at)],
          ["Mã băm SHA-256 của tệp", h("code", { class: "nowrap" }, v.sha256)],
        ])));
    } catch (error) {
      if (error.status !== 404) throw error;
      parts.push(h("div", { class: "error-summary", role: "alert" }, h("p", {}, "Không tìm thấy kết quả với mã xác thực này. Kết quả có thể không hợp lệ.")));
    }
  }
  page(main, "Xác thực kết quả giải quyết", parts);
}

export async function login({ main, query, navigate }) {
  const next = query.get("next") || "";
  const username = h("input", { name: "username", autocomplete: "username", required: true });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const button = h("button", { type: "submit" }, "Đăng nhập");
  const form = h("form", { novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    busy(button, form, async () => {
      if (!username.value.trim() || !password.value) {
        throw Object.assign(new Error("empty"), { messageVi: "Vui lòng nhập tên đăng nhập và mật khẩu.", field: username.value.trim() ? "password" : "username" });
      }
      const user = await session.signIn(username.value.trim(), password.value);
      const staff = user.groups.some((g) => OFFICERS.includes(g));
      navigate(next.startsWith("/") && !next.startsWith("//") ? next : staff ? "/can-bo" : "/ho-so");
    });
  } },
    field("Tên đăng nhập", username),
    field("Mật khẩu", password),
    button);
  page(main, "Đăng nhập", h("section", { class: "card" }, form),
    h("p", { class: "muted" }, "Tài khoản dùng chung cho công dân, doanh nghiệp và cán bộ."));
}

