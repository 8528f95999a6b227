// Administrators' pages: the working calendar (extra days off, make-up working days) and the
// procedure catalogue.
import { get, put } from "../api.js";
import { LEVEL, TIME_UNITS } from "../labels.js";
import { localError, run, vnToday } from "../staff-common.js";
import { field, formatMoney, h, link, page, table, toast } from "../ui.js";

const SOURCES = {
  law: ["Ngày nghỉ lễ, Tết theo luật", "bad"],
  law_working: ["Ngày làm việc bù theo luật", "ok"],
  admin: ["Ngày nghỉ do quản trị viên thêm", "warn"],
  admin_working: ["Ngày làm việc do quản trị viên thêm", "ok"],
};
const FIELD_TYPES = {
  text: "Văn bản ngắn",
  textarea: "Văn bản dài",
  number: "Số",
  date: "Ngày",
  select: "Danh sách chọn",
};

const ROW_STYLE = "border: 1px solid var(--line); border-radius: 4px; margin: 0; padding: .25rem .75rem .75rem; min-width: 0";
const dmy = (iso) => iso.split("-").reverse().join("/");
const weekday = (iso) => new Date(`${iso}T00:00:00Z`).toLocaleDateString("vi-VN", { weekday: "long", timeZone: "UTC" });

/**
 * A list of rows the user can add to and remove from. `makeRow(value)` returns {el, focus, value}
 * (el: the row's content; focus: the control to focus; value(): the row's data) and is told its
 * index by `renumber(i)`.
 */
function repeater({ name, legend, hint, addLabel, removeLabel, makeRow, initial }) {
  const list = h("ol", { style: "list-style: none; padding: 0; margin: 0" });
  const rows = [];
  const add = h("button", { type: "button", class: "secondary" }, addLabel);
  const fieldset = h("fieldset", { name, style: "border: 0; margin: 0; padding: 0; min-width: 0" },
    h("legend", { style: "font-weight: 700; font-size: 1.15rem; padding: 0" }, legend), hint ? h("p", { class: "hint" }, hint) : null, list, add);

  function renumber() {
    rows.forEach((row, i) => {
      row.renumber(i);
      row.remove.textContent = "Xoá";
      row.remove.setAttribute("aria-label", `${removeLabel} ${i + 1}`);
    });
  }
  function addRow(value, focus = false) {
    const row = makeRow(value);
    row.remove = h("button", { type: "button", class: "secondary" }, "Xoá");
    row.li = h("li", { style: "margin-bottom: .75rem" }, row.el, row.remove);
    row.remove.addEventListener("click", () => {
      const index = rows.indexOf(row);
      rows.splice(index, 1);
      row.li.remove();
      renumber();
      const next = rows[index] || rows[index - 1];
      (next ? next.focus : add).focus();
    });
    rows.push(row);
    list.append(row.li);
    renumber();
    if (focus) row.focus.focus();
  }
  add.addEventListener("click", () => addRow(undefined, true));
  for (const value of initial || []) addRow(value);
  return { el: fieldset, values: () => rows.map((r) => r.value()) };
}

// ---------------------------------------------------------------------------------------------
// /quan-tri/lich

export async function calendar(ctx) {
  const { main, query, navigate } = ctx;
  const thisYear = Number(vnToday().slice(0, 4));
  const asked = Number(query.get("year"));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : thisYear;
  const data = await get(`/intake/calendar/${year}`);

  const years = [];
  for (let y = Math.min(year, thisYear - 1); y <= Math.max(year, thisYear + 2); y += 1) years.push(y);
  const yearSelect = h("select", { name: "year" }, years.map((y) => h("option", { value: y, selected: y === year }, String(y))));
  const chooser = h("form", { class: "card", "aria-label": "Chọn năm" },
    field("Năm", yearSelect),
    h("button", { type: "submit" }, "Xem lịch"));
  chooser.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(`/quan-tri/lich?year=${yearSelect.value}`);
  });

  const days = data.days || [];
  const dateRow = (name, noun) => (value) => {
    const input = h("input", { type: "date", min: `${year}-01-01`, max: `${year}-12-31`, value: value || "" });
    const wrap = field(noun, input);
    const label = wrap.querySelector("label");
    return {
      el: wrap,
      focus: input,
      value: () => input.value,
      renumber(i) { input.name = `${name}.${i}`; label.textContent = `${noun} ${i + 1}`; },
    };
  };
  const off = repeater({
    name: "extra_days_off",
    legend: "Ngày nghỉ thêm",
    hint: "Ngày nghỉ theo thông báo của Chính phủ, Ủy ban nhân dân (ví dụ ngày nghỉ hoán đổi) mà lịch theo luật chưa có.",
    addLabel: "Thêm ngày nghỉ",
    removeLabel: "Xoá ngày nghỉ",
    makeRow: dateRow("extra_days_off", "Ngày nghỉ"),
    initial: days.filter((d) => d.source === "admin").map((d) => d.date),
  });
  const working = repeater({
    name: "extra_working_days",
    legend: "Ngày làm việc bù thêm",
    hint: "Thứ Bảy, Chủ nhật phải đi làm bù cho ngày nghỉ hoán đổi.",
    addLabel: "Thêm ngày làm việc",
    removeLabel: "Xoá ngày làm việc",
    makeRow: dateRow("extra_working_days", "Ngày làm việc"),
    initial: days.filter((d) => d.source === "admin_working").map((d) => d.date),
  });
  const save = h("button", { type: "submit" }, "Lưu lịch làm việc");
  const editor = h("form", { class: "card", novalidate: true, "aria-labelledby": "calendar-edit" },
    h("h2", { id: "calendar-edit", style: "margin-top: 0" }, `Điều chỉnh lịch năm ${year}`),
    h("p", { class: "muted" }, "Hạn giải quyết của hồ sơ được tính theo lịch này (tính lại trong vòng một phút sau khi lưu)."),
    off.el, working.el, save);
  editor.addEventListener("submit", (event) => {
    event.preventDefault();
    run(save, editor, async () => {
      const dates = (list, name) => list.values().map((v, i) => {
        if (!v) throw localError(`${name}.${i}`, "Vui lòng chọn ngày hoặc xoá dòng trống.");
        return v;
      });
      const body = { extra_days_off: dates(off, "extra_days_off"), extra_working_days: dates(working, "extra_working_days") };
      await put(`/intake/calendar/${year}`, body);
      await calendar(ctx);
      toast(`Đã lưu lịch làm việc năm ${year}.`);
    });
  });

  page(main, "Lịch làm việc",
    h("p", {}, "Ngày làm việc: thứ Hai đến thứ Sáu, 07:00–11:30 và 13:30–17:00, trừ ngày nghỉ lễ, Tết; cộng các ngày làm việc bù."),
    chooser,
    h("h2", {}, `Ngày nghỉ và ngày làm việc bù năm ${year}`),
    days.length
      ? table(["Ngày", "Thứ", "Tên", "Loại"], days.map((d) => {
        const [label, tone] = SOURCES[d.source] || [d.source, ""];
        return [h("span", { class: "nowrap" }, dmy(d.date)), weekday(d.date), d.name, h("span", { class: `badge ${tone}` }, label)];
      }), `Năm ${year}: ${days.length} ngày`)
      : h("p", { class: "muted" }, "Không có ngày nghỉ nào."),
    editor);
}

// ---------------------------------------------------------------------------------------------
// /quan-tri/thu-tuc

export async function catalogue(ctx) {
  const { main, query } = ctx;
  const code = query.get("code");
  if (code) {
    await editProcedure(ctx, code);
    return;
  }
  const data = await get("/intake/procedures");
  const items = data.items || [];
  page(main, "Danh mục thủ tục hành chính",
    h("p", {}, "Chọn thủ tục để sửa tên, phí, lệ phí, thời hạn giải quyết, mức độ dịch vụ công trực tuyến, thành phần hồ sơ và tờ khai."),
    items.length
      ? table(["Mã", "Tên thủ tục", "Lĩnh vực", "Mức độ", "Phí, lệ phí", "Thời hạn", ""], items.map((p) => [
        p.code,
        p.name,
        p.field_name || p.field,
        LEVEL[p.online_level] || p.online_level,
        formatMoney(p.fee_vnd),
        `${p.time_limit.value} ${TIME_UNITS[p.time_limit.unit] || p.time_limit.unit}`,
        link(`/quan-tri/thu-tuc?code=${encodeURIComponent(p.code)}`, "Sửa", { "aria-label": `Sửa thủ tục ${p.name}` }),
      ]), `${items.length} thủ tục`)
      : h("p", { class: "muted" }, "Danh mục chưa có thủ tục nào."));
}

function checkbox(name, checked, labelText) {
  const box = h("input", { type: "checkbox", name, checked: Boolean(checked) });
  const label = h("label", { class: "choice" }, box, labelText);
  return { box, label };
}

async function editProcedure(ctx, code) {
  const { main } = ctx;
  const p = await get(`/intake/procedures/${encodeURIComponent(code)}`);

  const documents = repeater({
    name: "documents",
    legend: "Thành phần hồ sơ",
    hint: "Mỗi giấy tờ có mã riêng (chữ in hoa, chữ số, dấu gạch dưới; ví dụ DON_DE_NGHI). Đổi mã của giấy tờ đã dùng sẽ làm hồ sơ cũ không khớp.",
    addLabel: "Thêm giấy tờ",
    removeLabel: "Xoá giấy tờ",
    initial: p.documents,
    makeRow(doc = {}) {
      const codeInput = h("input", { value: doc.code || "", autocomplete: "off", spellcheck: "false", style: "text-transform: uppercase" });
      const nameInput = h("textarea", { rows: 2 }, doc.name || "");
      const url = h("input", { type: "text", inputmode: "url", value: doc.template_url || "", autocomplete: "off" });
      const required = checkbox("", doc.required ?? true, "Bắt buộc");
      const legend = h("legend", {});
      const set = h("fieldset", { style: ROW_STYLE }, legend,
        field("Mã giấy tờ", codeInput),
        field("Tên giấy tờ", nameInput),
        required.label,
        field("Đường dẫn mẫu đơn, tờ khai", url, "Không bắt buộc; tệp của cổng (/forms/…) hoặc địa chỉ https://"));
      return {
        el: set,
        focus: codeInput,
        renumber(i) {
          legend.textContent = `Giấy tờ ${i + 1}`;
          set.name = `documents.${i}`;
          codeInput.name = `documents.${i}.code`;
          nameInput.name = `documents.${i}.name`;
          required.box.name = `documents.${i}.required`;
          url.name = `documents.${i}.template_url`;
        },
        value: () => ({
          code: codeInput.value.trim().toUpperCase(),
          name: nameInput.value.trim(),
          required: required.box.checked,
          template_url: url.value.trim() || null,
        }),
      };
    },
  });

  const formFields = repeater({
    name: "form_fields",
    legend: "Các trường của tờ khai",
    hint: "Thông tin người nộp điền khi soạn hồ sơ. Tên trường: chữ thường không dấu, chữ số, dấu gạch dưới (ví dụ ten_co_so).",
    addLabel: "Thêm trường",
    removeLabel: "Xoá trường",
    initial: p.form_fields || [],
    makeRow(f = {}) {
      const nameInput = h("input", { value: f.name || "", autocomplete: "off", spellcheck: "false" });
      const labelInput = h("input", { value: f.label || "", autocomplete: "off" });
      const type = h("select", {}, Object.entries(FIELD_TYPES).map(([value, text]) => h("option", { value, selected: value === (f.type || "text") }, text)));
      const required = checkbox("", f.required, "Bắt buộc điền");
      const options = h("textarea", { rows: 3 }, (f.options || []).join("\n"));
      const optionsField = field("Các lựa chọn", options, "Mỗi dòng một lựa chọn");
      const maxLength = h("input", { type: "number", min: 1, max: 4000, step: 1, inputmode: "numeric", value: f.max_length ?? "" });
      const maxField = field("Độ dài tối đa (ký tự)", maxLength, "Không bắt buộc");
      const sync = () => {
        optionsField.hidden = type.value !== "select";
        maxField.hidden = !["text", "textarea"].includes(type.value);
      };
      type.addEventListener("change", sync);
      sync();
      const legend = h("legend", {});
      const set = h("fieldset", { style: ROW_STYLE }, legend,
        field("Tên trường", nameInput),
        field("Nhãn hiển thị", labelInput),
        field("Kiểu dữ liệu", type),
        required.label, optionsField, maxField);
      return {
        el: set,
        focus: nameInput,
        renumber(i) {
          legend.textContent = `Trường ${i + 1}`;
          set.name = `form_fields.${i}`;
          nameInput.name = `form_fields.${i}.name`;
          labelInput.name = `form_fields.${i}.label`;
          type.name = `form_fields.${i}.type`;
          required.box.name = `form_fields.${i}.required`;
          options.name = `form_fields.${i}.options`;
          maxLength.name = `form_fields.${i}.max_length`;
        },
        value: () => ({
          name: nameInput.value.trim(),
          label: labelInput.value.trim(),
          type: type.value,
          required: required.box.checked,
          options: type.value === "select" ? options.value.split("\n").map((s) => s.trim()).filter(Boolean) : [],
          max_length: ["text", "textarea"].includes(type.value) && maxLength.value ? Number(maxLength.value) : null,
        }),
      };
    },
  });

  const name = h("textarea", { name: "name", rows: 2 }, p.name);
  const fee = h("input", { name: "fee_vnd", type: "number", min: 0, step: 1, inputmode: "numeric", value: p.fee_vnd });
  const limitValue = h("input", { name: "time_limit.value", type: "number", min: 1, max: 365, step: 1, inputmode: "numeric", value: p.time_limit.value });
  const limitUnit = h("select", { name: "time_limit.unit" },
    Object.entries(TIME_UNITS).map(([value, text]) => h("option", { value, selected: value === p.time_limit.unit }, text)));
  const level = h("select", { name: "online_level" },
    Object.entries(LEVEL).map(([value, text]) => h("option", { value, selected: value === p.online_level }, `${text} (mức ${value === "full" ? 4 : 3})`)));
  const legal = h("textarea", { name: "legal_basis", rows: 3 }, p.legal_basis || "");
  const save = h("button", { type: "submit" }, "Lưu thủ tục");
  const form = h("form", { novalidate: true },
    h("section", { class: "card" },
      h("h2", { style: "margin-top: 0" }, "Thông tin chung"),
      h("p", { class: "muted" }, `Mã thủ tục: ${p.code}. Lĩnh vực: ${p.field_name || p.field}. Cơ quan: ${p.agency_name || p.agency_code}.`),
      field("Tên thủ tục", name),
      field("Phí, lệ phí (đồng)", fee, "0 nếu không thu phí"),
      h("fieldset", { name: "time_limit" }, h("legend", {}, "Thời hạn giải quyết"),
        field("Số ngày", limitValue),
        field("Đơn vị", limitUnit)),
      field("Mức độ dịch vụ công trực tuyến", level),
      field("Căn cứ pháp lý", legal)),
    h("section", { class: "card" }, documents.el),
    h("section", { class: "card" }, formFields.el),
    save);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(save, form, async () => {
      const whole = (input, label) => {
        const n = Number(input.value);
        if (input.value === "" || !Number.isInteger(n)) throw localError(input.name, `“${label}” phải là số nguyên.`);
        return n;
      };
      const body = {
        name: name.value.trim(),
        fee_vnd: whole(fee, "Phí, lệ phí (đồng)"),
        time_limit: { value: whole(limitValue, "Số ngày"), unit: limitUnit.value },
        online_level: level.value,
        legal_basis: legal.value.trim(),
        documents: documents.values(),
        form_fields: formFields.values(),
      };
      if (!body.documents.length) throw localError("documents", "Thủ tục cần có ít nhất một giấy tờ.");
      await put(`/intake/procedures/${encodeURIComponent(p.code)}`, body);
      await editProcedure(ctx, code);
      toast("Đã lưu thủ tục.");
    });
  });

  page(main, `Sửa thủ tục ${p.code}`,
    h("p", {}, link("/quan-tri/thu-tuc", "← Danh mục thủ tục")),
    form);
}
