"""The pages the journey does not pass through, for each role: they render without a browser
error at desktop and 360 px, errors land next to their field, and an administrator's edit of the
catalogue is what citizens then read."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RunningStack
from tests.reliability.conftest import act, submitted_dossier

PAGES = [
    ("citizen1", "/tai-khoan", "Tài khoản"),
    ("citizen1", "/ho-so", "Hồ sơ của tôi"),
    ("desk1", "/can-bo", ""),
    ("leader1", "/can-bo/qua-han", "quá hạn"),
    ("leader1", "/can-bo/hoan-tra", "hoàn trả"),
    ("desk1", "/can-bo/hoan-tra", "hoàn trả"),
    ("admin1", "/quan-tri/lich", "Lịch làm việc"),
    ("admin1", "/quan-tri/thu-tuc", "Danh mục thủ tục"),
    ("admin1", "/quan-tri/thu-tuc?code=DUOC-01", "DUOC-01"),
    (None, "/xac-thuc", "Xác thực kết quả"),
    (None, "/khong-co-trang-nay", "Không tìm thấy trang"),
]


@pytest.mark.parametrize(("user", "path", "heading"), PAGES)
def test_page_renders_for_its_role(portal: Any, user: str | None, path: str, heading: str) -> None:
    tab = portal(user)
    tab.go(path)
    title = tab.page.locator("main h1")
    expect(title).to_be_visible()
    assert heading.lower() in title.inner_text().lower()
    assert heading.lower() in tab.page.title().lower() or not heading
    tab.shot(path.strip("/").replace("/", "-").replace("?", "-") or "home")


def test_a_citizen_cannot_open_officers_pages(portal: Any) -> None:
    tab = portal("citizen1")
    tab.go("/can-bo/tiep-nhan")
    expect(tab.page.locator("main h1")).to_have_text("Không có quyền truy cập")


def test_signed_out_pages_ask_to_sign_in_and_come_back(portal: Any) -> None:
    tab = portal()
    tab.go("/ho-so")
    expect(tab.page.locator("main h1")).to_have_text("Đăng nhập")
    tab.page.get_by_label("Tên đăng nhập").fill("citizen2")
    tab.page.get_by_label("Mật khẩu").fill("Motcua@2026")
    tab.page.get_by_role("button", name="Đăng nhập").click()
    tab.page.wait_for_url("**/ho-so")
    expect(tab.page.locator("main h1")).to_have_text("Hồ sơ của tôi")


def test_a_wrong_phone_number_is_explained_next_to_it(portal: Any) -> None:
    tab = portal("citizen2")
    tab.go("/nop-ho-so/DUOC-01")
    page = tab.page
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Phan Văn Đức")
    page.get_by_label("Số định danh cá nhân (CCCD)").fill("079190005678")
    page.get_by_label("Số điện thoại di động").fill("0123")
    page.get_by_label("Địa chỉ liên hệ").fill("3 Hùng Vương, Nha Trang")
    page.get_by_role("button", name="Tiếp tục", exact=True).click()
    phone = page.get_by_label("Số điện thoại di động")
    expect(phone).to_have_attribute("aria-invalid", "true")
    described = phone.get_attribute("aria-describedby") or ""
    assert "di động" in page.locator(f"[id='{described.split()[0]}']").inner_text()
    expect(page.get_by_role("alert")).to_be_visible()
    tab.shot("compose-invalid-phone")


# Every aria-describedby in the main region that names an element the page does not have.
DANGLING_DESCRIPTIONS = """
[...document.querySelectorAll('main [aria-describedby]')].flatMap(el =>
  el.getAttribute('aria-describedby').split(/\\s+/).filter(Boolean)
    .filter(id => !document.getElementById(id))
    .map(id => `${el.getAttribute('name') || el.tagName}: ${id}`))
"""


def test_a_corrected_field_no_longer_points_at_its_removed_message(portal: Any) -> None:
    """WAI-ARIA 1.2, aria-describedby ("identifies the element (or elements) that describes the
    object") and WCAG 2.2 technique ARIA21: once the phone number is corrected its message is
    removed, and the field must not keep referring to an element that no longer exists (a
    second mistake elsewhere keeps the form on screen)."""
    tab = portal("citizen2")
    tab.go("/nop-ho-so/DUOC-01")
    page = tab.page
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Phan Văn Đức")
    page.get_by_label("Số định danh cá nhân (CCCD)").fill("079190005678")
    page.get_by_label("Số điện thoại di động").fill("0123")
    page.get_by_label("Địa chỉ liên hệ").fill("3 Hùng Vương, Nha Trang")
    page.get_by_role("button", name="Tiếp tục", exact=True).click()
    phone = page.get_by_label("Số điện thoại di động")
    expect(phone).to_have_attribute("aria-invalid", "true")
    phone.fill("0912345678")
    page.get_by_label("Số định danh cá nhân (CCCD)").fill("0791")
    page.get_by_role("button", name="Tiếp tục", exact=True).click()
    expect(page.get_by_label("Số định danh cá nhân (CCCD)")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert phone.get_attribute("aria-invalid") is None
    assert page.evaluate(DANGLING_DESCRIPTIONS) == []


def test_an_administrator_opens_the_overdue_list_the_api_serves_them(portal: Any) -> None:
    """The overdue list's API (GET /intake/overdue) admits leaders and administrators
    (OWASP ASVS V4.1: the client enforces no other rule than the server's); the page admits the
    same groups, and the administrator's dashboard links to it."""
    tab = portal("admin1")
    tab.go("/can-bo/qua-han")
    expect(tab.page.locator("main h1")).to_contain_text("quá hạn")
    tab.go("/can-bo/thong-ke")
    expect(tab.page.locator("main a[href='/can-bo/qua-han']")).to_be_visible()


def test_the_catalogue_edited_by_the_administrator_is_what_citizens_read(portal: Any) -> None:
    admin = portal("admin1")
    admin.go("/quan-tri/thu-tuc?code=MYPHAM-03")
    name = admin.page.get_by_label("Tên thủ tục")
    new_name = name.input_value().rstrip(".") + " (cập nhật)"
    name.fill(new_name)
    admin.page.get_by_role("button", name="Lưu thủ tục").click()
    expect(admin.page.locator("#toast")).to_contain_text("Đã lưu")
    public = portal()
    public.go("/thu-tuc/MYPHAM-03")
    expect(public.page.locator("main h1")).to_have_text(new_name)


# What a document shown from the portal can reach of the portal's session: in the sandboxed
# printout page, its origin is opaque, storage and the opener's document are out of reach.
REACH = """() => {
  const tried = (f) => { try { f(); return "readable"; } catch (e) { return e.name; } };
  return {
    origin: self.origin,
    session: tried(() => sessionStorage.length),
    local: tried(() => localStorage.length),
    opener: tried(() => window.opener.document.title),
  };
}"""


@pytest.mark.parametrize(
    ("user", "path", "link"),
    [
        ("citizen1", "/ho-so/{id}", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        ("desk1", "/can-bo/ho-so/{id}", "Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)"),
    ],
)
def test_a_printable_slip_opens_where_it_cannot_read_the_session(
    portal: Any, web_stack: RunningStack, user: str, path: str, link: str
) -> None:
    """MDN, CSP "sandbox" (no allow-same-origin) and HTML's opaque origins: the slip, opened in
    a tab of its own (/ban-in.html), shows and prints, but cannot read the portal's
    sessionStorage (the tokens) nor reach into the portal's window — as a same-origin blob: page
    could. No CSP violation on the way (the console is watched)."""
    dossier = accepted_dossier(web_stack)
    tab = portal(user)
    watch = portal.watch
    tab.page.context.on(
        "page", lambda opened: opened.on("console", watch.on_console)
    )  # the printout tab's console too
    tab.go(path.format(id=dossier["id"]))
    control = tab.page.get_by_role("button" if user == "desk1" else "link", name=link)
    with tab.page.context.expect_page() as opened:
        control.click()
    printout = opened.value
    printout.on("pageerror", watch.on_page_error)
    expect(printout.locator(".code-box .code")).to_have_text(dossier["code"])
    assert printout.url.endswith("/ban-in.html")
    reach = printout.evaluate(REACH)
    assert reach == {
        "origin": "null",
        "session": "SecurityError",
        "local": "SecurityError",
        "opener": "SecurityError",
    }
    printout.close()


@pytest.mark.parametrize(
    ("user", "cards"),
    [
        ("desk1", ["Thu phí, lệ phí tại quầy"]),
        ("leader1", ["Gia hạn, hẹn lại ngày trả", "Dừng xử lý hồ sơ"]),
        ("admin1", []),
    ],
)
def test_the_dossier_page_offers_what_the_api_allows_the_caller(
    portal: Any, web_stack: RunningStack, user: str, cards: list[str]
) -> None:
    """A dossier waiting for its fee: each officer is offered the actions its answer lists in
    allowed_actions (the lifecycle table), and an administrator none."""
    dossier = accepted_dossier(web_stack)
    assert dossier["status"] == "fee_requested"
    tab = portal(user)
    tab.go(f"/can-bo/ho-so/{dossier['id']}")
    expect(tab.page.locator("main h1")).to_contain_text(dossier["code"])
    offered = tab.page.locator("section[aria-labelledby='dossier-actions'] details > summary")
    assert offered.all_inner_texts() == cards


def accepted_dossier(stack: RunningStack) -> dict[str, Any]:
    """A dossier of citizen1's, submitted with its documents and accepted by the desk."""
    dossier = submitted_dossier(stack)
    accepted = act(stack, "desk1", dossier["id"], "accept")
    assert accepted["code"]
    return dict(accepted)
