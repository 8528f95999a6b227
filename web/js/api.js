// The services' HTTP APIs, with the signed-in user's ID token. Errors become ApiError with the
// message in Vietnamese (the APIs' own `message_vi`).
import { session } from "./auth.js";

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || "http_error";
    this.messageVi = error.message_vi || "Đã có lỗi xảy ra. Vui lòng thử lại.";
    this.field = error.field;
    this.fields = error.fields;
    this.missing = error.missing;
    this.body = body;
  }
}

export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  const token = await session.idToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (cause) {
    throw new ApiError(0, { error: { code: "network", message_vi: "Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại." } });
  }
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

export const get = (path) => api("GET", path);
export const post = (path, body = {}) => api("POST", path, body);
export const put = (path, body = {}) => api("PUT", path, body);

/** PUT a file to a presigned URL with progress (fetch has no upload progress). */
export function upload(url, headers, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    for (const [name, value] of Object.entries(headers || {})) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); };
    // S3 answers 403 to an expired link or a file not of the size signed, 412 to a second upload
    // to the same link (it writes once): either way, choosing the file again asks for a new link.
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new ApiError(xhr.status, { error: { code: "upload_failed", message_vi: "Tải tệp lên không thành công. Vui lòng chọn lại tệp và thử lại." } })));
    xhr.onerror = () => reject(new ApiError(0, { error: { code: "upload_failed", message_vi: "Tải tệp lên không thành công. Vui lòng kiểm tra mạng và thử lại." } }));
    xhr.send(file);
  });
}
