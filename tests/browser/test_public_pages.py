"""Public pages in a real browser: search the catalogue, read a procedure, track a dossier by its
code, sign in — keyboard and screen reader basics included."""

from __future__ import annotations

from typing import Any


def test_search_and_read_a_procedure(portal: Any) -> None:
    tab = portal()
    tab.go("/")
    page = tab.page
    assert "Thủ tục hành chính" in page.title()
    tab.shot("home")
    page.get_by_label("Tìm thủ tục theo tên").fill("mỹ phẩm")
    page.get_by_role("button", name="Tìm kiếm").click()
    tab.settle()
    rows = page.locator("main tbody tr")
    assert rows.count() >= 1
    assert all("mỹ phẩm" in t.lower() for t in rows.locator("td:first-child").all_inner_texts())
    page.get_by_label("Lĩnh vực").select_option(label="Dược phẩm")
    page.get_by_label("Tìm thủ tục theo tên").fill("")
    page.get_by_role("button", name="Tìm kiếm").click()
    tab.settle()
    first = page.locator("main tbody tr a").first
    name = first.inner_text()
    first.click()
    tab.settle()
    assert page.locator("h1").inner_text() == name
    assert page.get_by_text("Thành phần hồ sơ").is_visible()
    assert page.get_by_text("Thời hạn giải quyết").is_visible()
    assert page.get_by_text("Phí, lệ phí").is_visible()
    tab.shot("procedure")


def test_tracking_an_unknown_code_says_so(portal: Any) -> None:
    tab = portal()
    tab.watch.allow(r"^/intake/track/", 404)
    tab.go("/tra-cuu")
    tab.page.get_by_label("Mã hồ sơ").fill("SYT-000000-0000")
    tab.page.keyboard.press("Enter")
    tab.settle()
    assert tab.page.get_by_role("alert").inner_text().startswith("Không tìm thấy hồ sơ")
    tab.shot("tracking-unknown")


def test_wrong_password_is_explained_next_to_the_field(portal: Any) -> None:
    tab = portal()
    tab.watch.allow(r"^/$", 400)  # Cognito's answer to a wrong password
    tab.go("/dang-nhap")
    tab.page.get_by_label("Tên đăng nhập").fill("citizen1")
    tab.page.get_by_label("Mật khẩu").fill("wrong-password")
    tab.page.get_by_role("button", name="Đăng nhập").click()
    tab.page.get_by_role("alert").wait_for()
    assert "không đúng" in tab.page.locator(".field-error").inner_text()
    assert tab.page.get_by_label("Mật khẩu").get_attribute("aria-invalid") == "true"
    tab.shot("login-error")


def test_pages_can_be_used_with_the_keyboard(portal: Any) -> None:
    tab = portal()
    tab.go("/")
    tab.page.keyboard.press("Tab")
    assert tab.page.evaluate("document.activeElement.textContent").startswith("Bỏ qua")
    tab.page.keyboard.press("Enter")
    assert tab.page.evaluate("document.activeElement.id") == "main"
    unlabeled = tab.page.evaluate(
        """[...document.querySelectorAll('main input, main select, main textarea')]
             .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
             .map(el => el.name)"""
    )
    assert unlabeled == []
