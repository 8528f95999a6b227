"""The page the browser lands on after paying: the verified result, in Vietnamese."""

from __future__ import annotations

from html import escape

from chalicelib.payment.domain.model import Payment, PaymentStatus

_HEADLINES = {
    PaymentStatus.SUCCEEDED: "Thanh toán thành công",
    PaymentStatus.FAILED: "Thanh toán không thành công",
    PaymentStatus.EXPIRED: "Giao dịch đã hết hạn",
    PaymentStatus.PENDING: "Đang chờ xác nhận từ cổng thanh toán",
    PaymentStatus.REFUND_DUE: "Khoản thanh toán sẽ được hoàn trả",
}


def vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " VND"


def return_page(valid: bool, payment: Payment | None, reason: str, home_url: str) -> str:
    if not valid or payment is None:
        title = "Không xác minh được kết quả thanh toán"
        body = (
            "<p>Thông tin trả về không hợp lệ (sai chữ ký hoặc không tìm thấy giao dịch). "
            "Trạng thái thanh toán của hồ sơ không thay đổi.</p>"
        )
    else:
        title = _HEADLINES[payment.status]
        rows = [
            ("Mã hồ sơ", payment.dossier_code or payment.dossier_id),
            ("Mã giao dịch", payment.txn_ref),
            ("Số tiền", vnd(payment.amount_vnd)),
            ("Kết quả từ cổng thanh toán", reason),
        ]
        table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
        body = f'<table class="fields">{table}</table>'
        if payment.status is PaymentStatus.REFUND_DUE:
            why = escape(payment.refund_reason or "")
            body += (
                f"<p>Phí, lệ phí của hồ sơ không còn phải nộp: {why}. "
                "Khoản tiền sẽ được hoàn trả cho Ông/Bà; không cần thanh toán lại.</p>"
            )
        if payment.status is PaymentStatus.PENDING:
            body += (
                "<p>Kết quả sẽ được cập nhật khi cổng thanh toán xác nhận; "
                "vui lòng tải lại sau ít phút.</p>"
            )
    return f"""<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} — Dịch vụ công trực tuyến</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; color: #1a1a1a; }}
h1 {{ color: #0b4f8a; font-size: 1.5rem; }}
th {{ text-align: left; padding-right: 1rem; }}
a {{ color: #0b4f8a; }}
</style>
</head>
<body>
<main>
<h1>{escape(title)}</h1>
{body}
<p><a href="{escape(home_url)}">Xem tiến độ hồ sơ</a></p>
</main>
</body>
</html>
"""
