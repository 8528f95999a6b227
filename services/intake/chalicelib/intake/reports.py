"""The leaders' statistics as files: CSV and an Excel workbook with Vietnamese headers."""

from __future__ import annotations

import csv
import io
from typing import Any

# column key -> Vietnamese header
COLUMNS: tuple[tuple[str, str], ...] = (
    ("finished", "Số hồ sơ đã giải quyết"),
    ("early", "Trước hạn"),
    ("on_time", "Đúng hạn"),
    ("late", "Quá hạn"),
    ("on_time_rate", "Tỷ lệ đúng hạn (%)"),
    ("average_processing_hours", "Thời gian xử lý trung bình (giờ làm việc)"),
    ("negative_ratings", "Phản ánh, đánh giá không hài lòng"),
    ("satisfaction_index", "Chỉ số hài lòng (%)"),
)
STATUS_NAMES = {
    "draft": "Nháp",
    "submitted": "Mới đăng ký",
    "accepted": "Được tiếp nhận",
    "refused": "Không được tiếp nhận",
    "processing": "Đang xử lý",
    "supplement_requested": "Yêu cầu bổ sung giấy tờ",
    "fee_requested": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "withdrawn": "Công dân yêu cầu rút hồ sơ",
    "stopped": "Dừng xử lý",
    "result_ready": "Đã xử lý xong",
    "returned": "Đã trả kết quả",
}


def _sheets(report: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    figures = [header for _, header in COLUMNS]
    overall = report["overall"]
    return [
        (
            "Tổng hợp",
            ["Từ ngày", "Đến ngày", "Đang quá hạn", *figures],
            [
                [
                    report["from"],
                    report["to"],
                    report["overdue_now"],
                    *[overall[k] for k, _ in COLUMNS],
                ]
            ],
        ),
        (
            "Theo trạng thái",
            ["Trạng thái", "Số hồ sơ"],
            [[STATUS_NAMES.get(s, s), n] for s, n in report["by_status"].items()],
        ),
        (
            "Theo phòng",
            ["Phòng", *figures],
            [[row["unit"], *[row[k] for k, _ in COLUMNS]] for row in report["by_unit"]],
        ),
        (
            "Theo chuyên viên",
            ["Phòng", "Chuyên viên", *figures],
            [
                [row["unit"], row["officer"], *[row[k] for k, _ in COLUMNS]]
                for row in report["by_officer"]
            ],
        ),
    ]


def to_csv(report: dict[str, Any]) -> str:
    """One CSV with a blank line and a title between breakdowns (UTF-8 BOM for Excel)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for index, (title, header, rows) in enumerate(_sheets(report)):
        if index:
            writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)
    return out.getvalue()


def to_xlsx(report: dict[str, Any]) -> bytes:
    """A workbook with one sheet per breakdown."""
    from openpyxl import Workbook  # only the export path pays for it
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in _sheets(report):
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
