// /can-bo/tiep-nhan: the desk's queue of submitted dossiers, first submitted first.
import { DELIVERY } from "../../labels.js";
import { pagedTable } from "../../staff-common.js";
import { formatDateTime, h, link, page } from "../../ui.js";

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
