// /can-bo: the officers' start page, a card per group the user belongs to.
import { ROLE } from "../../generated/roles.js";
import { has } from "../../staff-common.js";
import { h, link, page } from "../../ui.js";

export async function home({ main, user }) {
  const cards = [];
  const card = (title, description, ...links) =>
    h("section", { class: "card" }, h("h2", { style: "margin-top: 0" }, title), h("p", { class: "muted" }, description), h("ul", {}, links.map((l) => h("li", {}, l))));
  if (has(user, ROLE.DESK_OFFICER)) {
    cards.push(card("Bộ phận Một cửa", "Xem xét hồ sơ mới nộp: tiếp nhận, yêu cầu bổ sung hoặc từ chối; chuyển xử lý; thu phí tại quầy; trả kết quả.",
      link("/can-bo/tiep-nhan", "Tiếp nhận hồ sơ"), link("/can-bo/xu-ly", "Hồ sơ đang xử lý theo phòng, chuyên viên")));
  }
  if (has(user, ROLE.PROCESSING_OFFICER)) {
    cards.push(card("Chuyên viên xử lý", "Hồ sơ được phân công cho Ông/Bà, hạn xử lý sớm nhất trước.",
      link("/can-bo/xu-ly", "Hồ sơ cần xử lý")));
  }
  if (has(user, ROLE.LEADER)) {
    cards.push(card("Lãnh đạo", "Theo dõi tỷ lệ giải quyết đúng hạn, hồ sơ quá hạn; gia hạn hoặc dừng xử lý hồ sơ.",
      link("/can-bo/thong-ke", "Thống kê, báo cáo"), link("/can-bo/qua-han", "Hồ sơ quá hạn"),
      link("/can-bo/tiep-nhan", "Hồ sơ chờ tiếp nhận"), link("/can-bo/xu-ly", "Hồ sơ đang xử lý")));
  }
  if (has(user, ROLE.ADMIN)) {
    cards.push(card("Quản trị hệ thống", "Lịch làm việc dùng để tính hạn giải quyết, và danh mục thủ tục hành chính.",
      link("/quan-tri/lich", "Lịch làm việc"), link("/quan-tri/thu-tuc", "Danh mục thủ tục"), link("/can-bo/thong-ke", "Thống kê, báo cáo")));
  }
  page(main, "Trang làm việc của cán bộ",
    h("p", {}, `Xin chào ${user.name}.`),
    cards.length ? h("div", { class: "grid" }, cards) : h("p", { class: "notice" }, "Tài khoản chưa được phân vai trò xử lý hồ sơ."));
}
