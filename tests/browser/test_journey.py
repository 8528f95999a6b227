"""The whole one-stop journey in a real browser, as the people involved would click through it:
the citizen composes, uploads and submits; the desk asks for a supplement; the citizen answers it;
the desk accepts; the citizen pays through the VNPay sandbox's page; the desk hands the dossier to
an officer, who approves; the desk returns the result; the public tracking page shows it; the
leader's dashboard counts it on time."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import Portal

PROCEDURE = "MYPHAM-01"  # with a fee: the level-4 path
APPLICANT = "Lê Thị Thanh Hương"


def pdf(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n% motcua test\n" + name.encode() + b"\n%%EOF\n")
    return path


def click(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def wait_for_status(tab: Portal, dossier_id: str, status: str, timeout_s: float = 30) -> None:
    """The events between services take a moment: reload the dossier page until it shows."""
    deadline = time.monotonic() + timeout_s
    while True:
        response = tab.stack.call("GET", f"/intake/dossiers/{dossier_id}", "citizen1")
        if response.json()["status"] == status:
            return
        assert time.monotonic() < deadline, f"still {response.json()['status']}, not {status}"
        time.sleep(0.3)


def compose_and_submit(citizen: Portal, tmp_path: Path) -> str:
    page = citizen.page
    citizen.go(f"/thu-tuc/{PROCEDURE}")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    citizen.settle()
    citizen.shot("compose-applicant")
    # prefilled from the citizen's profile (their Cognito attributes)
    expect(page.get_by_label("Họ và tên (hoặc tên tổ chức)")).to_have_value("Nguyễn Thị Hồng Nhung")
    expect(page.get_by_label("Số điện thoại di động")).to_have_value("0912000001")
    expect(page.get_by_label("Thư điện tử")).to_have_value("citizen1@example.vn")
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill(APPLICANT)
    page.get_by_label("Số định danh cá nhân (CCCD)").fill("079190001234")
    page.get_by_label("Số điện thoại di động").fill("0912000111")
    page.get_by_label("Thư điện tử").fill("huong@example.vn")
    page.get_by_label("Địa chỉ liên hệ").fill("12 Trần Phú, Nha Trang, Khánh Hòa")
    click(page, "Tiếp tục")

    page.get_by_label("Nội dung yêu cầu giải quyết").fill("Công bố sản phẩm sữa rửa mặt")
    citizen.shot("compose-request")
    click(page, "Tiếp tục")  # the draft is created here

    page.wait_for_url(re.compile(r"/ho-so/[^/]+/sua$"))
    dossier_id = page.url.rsplit("/", 2)[-2]
    uploads = page.locator("input[type=file]")
    expect(uploads.first).to_be_visible()
    for index in range(uploads.count()):
        box = uploads.nth(index)
        label = page.locator(f"label[for='{box.get_attribute('id')}']").inner_text()
        if "bắt buộc" in label:
            box.set_input_files(pdf(tmp_path, f"giay-to-{index}.pdf"))
            status = page.locator(f"[id='{box.get_attribute('aria-describedby')}']")
            expect(status).to_contain_text("Đã tải lên")
    citizen.shot("compose-documents")
    click(page, "Tiếp tục")

    page.get_by_label("Nhận trực tiếp tại Bộ phận Một cửa").check()
    click(page, "Tiếp tục")
    citizen.shot("compose-review")
    click(page, "Nộp hồ sơ")
    page.wait_for_url(re.compile(rf"/ho-so/{dossier_id}$"))
    citizen.settle()
    expect(page.locator("main")).to_contain_text("Đã nộp, chờ tiếp nhận")
    citizen.shot("submitted")
    return dossier_id


def test_a_dossier_from_composition_to_the_leaders_dashboard(portal: Any, tmp_path: Path) -> None:
    citizen = portal("citizen1")
    # Paying right after acceptance may come before the fee has reached the payment service.
    citizen.watch.allow(r"^/payment/payments$", 404)
    dossier_id = compose_and_submit(citizen, tmp_path)

    # The desk finds it in its queue and asks for a supplement.
    desk = portal("desk1")
    desk.go("/can-bo/tiep-nhan")
    expect(desk.page.locator("main")).to_contain_text(APPLICANT)
    desk.shot("desk-queue")
    desk.go(f"/can-bo/ho-so/{dossier_id}")
    desk.shot("desk-review")
    page = desk.page
    page.locator("summary", has_text="Yêu cầu bổ sung hồ sơ").click()
    form = page.locator("details", has=page.locator("summary", has_text="Yêu cầu bổ sung hồ sơ"))
    form.locator("input[type=checkbox]").first.check()
    form.locator("textarea").first.fill("Bản quét chưa rõ dấu, đề nghị quét lại")
    form.get_by_label("Lý do yêu cầu bổ sung").fill("Giấy tờ chưa rõ")
    click(page, "Gửi yêu cầu bổ sung")
    expect(page.locator("main")).to_contain_text("Cần bổ sung")

    # The citizen answers it.
    citizen.go(f"/ho-so/{dossier_id}")
    expect(citizen.page.locator("main")).to_contain_text("Giấy tờ chưa rõ")
    citizen.shot("supplement-requested")
    replacement = citizen.page.locator("input[type=file]").first
    replacement.set_input_files(pdf(tmp_path, "ban-quet-lai.pdf"))
    expect(citizen.page.locator("main")).to_contain_text("Đã tải lên: ban-quet-lai.pdf")
    click(citizen.page, "Nộp bổ sung")
    wait_for_status(citizen, dossier_id, "submitted")

    # The desk accepts it: a code and an appointment date, and a fee to pay.
    desk.go(f"/can-bo/ho-so/{dossier_id}")
    click(page, "Tiếp nhận")
    expect(page.locator("main")).to_contain_text("Chờ nộp phí, lệ phí")
    code = desk.stack.call("GET", f"/intake/dossiers/{dossier_id}", "desk1").json()["code"]
    desk.shot("desk-accepted")

    # The citizen pays on the sandbox's page and comes back to the dossier.
    citizen.go(f"/ho-so/{dossier_id}")
    citizen.shot("fee-requested")
    for _ in range(20):
        click(citizen.page, "Thanh toán trực tuyến qua VNPay")
        try:
            citizen.page.wait_for_url(re.compile(r"vpcpay"), timeout=1500)
            break
        except Exception:
            citizen.go(f"/ho-so/{dossier_id}")
    citizen.page.get_by_role("button", name="Thanh toán thành công").click()
    citizen.page.wait_for_url(re.compile(r"/payment/vnpay/return"))
    expect(citizen.page.locator("body")).to_contain_text("Thanh toán thành công")
    citizen.page.get_by_role("link", name="Xem tiến độ hồ sơ").click()
    citizen.page.wait_for_url(re.compile(rf"/ho-so/{dossier_id}$"))
    wait_for_status(citizen, dossier_id, "accepted")

    # The desk hands it to officer1, who approves it.
    desk.go(f"/can-bo/ho-so/{dossier_id}")
    page.get_by_label("Phòng xử lý").fill("Phòng Nghiệp vụ Dược")
    page.get_by_label("Chuyên viên xử lý").fill("officer1")
    click(page, "Chuyển xử lý")
    expect(page.locator("main")).to_contain_text("Đang xử lý")

    officer = portal("officer1")
    officer.go("/can-bo/xu-ly")
    expect(officer.page.locator("main")).to_contain_text(code)
    officer.shot("worklist")
    officer.go(f"/can-bo/ho-so/{dossier_id}")
    officer.page.get_by_label("Nội dung kết quả giải quyết").fill("Cấp số tiếp nhận 123/26/CBMP-KH")
    click(officer.page, "Phê duyệt")
    expect(officer.page.locator("main")).to_contain_text("Có kết quả, chờ trả")
    officer.shot("approved")

    # The desk returns the result at the counter.
    desk.go(f"/can-bo/ho-so/{dossier_id}")
    click(page, "Trả kết quả")
    expect(page.locator("main")).to_contain_text("Đã trả kết quả")

    # Anyone can follow it by its code.
    public = portal()
    public.go(f"/tra-cuu?ma={code}")
    expect(public.page.locator("main")).to_contain_text("Đã trả kết quả")
    expect(public.page.locator("main")).to_contain_text("Trả kết quả")
    public.shot("tracking")

    # The citizen sees the whole story and the messages sent.
    citizen.go(f"/ho-so/{dossier_id}")
    expect(citizen.page.locator("main")).to_contain_text("Đã trả kết quả")
    citizen.shot("returned")
    citizen.go("/ho-so")
    expect(citizen.page.locator("main")).to_contain_text(code)
    citizen.shot("my-dossiers")

    # The leader's dashboard counts it as finished on time.
    leader = portal("leader1")
    leader.go("/can-bo/thong-ke")
    main = leader.page.locator("main")
    expect(main).to_contain_text("100")  # the on-time rate, in per cent
    leader.shot("dashboard")
    report = leader.stack.call("GET", "/intake/stats?from=2020-01-01&to=2100-12-31", "leader1")
    overall = report.json()["overall"]
    assert overall["finished"] >= 1
    assert overall["late"] == 0
    assert overall["on_time_rate"] == 1.0 or overall["on_time_rate"] == 100
