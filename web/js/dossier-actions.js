// What an officer does to a dossier, as cards on its page: the server says which actions the
// caller may take now (the dossier's allowed_actions) and this module offers exactly those.
import { post, upload } from "./api.js";
import { localError, run, vnIso, vnLocal } from "./staff-common.js";
import { field, formatDateTime, formatMoney, h } from "./ui.js";

/** A collapsible card with a form; `submit(form, button)` performs the action. */
function actionCard(title, { open = false, intro, fields = [], submitLabel, danger = false, submit }) {
  const button = h("button", { type: "submit", class: danger ? "danger" : null }, submitLabel || title);
  const form = h("form", { novalidate: true }, intro ? h("p", { class: "muted" }, intro) : null, fields, button);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(button, form, () => submit(form, button));
  });
  return h("details", { class: "card", open }, h("summary", {}, h("strong", {}, title)), form);
}

function textarea(name, attrs = {}) {
  return h("textarea", { name, rows: 3, ...attrs });
}

function requireValue(form, name, label) {
  const input = form.querySelector(`[name="${name}"]`);
  if (!input || !String(input.value).trim()) throw localError(name, `Vui lòng nhập “${label}”.`);
  return String(input.value).trim();
}

/** The supplement request form: documents chosen with a note each, and a reason. */
function supplementCard(d, procedure, base, reload, open) {
  const documents = procedure ? procedure.documents : [];
  const rows = documents.map((doc) => {
    const box = h("input", { type: "checkbox", value: doc.code });
    const note = h("textarea", { rows: 2 });
    const noteField = field(`Nội dung cần bổ sung: ${doc.name}`, note);
    noteField.hidden = true;
    box.addEventListener("change", () => { noteField.hidden = !box.checked; });
    const id = `sup-${doc.code}`;
    box.id = id;
    return { doc, box, note, el: h("div", {}, h("label", { class: "choice", for: id }, box, doc.name, doc.required ? "" : " (không bắt buộc)"), noteField) };
  });
  const group = h("fieldset", { name: "items" },
    h("legend", {}, "Giấy tờ cần bổ sung, hoàn thiện"),
    rows.length ? rows.map((r) => r.el) : h("p", { class: "muted" }, "Chưa tải được danh mục giấy tờ của thủ tục."));
  return actionCard("Yêu cầu bổ sung hồ sơ", {
    open,
    intro: "Thời gian giải quyết tạm dừng cho đến khi người nộp bổ sung xong. Người nộp nhận được Phiếu yêu cầu bổ sung (Mẫu 02).",
    fields: [group, field("Lý do yêu cầu bổ sung", textarea("reason"))],
    submitLabel: "Gửi yêu cầu bổ sung",
    submit: async (form) => {
      const chosen = rows.filter((r) => r.box.checked);
      rows.forEach((r) => { r.box.removeAttribute("name"); r.note.removeAttribute("name"); });
      chosen.forEach((r, i) => { r.box.name = `items.${i}.document_code`; r.note.name = `items.${i}.note`; });
      if (!chosen.length) throw localError("items", "Chọn ít nhất một giấy tờ cần bổ sung.");
      const reason = requireValue(form, "reason", "Lý do yêu cầu bổ sung");
      await post(`${base}/request-supplement`, {
        reason,
        items: chosen.map((r) => ({ document_code: r.doc.code, note: r.note.value.trim() })),
      });
      await reload("Đã gửi yêu cầu bổ sung hồ sơ.");
    },
  });
}

/** Leaders: extend the appointment date (form 04). Exported for the overdue page. */
export function extendCard(d, onDone, { open = false, title = "Gia hạn, hẹn lại ngày trả" } = {}) {
  const when = h("input", { type: "datetime-local", name: "new_due_at", min: vnLocal(), step: 60 });
  return actionCard(title, {
    open,
    intro: `Chỉ gia hạn hồ sơ đã quá hạn hoặc còn không quá một ngày làm việc. Ngày hẹn hiện tại: ${formatDateTime(d.due_at)}. Người nộp nhận được Phiếu xin lỗi và hẹn lại ngày trả (Mẫu 04).`,
    fields: [
      field("Lý do gia hạn", textarea("reason")),
      field("Ngày giờ hẹn trả mới", when, "Trong giờ làm việc: 07:00–11:30, 13:30–17:00, giờ Việt Nam"),
    ],
    submitLabel: "Gia hạn",
    submit: async (form) => {
      const reason = requireValue(form, "reason", "Lý do gia hạn");
      if (!when.value) throw localError("new_due_at", "Vui lòng chọn ngày giờ hẹn trả mới.");
      try {
        await post(`/intake/dossiers/${encodeURIComponent(d.id)}/extend`, { reason, new_due_at: vnIso(when.value) });
      } catch (error) {
        if (error.code === "invalid_new_due_date" && !error.field) error.field = "new_due_at";
        throw error;
      }
      await onDone("Đã gia hạn và hẹn lại ngày trả kết quả.");
    },
  });
}

/** Leaders: stop processing. Exported for the overdue page. */
export function stopCard(d, onDone, { open = false, title = "Dừng xử lý hồ sơ" } = {}) {
  return actionCard(title, {
    open,
    intro: "Hồ sơ sẽ kết thúc ở trạng thái “Dừng xử lý”; người nộp được thông báo lý do.",
    fields: [field("Lý do dừng xử lý", textarea("reason"))],
    submitLabel: "Dừng xử lý",
    danger: true,
    submit: async (form) => {
      const reason = requireValue(form, "reason", "Lý do dừng xử lý");
      await post(`/intake/dossiers/${encodeURIComponent(d.id)}/stop`, { reason });
      await onDone("Đã dừng xử lý hồ sơ.");
    },
  });
}

/** The cards of the actions the caller may take now (`d.allowed_actions`, computed by the API
 * from the lifecycle), in the desk's working order; null when there are none. */
export function actionsSection(d, procedure, base, reload) {
  const may = (action) => (d.allowed_actions || []).includes(action);
  const cards = [];

  if (may("accept")) {
    cards.push(actionCard("Tiếp nhận hồ sơ", {
      open: true,
      intro: "Cấp mã hồ sơ và ngày hẹn trả kết quả; in Giấy tiếp nhận (Mẫu 01) sau khi tiếp nhận.",
      submitLabel: "Tiếp nhận",
      submit: async () => { await post(`${base}/accept`); await reload("Đã tiếp nhận hồ sơ."); },
    }));
  }
  if (may("request_supplement")) {
    cards.push(supplementCard(d, procedure, base, reload, false));
  }
  if (may("refuse")) {
    cards.push(actionCard("Từ chối tiếp nhận", {
      intro: "Người nộp nhận được Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03) với lý do.",
      fields: [field("Lý do từ chối", textarea("reason"))],
      submitLabel: "Từ chối tiếp nhận",
      danger: true,
      submit: async (form) => {
        const reason = requireValue(form, "reason", "Lý do từ chối");
        await post(`${base}/refuse`, { reason });
        await reload("Đã từ chối tiếp nhận hồ sơ.");
      },
    }));
  }
  if (may("assign")) {
    cards.push(actionCard("Chuyển xử lý", {
      open: true,
      intro: "Chuyển hồ sơ cho phòng chuyên môn và chuyên viên xử lý.",
      fields: [
        field("Phòng xử lý", h("input", { name: "unit", value: d.unit || "", autocomplete: "off" }), "Ví dụ: Phòng Nghiệp vụ"),
        field("Chuyên viên xử lý", h("input", { name: "officer", value: d.officer || "", autocomplete: "off" }), "Tên đăng nhập của chuyên viên, ví dụ officer1"),
      ],
      submitLabel: "Chuyển xử lý",
      submit: async (form) => {
        const unit = requireValue(form, "unit", "Phòng xử lý");
        const officer = requireValue(form, "officer", "Chuyên viên xử lý");
        await post(`${base}/assign`, { unit, officer });
        await reload(`Đã chuyển hồ sơ cho ${officer}.`);
      },
    }));
  }
  if (may("confirm_payment")) {
    cards.push(actionCard("Thu phí, lệ phí tại quầy", {
      open: true,
      intro: "Ghi nhận khoản phí, lệ phí người nộp đã nộp tại Bộ phận Một cửa.",
      fields: [
        field("Số biên lai", h("input", { name: "receipt_no", autocomplete: "off" })),
        field("Số tiền (đồng)", h("input", { name: "amount_vnd", type: "number", min: 1, step: 1, inputmode: "numeric", value: d.fee_vnd ?? "" }),
          d.fee_vnd ? `Phải nộp: ${formatMoney(d.fee_vnd)}` : null),
      ],
      submitLabel: "Ghi nhận đã nộp",
      submit: async (form) => {
        const receipt = requireValue(form, "receipt_no", "Số biên lai");
        const amount = Number(requireValue(form, "amount_vnd", "Số tiền (đồng)"));
        if (!Number.isInteger(amount) || amount <= 0) throw localError("amount_vnd", "Số tiền phải là số nguyên dương.");
        await post(`${base}/record-payment`, { receipt_no: receipt, amount_vnd: amount });
        await reload("Đã ghi nhận phí, lệ phí.");
      },
    }));
  }
  if (may("approve")) {
    cards.push(approveCard(d, base, reload));
  }
  // An online result is returned by the applicant's first download: the desk hands over the
  // others (one sent by post is returned when the post office delivers it, or at the counter).
  if (may("return") && d.delivery_method !== "online") {
    cards.push(actionCard("Trả kết quả", {
      open: true,
      intro: d.delivery_method === "postal"
        ? "Kết quả gửi qua bưu điện được trả tự động khi bưu điện phát thành công; chỉ trả tại quầy khi người nộp đến nhận trực tiếp."
        : "Xác nhận đã trao kết quả cho người nộp tại Bộ phận Một cửa.",
      submitLabel: "Trả kết quả",
      submit: async () => { await post(`${base}/return`); await reload("Đã trả kết quả."); },
    }));
  }
  if (may("extend")) cards.push(extendCard(d, reload));
  if (may("stop")) cards.push(stopCard(d, reload));
  if (!cards.length) return null;
  return h("section", { "aria-labelledby": "dossier-actions" },
    h("h2", { id: "dossier-actions" }, "Xử lý hồ sơ"), cards);
}

function approveCard(d, base, reload) {
  const online = d.delivery_method === "online";
  const file = h("input", { type: "file", name: "result_file", accept: "application/pdf,.pdf" });
  const progress = h("progress", { max: 1, value: 0, hidden: true, "aria-label": "Tiến độ tải tệp kết quả" });
  return actionCard("Phê duyệt kết quả", {
    open: true,
    intro: online
      ? "Người nộp nhận kết quả trực tuyến: cần tải lên văn bản kết quả (PDF, đã ký số) trước khi phê duyệt."
      : "Kết quả được chuyển về Bộ phận Một cửa để trả cho người nộp.",
    fields: [
      field("Nội dung kết quả giải quyết", textarea("result_summary"), "Ví dụ: Cấp giấy chứng nhận số …"),
      field(online ? "Văn bản kết quả (PDF)" : "Văn bản kết quả (PDF, không bắt buộc)", file, "Tối đa 10 MB"),
      progress,
    ],
    submitLabel: "Phê duyệt",
    submit: async (form) => {
      const summary = requireValue(form, "result_summary", "Nội dung kết quả giải quyết");
      const chosen = file.files[0];
      if (online && !chosen) throw localError("result_file", "Vui lòng chọn tệp PDF văn bản kết quả.");
      if (chosen) {
        if ((chosen.type && chosen.type !== "application/pdf") || !/\.pdf$/i.test(chosen.name)) throw localError("result_file", "Văn bản kết quả phải là tệp PDF (tên tệp có phần mở rộng .pdf).");
        const slot = await post(`${base}/result-file`, { filename: chosen.name, content_type: "application/pdf", size_bytes: chosen.size })
          .catch((error) => { if (!error.field || ["filename", "size_bytes", "content_type"].includes(error.field)) error.field = "result_file"; error.fields = null; throw error; });
        progress.hidden = false;
        await upload(slot.upload_url, slot.headers, chosen, (share) => { progress.value = share; })
          .catch((error) => { error.field = "result_file"; throw error; });
      }
      await post(`${base}/approve`, { result_summary: summary });
      await reload("Đã phê duyệt kết quả.");
    },
  });
}
