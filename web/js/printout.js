// The printout page (/ban-in.html): shows the slip the portal tab that opened it sends by
// postMessage (see printing.js). A classic script, not a module: this page's origin is opaque
// (CSP sandbox), and a module script would be a cross-origin (CORS) request from it.
(function () {
  "use strict";
  var opener = window.opener;
  var portal = window.location.origin; // the URL's origin; the document's own is "null"

  function show(html) {
    var slip = new DOMParser().parseFromString(html, "text/html");
    // DOMParser runs no script; none is carried over either (CSP script-src 'self' would stop
    // an inline one anyway).
    slip.querySelectorAll("script").forEach(function (s) { s.remove(); });
    document.documentElement.lang = slip.documentElement.lang || "vi";
    document.head.replaceChildren.apply(document.head, Array.from(slip.head.childNodes).map(function (n) {
      return document.adoptNode(n);
    }));
    document.body.replaceWith(document.adoptNode(slip.body));
  }

  window.addEventListener("message", function (event) {
    if (event.source !== opener || event.origin !== portal) return;
    var data = event.data;
    if (!data || data.type !== "motcua.printout" || typeof data.html !== "string") return;
    show(data.html);
  });
  if (opener) opener.postMessage({ type: "motcua.printout.ready" }, portal);
  else document.getElementById("waiting").textContent = "Trang này chỉ mở được từ nút in văn bản trên Cổng dịch vụ công.";
})();
