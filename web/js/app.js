// The portal: a router over plain page modules. Paths are real URLs (messages and QR codes link
// to them); the server answers index.html for any page path.
import { loadConfig, session } from "./auth.js";
import { APPLICANTS, OFFICERS, OVERSIGHT, RECEPTION, REFUNDS, ROLE, WORKLIST } from "./generated/roles.js";
import { focus, h, link, page } from "./ui.js";

const ADMIN = [ROLE.ADMIN];

// [pattern, module, export, groups allowed (none: public)]
const ROUTES = [
  ["/", "public", "home"],
  ["/thu-tuc/:code", "public", "procedure"],
  ["/tra-cuu", "public", "tracking"],
  ["/xac-thuc", "public", "verification"],
  ["/xac-thuc/:code", "public", "verification"],
  ["/dang-nhap", "public", "login"],
  ["/nop-ho-so/:code", "compose", "compose", APPLICANTS],
  ["/ho-so", "citizen", "myDossiers", APPLICANTS],
  ["/ho-so/:id/sua", "compose", "editDraft", APPLICANTS],
  ["/ho-so/:id", "citizen", "dossier", APPLICANTS],
  ["/tai-khoan", "citizen", "profile", [...APPLICANTS, ...OFFICERS]],
  ["/can-bo", "staff/home", "home", OFFICERS],
  ["/can-bo/tiep-nhan", "staff/desk", "deskQueue", RECEPTION],
  ["/can-bo/xu-ly", "staff/worklist", "worklist", WORKLIST],
  ["/can-bo/ho-so/:id", "staff/dossier", "dossier", OFFICERS],
  ["/can-bo/thong-ke", "leader", "dashboard", OVERSIGHT],
  ["/can-bo/qua-han", "leader", "overdue", OVERSIGHT],
  ["/can-bo/hoan-tra", "leader", "refunds", REFUNDS],
  ["/quan-tri/lich", "admin", "calendar", ADMIN],
  ["/quan-tri/thu-tuc", "admin", "catalogue", ADMIN],
];

function match(pathname) {
  const parts = pathname.replace(/\/+$/, "").split("/").slice(1);
  for (const [pattern, module, name, groups] of ROUTES) {
    const want = pattern === "/" ? [] : pattern.split("/").slice(1);
    if (want.length !== (pathname === "/" ? 0 : parts.length)) continue;
    const params = {};
    if (want.every((w, i) => (w.startsWith(":") ? ((params[w.slice(1)] = decodeURIComponent(parts[i])), true) : w === parts[i]))) {
      return { module, name, groups, params };
    }
  }
  return null;
}

export function navigate(url, { replace = false } = {}) {
  focus.afterNavigation = true;
  if (replace) history.replaceState({}, "", url);
  else history.pushState({}, "", url);
  render();
}

function renderNav() {
  const nav = document.getElementById("nav");
  const user = session.user();
  const items = [link("/", "Thủ tục"), link("/tra-cuu", "Tra cứu hồ sơ")];
  const holds = (groups) => Boolean(user && user.groups.some((g) => groups.includes(g)));
  if (holds(APPLICANTS)) items.push(link("/ho-so", "Hồ sơ của tôi"));
  if (holds(RECEPTION)) items.push(link("/can-bo/tiep-nhan", "Tiếp nhận"));
  if (holds(WORKLIST)) items.push(link("/can-bo/xu-ly", "Xử lý"));
  if (holds(OVERSIGHT)) items.push(link("/can-bo/thong-ke", "Thống kê"));
  if (holds(REFUNDS)) items.push(link("/can-bo/hoan-tra", "Hoàn trả"));
  if (holds(ADMIN)) items.push(link("/quan-tri/lich", "Lịch làm việc"), link("/quan-tri/thu-tuc", "Danh mục thủ tục"));
  if (user) {
    items.push(
      link("/tai-khoan", user.name, { class: "who", title: "Tài khoản và thông báo" }),
      h("button", { type: "button", class: "link", onclick: () => { session.signOut(); navigate("/"); } }, "Đăng xuất"),
    );
  } else {
    items.push(link(`/dang-nhap?next=${encodeURIComponent(location.pathname + location.search)}`, "Đăng nhập"));
  }
  nav.replaceChildren(...items);
}

export async function render() {
  const main = document.getElementById("main");
  await loadConfig();
  renderNav();
  const found = match(location.pathname);
  const query = new URLSearchParams(location.search);
  if (!found) {
    page(main, "Không tìm thấy trang", h("p", {}, "Đường dẫn không đúng hoặc trang đã được chuyển."), link("/", "Về trang chủ"));
    return;
  }
  const user = session.user();
  if (found.groups && !user) {
    navigate(`/dang-nhap?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    return;
  }
  if (found.groups && !user.groups.some((g) => found.groups.includes(g))) {
    page(main, "Không có quyền truy cập", h("p", {}, "Tài khoản của Ông/Bà không có quyền xem trang này."), link("/", "Về trang chủ"));
    return;
  }
  main.replaceChildren(h("p", { class: "loading" }, "Đang tải…"));
  try {
    const module = await import(`./pages/${found.module}.js`);
    await module[found.name]({ main, params: found.params, query, user, navigate });
  } catch (error) {
    console.warn("page failed", error);
    page(main, "Chưa tải được trang", h("div", { class: "error-summary", role: "alert" }, h("p", {}, error.messageVi || "Đã có lỗi xảy ra. Vui lòng thử lại sau.")), link("/", "Về trang chủ"));
  }
}

document.addEventListener("click", (event) => {
  const anchor = event.target.closest && event.target.closest("a[data-link]");
  if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const url = new URL(anchor.href, location.href);
  if (url.origin !== location.origin) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener("popstate", () => { focus.afterNavigation = true; render(); });
render();
