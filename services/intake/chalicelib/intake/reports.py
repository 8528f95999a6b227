"""The leaders' statistics as files: CSV and an Excel workbook with Vietnamese headers.

Unit and officer names are free text typed by officers: a spreadsheet must never take one for a
formula (OWASP "CSV Injection"; ASVS 5.0 requirement 1.2.10). A text cell whose first character
is one of ``FORMULA_TRIGGERS`` is written, in the CSV, with a single quote in front; in the
workbook, as a string cell (never a formula) marked ``quotePrefix`` (ECMA-376 Part 1, 18.8.45),
so that editing it in Excel does not turn it into one either.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from chalicelib.intake.domain.stats import NO_UNIT

# = + - @, tab and carriage return (OWASP), and NUL (ASVS 1.2.10).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
# How a dossier that was never assigned shows in the unit and officer columns.
UNASSIGNED = "(Chưa phân công)"

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


def is_formula_like(value: object) -> bool:
    """Whether a spreadsheet could read this text cell as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_cell(value: Any) -> Any:
    """A cell of the CSV: text that could start a formula gets a leading single quote."""
    return "'" + value if is_formula_like(value) else value


def _xml_text(value: Any) -> Any:
    """XML 1.0 cannot hold most control characters (openpyxl refuses them, failing the whole
    workbook): each becomes U+FFFD, so that a name holding one still exports."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def _name(value: str) -> str:
    return UNASSIGNED if value == NO_UNIT else value


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
            [[_name(row["unit"]), *[row[k] for k, _ in COLUMNS]] for row in report["by_unit"]],
        ),
        (
            "Theo chuyên viên",
            ["Phòng", "Chuyên viên", *figures],
            [
                [_name(row["unit"]), _name(row["officer"]), *[row[k] for k, _ in COLUMNS]]
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
        writer.writerow([csv_cell(title)])
        writer.writerow([csv_cell(v) for v in header])
        writer.writerows([csv_cell(v) for v in row] for row in rows)
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
            sheet.append([_xml_text(v) for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl makes a formula of any text starting with =
                    if is_formula_like(cell.value):
                        cell.quotePrefix = True
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
