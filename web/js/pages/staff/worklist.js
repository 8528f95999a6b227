// /can-bo/xu-ly: the dossiers under way, the officer's own or by unit and officer.
import { ROLE } from "../../generated/roles.js";
import { STEPS } from "../../labels.js";
import { deadlineBadge, has, pagedTable } from "../../staff-common.js";
import { field, formatDateTime, h, link, page, showError, statusBadge } from "../../ui.js";

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
    has(user, ROLE.PROCESSING_OFFICER) && (unit || officer) ? link("/can-bo/xu-ly", "Hồ sơ của tôi", { class: "button secondary" }) : null);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (unitInput.value.trim()) params.set("unit", unitInput.value.trim());
    if (officerInput.value.trim()) params.set("officer", officerInput.value.trim());
    navigate(`/can-bo/xu-ly${params.toString() ? `?${params}` : ""}`);
  });
  const own = !unit && !officer;
  if (own && !has(user, ROLE.PROCESSING_OFFICER)) {
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
