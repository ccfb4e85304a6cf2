// Behaviour every page shares, kept out of the markup so the Content-Security-Policy can
// refuse inline scripts and handlers. Without JavaScript each form still posts as it is.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option submits its form.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.requestSubmit();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    // <form data-confirm="Delete this?">: asks first.
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // The organization switcher posts to the chosen organization's switch URL.
    if (form.id === "org-switcher" && form.elements.namedItem("organization")) {
      form.action = form.elements.namedItem("organization").value;
    }
  });
})();
