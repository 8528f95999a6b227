// Printable slips (forms 01–06, the result) open in a tab of their own, at /ban-in.html: a page
// served with `Content-Security-Policy: sandbox allow-scripts allow-modals` (no
// allow-same-origin), so the slip's document has an opaque origin. It cannot read this portal's
// session (sessionStorage holds the tokens) nor script this page through window.opener, as a
// same-origin blob: page could. The slip's HTML, fetched here with the token, reaches it by
// postMessage; the browser prints it as any page (Ctrl+P).

export const PRINTOUT_PAGE = "/ban-in.html";
const READY = "motcua.printout.ready";
const SLIP = "motcua.printout";
const WAIT_MS = 30_000;

const blocked = () => Object.assign(new Error("popup blocked"), {
  messageVi: "Trình duyệt đã chặn cửa sổ mới. Vui lòng cho phép cửa sổ bật lên cho trang này rồi thử lại.",
});
const notOpened = () => Object.assign(new Error("printout page"), {
  messageVi: "Chưa mở được văn bản để in. Vui lòng thử lại.",
});

/** Open the printout page now (while the click still counts as the user's), then hand it the
 * slip that `loadHtml()` fetches. Throws an error with `messageVi` when it cannot. */
export async function openPrintout(loadHtml) {
  const tab = window.open(PRINTOUT_PAGE, "_blank");
  if (!tab) throw blocked();
  let stop = () => {};
  // Only the page we opened, sandboxed (its origin is opaque: "null"), is told the slip.
  const ready = new Promise((resolve, reject) => {
    const listen = (event) => {
      if (event.source !== tab || event.origin !== "null" || event.data?.type !== READY) return;
      stop();
      resolve();
    };
    const timer = setTimeout(() => { stop(); reject(notOpened()); }, WAIT_MS);
    stop = () => { clearTimeout(timer); window.removeEventListener("message", listen); };
    window.addEventListener("message", listen);
  });
  try {
    const html = await loadHtml();
    await ready;
    // An opaque origin matches no target origin but "*"; `event.source === tab` above is the check.
    tab.postMessage({ type: SLIP, html }, "*");
  } catch (error) {
    stop();
    tab.close();
    throw error;
  }
}
