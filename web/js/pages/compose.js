// Composing a dossier step by step: the applicant, the request and the procedure's form fields,
// the documents, how the result is received, then a review and the submission. The draft is
// created when the applicant leaves step 2 for the first time and updated afterwards.
// Also exports the upload control and the choice group that the dossier page reuses.
import { get, post, put, upload } from "../api.js";
import { APPLICANT_KINDS as KINDS, DELIVERY } from "../labels.js";
import { busy, facts, field, formatDate, formatMoney, h, link, page, toast } from "../ui.js";

const STEPS = ["Người nộp hồ sơ", "Nội dung yêu cầu", "Thành phần hồ sơ", "Nhận kết quả", "Kiểm tra và nộp"];
const OFFERED_KINDS = ["citizen", "organisation"];

const PHONE = /^(\+84|84|0)(3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-9])\d{7}$/;
const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$/;
const ID_NUMBER = /^(\d{9}|\d{12})$/;

const MAX_BYTES = 10 * 1024 * 1024;
const FILE_TYPES = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png" };
const ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png";

// --- small shared pieces (also used by citizen.js) ---------------------------------------------

/** A validation failure in the shape showError() takes: one entry per field. */
export function invalid(problems, summary = "Vui lòng kiểm tra lại các thông tin được đánh dấu.") {
  return { messageVi: summary, fields: problems.map(([name, message]) => ({ field: name, message_vi: message })) };
}

/** A group of radio buttons or checkboxes with its legend; options are [value, label]. */
export function choices(legend, name, options, selected, { type = "radio", hint, onchange } = {}) {
  const chosen = new Set([].concat(selected ?? []));
  // The fieldset carries the name too, so showError() puts a message after the whole group.
  return h("fieldset", { name, class: "field choices", style: "border:0;padding:0;margin:.75rem 0 0;min-width:0" },
    h("legend", { style: "font-weight:600;padding:0" }, legend, hint ? h("span", { class: "hint" }, hint) : null),
    options.map(([value, label]) => h("label", { class: "choice" },
      h("input", { type, name, value, checked: chosen.has(value), onchange }), label)));
}

/**
 * POST …/submit (a first submission or a supplement); a 422 missing_documents names the missing
 * documents (`names`: code → name) instead of their codes, for showError().
 */
export async function submitDossier(dossierId, names) {
  try {
    return await post(`/intake/dossiers/${encodeURIComponent(dossierId)}/submit`);
  } catch (error) {
    if (error.code === "missing_documents" && Array.isArray(error.missing)) {
      error.missing = error.missing.map((code) => names[code] || code);
    }
    throw error;
  }
}

/** "+84912000001" → "0912000001" (how people write their number). */
export function localPhone(phone) {
  return String(phone || "").replace(/^\+84/, "0");
}

/** The file's type by its name's extension, if the browser's own idea of it agrees (the API
 * refuses a name whose extension is not of the declared type, e.g. a PDF named .html). */
function fileType(file) {
  const dot = file.name.lastIndexOf(".");
  const named = dot > 0 ? FILE_TYPES[file.name.slice(dot + 1).toLowerCase()] : undefined;
  if (!named) return null;
  return !file.type || file.type === named ? named : null;
}

function megabytes(bytes) {
  return (bytes / 1024 / 1024).toLocaleString("vi-VN", { maximumFractionDigits: 1 });
}

/** The browser's own checks before anything is sent: type and size. */
function checkFile(name, file) {
  if (!fileType(file)) throw invalid([[name, `Tệp “${file.name}” không đúng định dạng. Chỉ nhận tệp PDF (.pdf), JPEG (.jpg, .jpeg) hoặc PNG (.png), với phần mở rộng của tên tệp đúng với định dạng.`]], "Tệp chưa được tải lên.");
  if (file.size > MAX_BYTES) throw invalid([[name, `Tệp “${file.name}” có dung lượng ${megabytes(file.size)} MB, vượt quá mức tối đa 10 MB.`]], "Tệp chưa được tải lên.");
  if (file.size === 0) throw invalid([[name, `Tệp “${file.name}” không có nội dung.`]], "Tệp chưa được tải lên.");
}

/**
 * One document's upload control: choose a file, it is checked, a place is reserved
 * (POST …/attachments) and the file goes to the presigned URL with a progress bar.
 * `form()` returns the form that shows errors; `onUploaded(code, filename)` is told of success.
 */
export function documentUpload({ dossierId, document, filename, form, onUploaded }) {
  const name = `document.${document.code}`;
  const status = h("p", { class: "muted", id: `${name}-status`, "aria-live": "polite" },
    filename ? `Đã đính kèm: ${filename}` : "Chưa có tệp.");
  const progress = h("progress", { max: 1, value: 0, hidden: true, "aria-label": `Tiến độ tải lên: ${document.name}` });
  const input = h("input", { type: "file", name, accept: ACCEPT, "aria-describedby": status.id });
  const control = { uploading: false, filename };
  input.addEventListener("change", () => {
    const file = input.files[0];
    if (file) busy(input, form(), () => send(file));
  });
  async function send(file) {
    checkFile(name, file);
    control.uploading = true;
    status.textContent = `Đang tải lên: ${file.name}…`;
    try {
      const slot = await post(`/intake/dossiers/${encodeURIComponent(dossierId)}/attachments`, {
        document_code: document.code, filename: file.name.slice(-200), content_type: fileType(file), size_bytes: file.size,
      });
      progress.hidden = false;
      progress.value = 0;
      await upload(slot.upload_url, slot.headers, file, (fraction) => { progress.value = fraction; });
      progress.value = 1;
      control.filename = file.name;
      status.textContent = `Đã tải lên: ${file.name}`;
      if (onUploaded) onUploaded(document.code, file.name);
    } catch (error) {
      progress.hidden = true;
      status.textContent = control.filename ? `Đã đính kèm: ${control.filename}` : "Chưa có tệp.";
      input.value = "";
      throw error.fields ? error : { ...error, messageVi: error.messageVi, fields: [{ field: name, message_vi: error.messageVi }] };
    } finally {
      control.uploading = false;
    }
  }
  const label = [document.name, document.required ? h("strong", {}, " (bắt buộc)") : h("span", { class: "muted" }, " (nếu có)")];
  control.element = h("div", { class: "upload" },
    field(label, input, "Tệp PDF, JPEG hoặc PNG, tối đa 10 MB"),
    document.template_url ? h("p", {}, h("a", { href: document.template_url, target: "_blank", rel: "noopener" }, "Tải mẫu đơn, tờ khai")) : null,
    progress, status);
  return control;
}

// --- the wizard's data -------------------------------------------------------------------------

function fromProfile(user) {
  return {
    // session.user() falls back to the username when the token has no name: not a person's name.
    full_name: user.name && user.name !== user.username ? user.name : "", id_number: "", phone: localPhone(user.phone), email: user.email || "",
    address: "", kind: "citizen",
  };
}

function fromDossier(d) {
  return {
    applicant: { ...d.applicant, phone: localPhone(d.applicant.phone), email: d.applicant.email || "" },
    request_content: d.request_content || "",
    form_data: { ...(d.form_data || {}) },
    delivery_method: d.delivery_method || "online",
    delivery_address: d.delivery_address || "",
    files: Object.fromEntries((d.attachments || []).map((a) => [a.document_code, a.filename])),
  };
}

function body(state) {
  const postal = state.delivery_method === "postal";
  return {
    applicant: { ...state.applicant, email: state.applicant.email || null },
    request_content: state.request_content,
    form_data: state.form_data,
    delivery_method: state.delivery_method,
    delivery_address: postal ? state.delivery_address : null,
  };
}

function formFields(procedure) {
  return Array.isArray(procedure.form_fields) ? procedure.form_fields : [];
}

function applicantProblems(a) {
  const problems = [];
  if (!a.full_name) problems.push(["full_name", "Vui lòng nhập họ và tên (hoặc tên tổ chức)."]);
  if (!ID_NUMBER.test(a.id_number)) problems.push(["id_number", "Số định danh cá nhân gồm 12 chữ số (hoặc số chứng minh nhân dân 9 chữ số)."]);
  if (!PHONE.test(a.phone)) problems.push(["phone", "Số điện thoại di động chưa đúng, ví dụ 0912345678."]);
  if (a.email && !EMAIL.test(a.email)) problems.push(["email", "Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn."]);
  if (!a.address) problems.push(["address", "Vui lòng nhập địa chỉ liên hệ."]);
  return problems;
}

function formDataProblems(procedure, values) {
  return formFields(procedure).flatMap((f) => {
    const value = values[f.name];
    const empty = value === undefined || value === null || value === "";
    if (f.required && empty) return [[`form_data.${f.name}`, `Vui lòng nhập “${f.label}”.`]];
    if (f.max_length && !empty && String(value).length > f.max_length) return [[`form_data.${f.name}`, `“${f.label}” không quá ${f.max_length} ký tự.`]];
    return [];
  });
}

function missingDocuments(procedure, files) {
  return procedure.documents.filter((d) => d.required && !files[d.code]);
}

function dataComplete(state) {
  return !applicantProblems(state.applicant).length && !formDataProblems(state.procedure, state.form_data).length;
}

// --- the steps: each gives its controls and reads them back into the state ----------------------

function text(name, value, attrs = {}) {
  return h("input", { name, value: value ?? "", ...attrs });
}

const applicantStep = {
  view(state) {
    const a = state.applicant;
    return [
      h("p", { class: "muted" }, "Thông tin được điền sẵn từ tài khoản; Ông/Bà kiểm tra và bổ sung nếu cần."),
      field("Đối tượng nộp hồ sơ", h("select", { name: "kind" },
        [...new Set([...OFFERED_KINDS, a.kind])].map((value) => h("option", { value, selected: a.kind === value }, KINDS[value] || value)))),
      field("Họ và tên (hoặc tên tổ chức)", text("full_name", a.full_name, { autocomplete: "name", maxlength: 200, required: true })),
      field("Số định danh cá nhân (CCCD)", text("id_number", a.id_number, { inputmode: "numeric", maxlength: 12, required: true }),
        "12 chữ số; tổ chức ghi số định danh của người đại diện"),
      field("Số điện thoại di động", text("phone", a.phone, { type: "tel", autocomplete: "tel", required: true }), "Để nhận tin nhắn về tiến độ hồ sơ"),
      field("Thư điện tử", text("email", a.email, { type: "email", autocomplete: "email" }), "Không bắt buộc"),
      field("Địa chỉ liên hệ", text("address", a.address, { autocomplete: "street-address", maxlength: 500, required: true })),
    ];
  },
  read(state, data, validate) {
    const a = Object.fromEntries(["kind", "full_name", "id_number", "phone", "email", "address"].map((k) => [k, String(data.get(k) || "").trim()]));
    a.phone = a.phone.replace(/[\s.-]/g, "");
    state.applicant = { ...state.applicant, ...a };
    const problems = validate ? applicantProblems(state.applicant) : [];
    if (problems.length) throw invalid(problems);
  },
};

function formControl(f, value) {
  const name = `form_data.${f.name}`;
  const common = { name, required: f.required, maxlength: f.max_length };
  if (f.type === "textarea") return h("textarea", common, value ?? "");
  if (f.type === "select") {
    return h("select", common, h("option", { value: "" }, "— Chọn —"),
      (f.options || []).map((o) => {
        const [v, label] = typeof o === "object" ? [o.value, o.label ?? o.value] : [o, o];
        return h("option", { value: v, selected: String(value ?? "") === String(v) }, label);
      }));
  }
  const type = ["date", "number"].includes(f.type) ? f.type : "text";
  return text(name, value, { ...common, type, inputmode: type === "number" ? "decimal" : null });
}

/** A form value as a person reads it: the option's label, a Vietnamese date. */
function shownValue(f, value) {
  if (value === undefined || value === null || value === "") return "—";
  if (f.type === "date") return formatDate(value);
  if (f.type === "select") {
    const option = (f.options || []).find((o) => String(typeof o === "object" ? o.value : o) === String(value));
    return option && typeof option === "object" ? option.label ?? option.value : String(value);
  }
  return String(value);
}

const requestStep = {
  view(state) {
    return [
      field("Nội dung yêu cầu giải quyết", h("textarea", { name: "request_content", maxlength: 4000, rows: 5 }, state.request_content),
        "Tóm tắt điều Ông/Bà đề nghị cơ quan giải quyết"),
      formFields(state.procedure).map((f) => field([f.label, f.required ? h("strong", {}, " (bắt buộc)") : null], formControl(f, state.form_data[f.name]))),
    ];
  },
  read(state, data, validate) {
    state.request_content = String(data.get("request_content") || "").trim();
    const values = {};
    for (const f of formFields(state.procedure)) {
      const raw = String(data.get(`form_data.${f.name}`) ?? "").trim();
      if (raw !== "") values[f.name] = f.type === "number" && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
    }
    state.form_data = { ...state.form_data, ...values };
    for (const f of formFields(state.procedure)) if (!(f.name in values)) delete state.form_data[f.name];
    const problems = validate ? formDataProblems(state.procedure, state.form_data) : [];
    if (problems.length) throw invalid(problems);
  },
};

const documentsStep = {
  view(state, form) {
    state.uploads = state.procedure.documents.map((document) => documentUpload({
      dossierId: state.dossier.id, document, filename: state.files[document.code], form,
      onUploaded: (code, filename) => { state.files[code] = filename; },
    }));
    return [
      h("p", {}, "Đính kèm bản chụp hoặc bản quét từng giấy tờ. Tệp được tải lên ngay khi Ông/Bà chọn; chọn tệp khác để thay thế."),
      state.uploads.map((u) => u.element),
    ];
  },
  read(state, data, validate) {
    if (!validate) return;
    if (state.uploads.some((u) => u.uploading)) throw invalid([], "Vui lòng chờ tải xong các tệp đang tải lên.");
    const missing = missingDocuments(state.procedure, state.files);
    if (missing.length) {
      throw invalid(missing.map((d) => [`document.${d.code}`, "Giấy tờ bắt buộc: vui lòng đính kèm tệp."]),
        `Còn thiếu giấy tờ bắt buộc: ${missing.map((d) => d.name).join("; ")}.`);
    }
  },
};

const deliveryStep = {
  view(state) {
    const address = text("delivery_address", state.delivery_address || state.applicant.address, { autocomplete: "street-address", maxlength: 500 });
    const addressField = field("Địa chỉ nhận kết quả qua bưu điện", address, "Ghi đầy đủ số nhà, đường, phường/xã, tỉnh/thành phố");
    addressField.hidden = state.delivery_method !== "postal";
    const onchange = (e) => { addressField.hidden = e.target.value !== "postal"; };
    return [
      choices("Ông/Bà muốn nhận kết quả bằng cách nào?", "delivery_method",
        Object.entries(DELIVERY), state.delivery_method, { onchange }),
      addressField,
    ];
  },
  read(state, data, validate) {
    state.delivery_method = String(data.get("delivery_method") || "online");
    state.delivery_address = String(data.get("delivery_address") || "").trim();
    if (validate && state.delivery_method === "postal" && !state.delivery_address) {
      throw invalid([["delivery_address", "Vui lòng nhập địa chỉ nhận kết quả qua bưu điện."]]);
    }
  },
};

const reviewStep = {
  view(state, form, go) {
    const p = state.procedure;
    const a = state.applicant;
    const edit = (step) => h("button", { type: "button", class: "link", onclick: () => go(step) }, `Sửa ${STEPS[step].toLowerCase()}`);
    const values = formFields(p).map((f) => [f.label, shownValue(f, state.form_data[f.name])]);
    return [
      state.unsaved ? h("div", { class: "notice warn", role: "note" },
        "Hệ thống chưa cập nhật được bản nháp: những thay đổi sau khi tạo bản nháp có thể chưa được lưu. Vui lòng kiểm tra lại thông tin sau khi nộp.") : null,
      h("h3", {}, "Người nộp hồ sơ"),
      facts([["Đối tượng", KINDS[a.kind] || a.kind], ["Họ và tên", a.full_name], ["Số định danh", a.id_number],
        ["Điện thoại", a.phone], ["Thư điện tử", a.email || "—"], ["Địa chỉ", a.address]]),
      edit(0),
      h("h3", {}, "Nội dung yêu cầu"),
      facts([["Nội dung", state.request_content || "—"], ...values]),
      edit(1),
      h("h3", {}, "Thành phần hồ sơ"),
      h("ul", {}, p.documents.map((d) => h("li", {}, d.name, ": ",
        state.files[d.code] ? h("strong", {}, state.files[d.code]) : h("span", { class: d.required ? "field-error" : "muted" }, d.required ? "chưa đính kèm (bắt buộc)" : "không đính kèm")))),
      edit(2),
      h("h3", {}, "Nhận kết quả"),
      facts([["Hình thức", DELIVERY[state.delivery_method]], state.delivery_method === "postal" ? ["Địa chỉ nhận", state.delivery_address] : null]),
      edit(3),
      h("h3", {}, "Phí, lệ phí"),
      h("p", {}, p.fee_vnd ? `${formatMoney(p.fee_vnd)} — nộp sau khi hồ sơ được tiếp nhận.` : "Thủ tục này không thu phí, lệ phí."),
    ];
  },
  read() {},
};

const STEP_VIEWS = [applicantStep, requestStep, documentsStep, deliveryStep, reviewStep];

// --- the wizard --------------------------------------------------------------------------------

async function save(state) {
  const next = body(state);
  if (!state.dossier) {
    state.dossier = await post("/intake/dossiers", { procedure_code: state.procedure.code, ...next });
  } else if (JSON.stringify(next) !== state.saved) {
    if (state.updateUnsupported) { state.unsaved = true; return; }
    try {
      state.dossier = await put(`/intake/dossiers/${encodeURIComponent(state.dossier.id)}`, next);
    } catch (error) {
      if (![404, 405].includes(error.status)) throw error;
      state.updateUnsupported = true; // the update endpoint is not deployed yet: carry on
      state.unsaved = true;
      return;
    }
  }
  state.saved = JSON.stringify(next);
}

function stepIndicator(current) {
  return h("ol", { class: "steps", "aria-label": "Các bước nộp hồ sơ" },
    STEPS.map((name, i) => h("li", { "aria-current": i === current ? "step" : null }, name,
      i < current ? h("span", { class: "visually-hidden", style: "position:absolute;left:-9999px" }, " (đã xong)") : null)));
}

function wizard(ctx, state) {
  const region = h("div", { class: "wizard" });

  async function submit() {
    const names = Object.fromEntries(state.procedure.documents.map((d) => [d.code, d.name]));
    await submitDossier(state.dossier.id, names);
    toast("Đã nộp hồ sơ");
    ctx.navigate(`/ho-so/${encodeURIComponent(state.dossier.id)}`);
  }

  async function forward(form) {
    const step = state.step;
    STEP_VIEWS[step].read(state, new FormData(form), true);
    if (step === STEPS.length - 1) return submit();
    if (step === 1 || (state.dossier && step !== 2)) await persist();
    go(step + 1);
  }

  async function persist() {
    const created = !state.dossier;
    await save(state);
    if (created && ctx.params.code) history.replaceState({}, "", `/ho-so/${encodeURIComponent(state.dossier.id)}/sua`);
  }

  async function saveDraft(form) {
    // A draft needs a valid applicant (to be created) and, for the post, an address; the rest
    // (form fields, documents) only when it is submitted.
    STEP_VIEWS[state.step].read(state, new FormData(form), state.step === 0 || state.step === 3);
    await persist();
    toast(state.unsaved ? "Đã lưu nháp (một số thay đổi chưa cập nhật được)" : "Đã lưu nháp");
  }

  function back(form) {
    STEP_VIEWS[state.step].read(state, new FormData(form), false);
    go(state.step - 1);
  }

  function go(step, { focus = true } = {}) {
    state.step = step;
    const last = step === STEPS.length - 1;
    const heading = h("h2", { tabindex: "-1", style: "margin-top:0" }, `Bước ${step + 1}/${STEPS.length}: ${STEPS[step]}`);
    const form = h("form", { novalidate: true });
    const primary = h("button", { type: "submit" }, last ? "Nộp hồ sơ" : "Tiếp tục");
    const draft = h("button", { type: "button", class: "secondary", onclick: () => busy(draft, form, () => saveDraft(form)) }, "Lưu nháp");
    form.addEventListener("submit", (e) => { e.preventDefault(); busy(primary, form, () => forward(form)); });
    form.append(
      ...[STEP_VIEWS[step].view(state, () => form, go)].flat(Infinity).filter(Boolean),
      h("div", { class: "actions" },
        step > 0 ? h("button", { type: "button", class: "secondary", onclick: () => back(form) }, "Quay lại") : null,
        primary, draft));
    region.replaceChildren(stepIndicator(step), h("section", { class: "card" }, heading, form));
    if (focus) heading.focus(); // (on arrival the page's own heading keeps the focus)
  }

  return { region, go };
}

function procedureSummary(p) {
  const limit = p.time_limit ? `${p.time_limit.value} ${p.time_limit.unit === "working_days" ? "ngày làm việc" : "ngày"}` : "—";
  return h("p", { class: "muted" }, `Thời hạn giải quyết: ${limit} · Phí, lệ phí: ${p.fee_vnd ? formatMoney(p.fee_vnd) : "không thu"}`);
}

function start(ctx, procedure, state, step) {
  const { region, go } = wizard(ctx, { procedure, step, unsaved: false, updateUnsupported: false, uploads: [], ...state });
  page(ctx.main, "Nộp hồ sơ trực tuyến",
    h("p", {}, h("strong", {}, procedure.name)), procedureSummary(procedure), region);
  go(step, { focus: false });
}

function notFound(ctx, title, message, back = link("/ho-so", "Về danh sách hồ sơ của tôi")) {
  page(ctx.main, title, h("p", {}, message), back);
}

/** /nop-ho-so/:code — a new dossier for a procedure. */
export async function compose(ctx) {
  let procedure;
  try {
    procedure = await get(`/intake/procedures/${encodeURIComponent(ctx.params.code)}`);
  } catch (error) {
    if (error.status !== 404) throw error;
    notFound(ctx, "Không tìm thấy thủ tục", "Không có thủ tục hành chính với mã này.", link("/", "Về danh mục thủ tục"));
    return;
  }
  start(ctx, procedure, {
    dossier: null, applicant: fromProfile(ctx.user), request_content: "", form_data: {},
    delivery_method: "online", delivery_address: "", files: {},
  }, 0);
}

/** /ho-so/:id/sua — the same steps for an existing draft. */
export async function editDraft(ctx) {
  let dossier;
  try {
    dossier = await get(`/intake/dossiers/${encodeURIComponent(ctx.params.id)}`);
  } catch (error) {
    if (error.status !== 404) throw error;
    notFound(ctx, "Không tìm thấy hồ sơ", "Hồ sơ không tồn tại hoặc không thuộc tài khoản của Ông/Bà.");
    return;
  }
  if (dossier.status !== "draft") {
    page(ctx.main, "Hồ sơ đã được nộp", h("p", {}, "Chỉ sửa được hồ sơ khi còn là bản nháp."),
      link(`/ho-so/${encodeURIComponent(dossier.id)}`, "Xem hồ sơ"));
    return;
  }
  const procedure = await get(`/intake/procedures/${encodeURIComponent(dossier.procedure_code)}`);
  const state = { procedure, dossier, ...fromDossier(dossier) };
  state.saved = JSON.stringify(body(state));
  start(ctx, procedure, state, dataComplete(state) ? 2 : 0);
}
